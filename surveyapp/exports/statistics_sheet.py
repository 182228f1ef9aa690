"""The 问卷统计表 sheet laid out as the report prints it.

A title across the table; a two-row heading (问卷题目及选项, 项目 and 合计人数 span both rows,
选项 spans the option columns above A（非常满意）… E（很不满意）); per question three rows
人数 / 占比 / 分数 with the question text merged down the three, wrapped in full; the 合计 rows;
the 最终得分 row. Counts are whole numbers, 占比 a percent with two decimals, 分数 two
decimals, all real numbers. A4, one page wide, the heading repeated on every printed page.
The rows come from :func:`surveyapp.exports.report.table_rows`, as the CSV's do.
"""

from __future__ import annotations

from typing import Any

from surveyapp.exports.layout import CENTRE, PERCENT, POINTS, WHOLE, LaidOutSheet, Spec
from surveyapp.exports.report import table_rows
from surveyapp.exports.streams import XlsxBook
from surveyapp.scoring.report import CampaignReport

SHEET = "问卷统计表"
KINDS = {"人数": WHOLE, "占比": PERCENT, "分数": POINTS}
QUESTION_WIDTH, KIND_WIDTH, OPTION_WIDTH, TOTAL_WIDTH = 34.0, 7.0, 14.0, 10.0
#: The heading takes rows 2 and 3, under the title.
HEADING_ROWS = (2, 3)


def _heading(sheet: LaidOutSheet, header: list[str], repeat: bool = True) -> None:
    options = header[2:-1]
    last = len(header)
    first = [Spec(header[0], heading=True), Spec(header[1], heading=True), Spec("选项", heading=True)]
    first += [Spec(heading=True)] * (len(options) - 1) + [Spec(header[-1], heading=True)]
    top = sheet.append(first)
    second = [Spec(heading=True), Spec(heading=True)]
    second += [Spec(label, heading=True) for label in options] + [Spec(heading=True)]
    sheet.append(second, height=sheet.height_for(max(options, key=len, default=""), 3))
    sheet.merge(top, 1, top + 1, 1)
    sheet.merge(top, 2, top + 1, 2)
    sheet.merge(top, 3, top, last - 1)
    sheet.merge(top, last, top + 1, last)
    if repeat:
        sheet.repeat_rows(top, top + 1)


def _figure_row(row: list[Any], bold: bool) -> list[Spec]:
    kind = str(row[1])
    number_format = KINDS.get(kind)
    title = Spec(row[0] or None, bold=bold)
    figures = [Spec(value, number_format=number_format, bold=bold) for value in row[2:]]
    figures[-1] = Spec(row[-1], number_format=number_format, bold=bold or kind == "分数")
    return [title, Spec(kind, align=CENTRE, bold=bold), *figures]


def _block(sheet: LaidOutSheet, rows: list[list[Any]]) -> None:
    """A question's (or the totals') rows, its title merged down them."""
    bold = rows[0][0] == "合计"
    height = sheet.height_for(str(rows[0][0]), 1, rows=len(rows))
    first = None
    for row in rows:
        number = sheet.append(_figure_row(row, bold), height=height)
        first = first or number
    assert first is not None
    sheet.merge(first, 1, first + len(rows) - 1, 1)


def _final_row(sheet: LaidOutSheet, row: list[Any]) -> None:
    """最终得分 | 权重 | the score across the figure columns, as the report prints it."""
    width = len(row)
    specs = [Spec(row[0], bold=True), Spec("权重", align=CENTRE, bold=True)]
    specs += [Spec(row[-1], number_format=POINTS, bold=True, align=CENTRE)]
    specs += [Spec()] * (width - 3)
    number = sheet.append(specs)
    sheet.merge(number, 3, number, width)


def _blocks(rows: list[list[Any]]) -> list[list[list[Any]]]:
    """The body rows grouped: each 人数 row starts a block; other rows stand alone."""
    blocks: list[list[list[Any]]] = []
    for row in rows:
        if row[1] == "人数" or not blocks or row[1] not in KINDS:
            blocks.append([row])
        else:
            blocks[-1].append(row)
    return blocks


def write_statistics_sheet(book: XlsxBook, report: CampaignReport) -> None:
    """Add the 问卷统计表 sheet to ``book``."""
    rows = table_rows(report)
    header = rows[0]
    options = len(header) - 3
    widths = [QUESTION_WIDTH, KIND_WIDTH, *([OPTION_WIDTH] * options), TOTAL_WIDTH]
    sheet = LaidOutSheet(book, SHEET, widths)
    sheet.title(f"{report.campaign.questionnaire_version.title}统计表", len(header))
    _heading(sheet, header)
    for block in _blocks(rows[1:]):
        if block[0][0] == "最终得分":
            _final_row(sheet, block[0])
        elif block[0][1] == header[1]:  # the header of the next list's section
            _heading(sheet, block[0], repeat=False)
        else:
            _block(sheet, block)
