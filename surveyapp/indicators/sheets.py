"""The indicator table's sheets laid out as the report prints them.

汇总: the first-level summary (项目, 权重分, 得分, 扣分, 得分率), the 合计 row and the grade.
指标体系: the full four-level table, each level's name merged down the rows it spans, long texts
wrapped. 使用情况表: the funds sheet by county with its 合计 and 任务完成率. Borders, A4 one page
wide, the heading repeated on every printed page; figures are numbers in the report's formats,
targets and reasons are plain text cells that read exactly as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from analysis import indicators as ai
from surveyapp import labels
from surveyapp.exports.layout import CENTRE, PERCENT, POINTS, WHOLE, LaidOutSheet, Spec
from surveyapp.exports.streams import XlsxBook
from surveyapp.extensions import db
from surveyapp.indicators.funds import funds_report
from surveyapp.models import FundsSheet, IndicatorTable

FULL_SHEET, SUMMARY_SHEET, FUNDS_SHEET = "指标体系", "汇总", "使用情况表"
FULL_WIDTHS = {
    "level1": 10, "level2": 12, "level3": 14, "level4": 16, "id": 9, "points": 7, "type": 10,
    "target": 12, "actual": 12, "rule": 14, "score": 7, "deducted": 7, "rate": 9,
    "reason": 28, "evidence": 28, "example": 14,
}  # fmt: skip
FIGURES = {"points": POINTS, "score": POINTS, "deducted": POINTS, "rate": PERCENT}
MERGED_LEVELS = ("level1", "level2", "level3")


def _figure(value: Any, column: str) -> Any:
    """A Decimal as a float; a rate in percent as a fraction (95.20 -> 0.952)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, Decimal):
        return float(value / 100) if column == "rate" else float(value)
    return value


def write_summary_sheet(book: XlsxBook, table: ai.IndicatorTable) -> None:
    """汇总: the first-level rows, 合计 and the grade, as the report prints them."""
    headings = ai.SUMMARY_HEADINGS
    sheet = LaidOutSheet(book, SUMMARY_SHEET, [22, 11, 11, 11, 11])
    sheet.title(table.title, len(headings))
    heading_row = sheet.append([Spec(headings[c], heading=True) for c in headings])
    sheet.repeat_rows(heading_row, heading_row)
    for record in ai.summary_table(table).to_dict(orient="records"):
        bold = record["item"] == "合计"
        specs = [Spec(record["item"], bold=bold, align=CENTRE if bold else None)]
        specs += [Spec(_figure(record[c], c), FIGURES[c], bold=bold) for c in list(headings)[1:]]
        sheet.append(specs)
    grade_row = sheet.append(
        [Spec("评价等级", bold=True, align=CENTRE), Spec(table.grade or "未完成", align=CENTRE)]
        + [Spec()] * 3
    )
    sheet.merge(grade_row, 2, grade_row, len(headings))


def _runs(records: list[dict[str, Any]], depth: int) -> list[tuple[int, int]]:
    """(first, last) record indexes of each run sharing the level names down to ``depth``."""
    keys = [tuple(r[f"level{d}"] for d in range(1, depth + 1)) for r in records]
    runs, start = [], 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            runs.append((start, index - 1))
            start = index
    return runs


def _full_row(sheet: LaidOutSheet, record: dict[str, Any], columns: list[str]) -> list[Spec]:
    shown = dict(record)
    shown["type"] = labels.label(labels.INDICATOR_TYPES, record["type"])
    shown["rule"] = labels.label(labels.RULES, record["rule"])
    if isinstance(record.get("example"), bool):
        shown["example"] = "是" if record["example"] else ""
    return [Spec(_figure(shown[c], c), FIGURES.get(c)) for c in columns]


def _height(sheet: LaidOutSheet, record: dict[str, Any], columns: list[str]) -> float | None:
    heights = [
        sheet.height_for(str(record[c]), index)
        for index, c in enumerate(columns, start=1)
        if isinstance(record[c], str) and c not in MERGED_LEVELS
    ]
    return max((h for h in heights if h is not None), default=None)


def write_full_sheet(book: XlsxBook, table: ai.IndicatorTable) -> None:
    """指标体系: one row per fourth-level indicator, the upper levels merged down their rows."""
    columns = list(ai.FLAT_HEADINGS)
    sheet = LaidOutSheet(book, FULL_SHEET, [FULL_WIDTHS.get(c, 11) for c in columns], landscape=True)
    sheet.title(table.title, len(columns))
    heading_row = sheet.append([Spec(ai.FLAT_HEADINGS[c], heading=True) for c in columns])
    sheet.repeat_rows(heading_row, heading_row)
    records = ai.flat_table(table).to_dict(orient="records")
    first = sheet.next_row
    for record in records:
        sheet.append(_full_row(sheet, record, columns), height=_height(sheet, record, columns))
    for depth, column in enumerate(MERGED_LEVELS, start=1):
        place = columns.index(column) + 1
        for start, end in _runs(records, depth):
            if records[start][column] is not None:
                sheet.merge(first + start, place, first + end, place)


@dataclass(frozen=True)
class FundsPrint:
    """The funds sheet's rows and figures, as the funds page shows them."""

    rows: list[tuple[str, Decimal, int, Decimal, Decimal]]
    funds: Decimal
    people: int
    people_target: int | None
    completion_rate: Decimal | None


FUNDS_HEADINGS = ("县(市、区)", "下拨资金（万元）", "补助人数", "市县承担比例")


def write_funds_sheet(book: XlsxBook, title: str, funds: FundsPrint) -> None:
    """使用情况表: one row per county, 合计, and 任务完成率 against the people target."""
    sheet = LaidOutSheet(book, FUNDS_SHEET, [16, 16, 12, 14])
    sheet.title(f"{title} 补助经费使用情况表", len(FUNDS_HEADINGS))
    heading_row = sheet.append([Spec(h, heading=True) for h in FUNDS_HEADINGS])
    sheet.repeat_rows(heading_row, heading_row)
    for county, money, people, city, county_share in funds.rows:
        sheet.append(
            [
                Spec(county),
                Spec(float(money), "General"),
                Spec(people, WHOLE),
                Spec(f"{city}:{county_share}", align=CENTRE),
            ]
        )
    sheet.append(
        [
            Spec("合计", align=CENTRE, bold=True),
            Spec(float(funds.funds), "General", bold=True),
            Spec(funds.people, WHOLE, bold=True),
            Spec(),
        ]
    )
    rate = None if funds.completion_rate is None else float(funds.completion_rate / 100)
    target = "" if funds.people_target is None else f"{funds.people} / {funds.people_target}"
    row = sheet.append(
        [
            Spec("任务完成率", align=CENTRE, bold=True),
            Spec(rate, PERCENT, bold=True),
            Spec(target, align=CENTRE),
            Spec(),
        ]
    )
    sheet.merge(row, 3, row, 4)


def funds_print_for(record: IndicatorTable) -> FundsPrint | None:
    """The stored table's funds sheet for the workbook; None when it has no rows."""
    sheet = db.session.scalars(select(FundsSheet).filter_by(table_id=record.id)).one_or_none()
    if sheet is None or not sheet.rows:
        return None
    report = funds_report(sheet)
    assert report.totals is not None
    rows = [(r.county, r.funds, r.people, r.city_share, r.county_share) for r in sheet.rows]
    return FundsPrint(
        rows, report.totals.funds, report.totals.people, sheet.people_target, report.completion_rate
    )
