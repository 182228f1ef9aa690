"""The satisfaction section of the report as Word (docx): the sentence, the table, the chart.

The sentence is the one the report uses (共计发放问卷N份，收回有效问卷N份，群众满意度综合得分为X分);
the 问卷统计表 is a real Word table laid out as the report prints it (merged two-row heading,
three rows per question, 合计, 最终得分, borders, heading repeated on every page); the chart is
an image with the options' names as Word text beside it. Figures come from
:func:`surveyapp.exports.report.table_rows`, as in the CSV and XLSX.
"""

from __future__ import annotations

import io
from typing import IO, Any

from docx.document import Document as DocumentObject
from docx.shared import Cm, RGBColor
from docx.table import Table
from flask_babel import gettext as _

from surveyapp.evaluation.charts import FILLS
from surveyapp.exports.chart_image import chart_png
from surveyapp.exports.report import table_rows
from surveyapp.exports.word_tables import (
    CENTRE,
    LEFT,
    bordered_table,
    fill,
    heading,
    new_document,
    paragraph,
    repeat_heading,
    to_file,
)
from surveyapp.exports.writers import as_printed
from surveyapp.scoring.report import CampaignReport

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
QUESTION_CM, KIND_CM, FIGURE_CM = 5.6, 1.2, 1.6


def handed_out(report: CampaignReport) -> int:
    """Questionnaires handed out: the campaign's target when set, else the responses received."""
    target = report.campaign.target_responses or 0
    return max(target, report.table.respondents)


def summary_sentence(report: CampaignReport) -> str:
    """The report's sentence on the survey, with this campaign's figures."""
    score = report.as_dict()["score"]
    return _(
        "%(handed)s questionnaires were handed out and %(valid)s valid ones returned; "
        "the satisfaction score is %(score)s.",
        handed=handed_out(report),
        valid=report.table.respondents,
        score="—" if score is None else f"{score:.2f}",
    )


def _text(value: Any, kind: str) -> str:
    shown = as_printed(value, kind)
    return "" if shown is None else str(shown)


def _heading_rows(table: Table, header: list[str]) -> None:
    last = len(header) - 1
    top, second = table.rows[0].cells, table.rows[1].cells
    fill(top[0].merge(second[0]), header[0], bold=True)
    fill(top[1].merge(second[1]), header[1], bold=True)
    fill(top[2].merge(top[last - 1]), "选项", bold=True)
    for column in range(2, last):
        fill(second[column], header[column], bold=True)
    fill(top[last].merge(second[last]), header[last], bold=True)
    repeat_heading(table, 2)


def _body(table: Table, rows: list[list[Any]]) -> None:
    block_start = 2
    for offset, row in enumerate(rows):
        cells = table.rows[2 + offset].cells
        if row[0] == "最终得分":
            fill(cells[0], row[0], bold=True)
            fill(cells[1], "权重", bold=True)
            fill(cells[2].merge(cells[-1]), _text(row[-1], "分数"), bold=True)
            continue
        if row[1] == "人数":
            block_start = 2 + offset
            bold = row[0] == "合计"
            fill(cells[0], str(row[0]), bold=bold, align=CENTRE if bold else LEFT)
        elif row[1] == "分数":
            table.cell(block_start, 0).merge(table.cell(2 + offset, 0))
        fill(cells[1], str(row[1]))
        for column, value in enumerate(row[2:], start=2):
            fill(cells[column], _text(value, str(row[1])), bold=row[0] == "合计" or column == len(row) - 1)


def statistics_table(document: DocumentObject, report: CampaignReport) -> Table:
    """The 问卷统计表 as a Word table (one per list the questions are scored on); the first returned."""
    rows = table_rows(report)
    sections: list[list[list[Any]]] = []
    for row in rows:  # each list's section opens with its header row
        if row[1] == rows[0][1] and row[0] == rows[0][0]:
            sections.append([row])
        else:
            sections[-1].append(row)
    tables = []
    for header, *body in sections:
        widths = [QUESTION_CM, KIND_CM, *([FIGURE_CM] * (len(header) - 2))]
        table = bordered_table(document, 2 + len(body), len(header), widths)
        _heading_rows(table, header)
        _body(table, body)
        tables.append(table)
    return tables[0]


def _legend(document: DocumentObject, options: list[dict[str, Any]]) -> None:
    para = document.add_paragraph()
    para.alignment = CENTRE
    for position, option in enumerate(options):
        mark = para.add_run("■ ")
        mark.font.color.rgb = RGBColor.from_string(FILLS[position % len(FILLS)].lstrip("#").upper())
        para.add_run(f"{option['code']} {option['label']}    ")


def _chart(document: DocumentObject, report: CampaignReport) -> None:
    data = report.as_dict()
    if not data["questions"] or not report.table.respondents:
        return
    paragraph(document, _("Share of each option per question (question numbers on the left)"), align=CENTRE)
    document.add_picture(io.BytesIO(chart_png(data["questions"])), width=Cm(15.5))
    document.paragraphs[-1].alignment = CENTRE
    for section in data["sections"]:
        _legend(document, section["totals"]["options"])


def report_document(report: CampaignReport) -> DocumentObject:
    """The satisfaction section: heading, sentence, table title, table, chart."""
    document = new_document()
    heading(document, _("Satisfaction of the beneficiaries"))
    paragraph(document, summary_sentence(report))
    title = f"{report.campaign.questionnaire_version.title}统计表"
    paragraph(document, title, bold=True, align=CENTRE)
    statistics_table(document, report)
    _chart(document, report)
    return document


def report_docx(report: CampaignReport) -> IO[bytes]:
    """The Word file, rewound, for a download or the command line."""
    return to_file(report_document(report))
