"""A campaign's report as CSV and XLSX, through the shared streaming helpers.

Every cell passes through :mod:`surveyapp.exports.cells` (in ``csv_chunks`` and
``XlsxBook``), so text that a spreadsheet would run as a formula is made inert.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from surveyapp.exports.report import provenance_rows, response_rows, table_rows
from surveyapp.exports.statistics_sheet import write_statistics_sheet
from surveyapp.exports.streams import XlsxBook, csv_chunks
from surveyapp.models import Campaign
from surveyapp.scoring.report import CampaignReport


def report_json(report: CampaignReport) -> str:
    """The JSON report, Chinese kept readable."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def as_printed(value: Any, kind: str) -> Any:
    """A figure as the report prints it: 82.93%, 8.29; counts and text unchanged."""
    if not isinstance(value, float):
        return value
    if kind == "占比":
        return f"{Decimal(str(value)) * 100:.2f}%"
    return f"{Decimal(str(value)):.2f}"


def _csv_table(report: CampaignReport) -> Iterator[list[Any]]:
    yield from provenance_rows(report)
    yield []
    for row in table_rows(report):
        kind = str(row[1]) if len(row) > 1 else ""
        yield [as_printed(value, kind) for value in row]


def report_csv(report: CampaignReport) -> Iterator[str]:
    """The statistics table as CSV text chunks (UTF-8 with BOM when encoded), provenance first.

    The table is small: its rows are made at once, so the chunks need no database session.
    """
    return csv_chunks(list(_csv_table(report)))


def responses_csv(campaign: Campaign, include_excluded: bool = False) -> Iterator[str]:
    """The individual responses as CSV chunks, streamed from the database."""
    return csv_chunks(response_rows(campaign, include_excluded))


def _responses_sheet(book: XlsxBook, campaign: Campaign, include_excluded: bool) -> None:
    rows = response_rows(campaign, include_excluded)
    header = next(rows)
    sheet = book.sheet("答卷", widths=[8, 20, 10, 10, 12, 12, *([5] * (len(header) - 6))])
    book.header(sheet, header)
    for row in rows:
        book.row(sheet, row)


def _provenance_sheet(book: XlsxBook, report: CampaignReport) -> None:
    sheet = book.sheet("说明", widths=[12, 60, 50])
    for row in provenance_rows(report):
        book.row(sheet, row)


def report_xlsx(report: CampaignReport) -> XlsxBook:
    """The workbook: the table as the report lays it out, the responses, and where it came from."""
    book = XlsxBook()
    write_statistics_sheet(book, report)
    _responses_sheet(book, report.campaign, report.include_excluded)
    _provenance_sheet(book, report)
    return book
