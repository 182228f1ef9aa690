"""The indicator table as XLSX (laid out by :mod:`surveyapp.indicators.sheets`) and as JSON.

Every text cell is written as a string cell (see :mod:`surveyapp.exports.streams`), which
no spreadsheet evaluates: a target such as ``= 100 %`` reads as printed, with no apostrophe.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from analysis import indicators as ai
from surveyapp.exports.streams import XlsxBook
from surveyapp.indicators.links import LinkedValue
from surveyapp.indicators.sheets import FundsPrint, write_full_sheet, write_funds_sheet, write_summary_sheet

ABOUT_SHEET = "说明"


def _about_rows(table: ai.IndicatorTable, links: dict[str, LinkedValue]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["标题", table.title],
        ["总分", float(table.score)],
        ["评价等级", table.grade or "未完成"],
    ]
    for node_id, linked in links.items():
        latest = linked.latest_response_at.isoformat() if linked.latest_response_at else ""
        rows.append(
            [
                f"{node_id} 数据来源",
                f"{linked.kind} {linked.campaign.slug} {linked.campaign.name}; "
                f"取值时间 {linked.taken_at.isoformat()}; 最新答卷 {latest}",
            ]
        )
    return rows


def write_xlsx(
    table: ai.IndicatorTable,
    target: str | IO[bytes],
    links: dict[str, LinkedValue] | None = None,
    funds: FundsPrint | None = None,
) -> None:
    """Write the full table, the summary, the funds sheet (if any) and the sources to ``target``."""
    book = XlsxBook()
    write_full_sheet(book, table)
    write_summary_sheet(book, table)
    if funds is not None:
        write_funds_sheet(book, table.title, funds)
    about = book.sheet(ABOUT_SHEET, [18, 80])
    for row in _about_rows(table, links or {}):
        book.row(about, row)
    book.save(target)


def _source(linked: LinkedValue) -> dict[str, Any]:
    return {
        "kind": linked.kind,
        "campaign": linked.campaign.slug,
        "campaign_name": linked.campaign.name,
        "respondents": linked.respondents,
        "value": None if linked.value is None else float(linked.value),
        "taken_at": linked.taken_at.isoformat(),
        "latest_response_at": None
        if linked.latest_response_at is None
        else linked.latest_response_at.isoformat(),
    }


def _add_sources(node: dict[str, Any], links: dict[str, LinkedValue]) -> None:
    if node["id"] in links:
        node["source"] = _source(links[node["id"]])
    for child in node.get("children", []):
        _add_sources(child, links)


def table_json(
    table: ai.IndicatorTable,
    links: dict[str, LinkedValue] | None = None,
    problems: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``analysis.indicators.as_dict`` plus, for linked leaves, where the value came from."""
    data = ai.as_dict(table)
    for level in data["levels"]:
        _add_sources(level, links or {})
    data["summary"] = [
        {key: (float(value) if isinstance(value, Decimal) else value) for key, value in row.items()}
        for row in ai.summary_table(table).to_dict(orient="records")
    ]
    data["problems"] = dict(problems or {})
    return data
