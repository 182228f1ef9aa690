"""The indicator table's summary as Word (docx): first-level rows, 合计 and the grade.

A real Word table with borders and a repeated heading row, as the report prints the summary
(项目, 权重分, 得分, 扣分, 得分率), then the grade. The figures come from
:func:`analysis.indicators.summary_table`, as in the XLSX and JSON exports.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from flask_babel import gettext as _

from analysis import indicators as ai
from surveyapp.exports.word_tables import (
    CENTRE,
    bordered_table,
    fill,
    new_document,
    paragraph,
    repeat_heading,
    to_file,
)


def _printed(value: Any, column: str) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}%" if column == "rate" else f"{value:.2f}"
    return "" if value is None else str(value)


def summary_docx(table: ai.IndicatorTable) -> IO[bytes]:
    """The summary table and the grade as a Word file, rewound."""
    document = new_document()
    paragraph(document, f"{table.title} 评分汇总表", bold=True, align=CENTRE)
    records = ai.summary_table(table).to_dict(orient="records")
    columns = list(ai.SUMMARY_HEADINGS)
    grid = bordered_table(document, len(records) + 1, len(columns), [5.0, 2.4, 2.4, 2.4, 2.4])
    for index, column in enumerate(columns):
        fill(grid.cell(0, index), ai.SUMMARY_HEADINGS[column], bold=True)
    for number, record in enumerate(records, start=1):
        bold = record["item"] == "合计"
        for index, column in enumerate(columns):
            fill(grid.cell(number, index), _printed(record[column], column), bold=bold)
    repeat_heading(grid, 1)
    grade = table.grade or _("not finished")
    paragraph(
        document,
        _("Grade: %(grade)s (total %(score)s)", grade=grade, score=_printed(records[-1]["score"], "score")),
    )
    return to_file(document)
