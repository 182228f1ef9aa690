"""The funds sheet of an indicator table: rows entered or imported, checked by ``analysis.funds``.

Imports are all or nothing: every row is checked first and every problem is reported with its
row and column; nothing is stored unless the whole file is valid. Nothing is ever corrected.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import select

from analysis import funds as af
from surveyapp.domain import DomainError
from surveyapp.extensions import db
from surveyapp.imports.reading import ImportFileError, Sheet, read_upload
from surveyapp.indicators.services import record_change
from surveyapp.models import Area, FundsRow, FundsSheet, IndicatorTable, User
from surveyapp.validation import INT_MAX, parse_bounded

#: Column headings an import may use for each field (compared without spaces, case-insensitively).
COLUMN_NAMES = {
    "county": ("county", "县(市、区)", "县（市、区）", "县区", "县", "地区"),
    "funds": (
        "funds",
        "市级资金",
        "下拨资金",
        "市级资金(万元)",
        "市级资金（万元）",
        "下拨资金(万元)",
        "下拨资金（万元）",
    ),
    "people": ("people", "补助人数", "人数"),
    "city_share": ("city_share", "市级比例", "市级承担比例"),
    "county_share": ("county_share", "县级比例", "县级承担比例"),
    "share": ("share", "承担比例", "市县承担比例"),
}
MAX_IMPORT_ROWS = 500


class FundsInputError(DomainError):
    """Rows that cannot be stored: one message per problem, naming row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FundsRowInput:
    """One county's figures as typed or imported."""

    county: str
    funds: Decimal
    people: int
    city_share: int
    county_share: int
    #: the row of the file it was read from (0 when typed in)
    line: int = 0


@dataclass(frozen=True)
class FundsReport:
    """Totals, completion rate, what the cost share implies, and every finding."""

    totals: af.FundsTotals | None
    completion_rate: Decimal | None
    implied: list[dict[str, Any]]
    findings: list[af.Finding]


def find_sheet(record: IndicatorTable) -> FundsSheet | None:
    """The table's stored funds sheet, if it has one (reads only)."""
    return db.session.scalars(select(FundsSheet).filter_by(table_id=record.id)).one_or_none()


def empty_sheet(record: IndicatorTable) -> FundsSheet:
    """An empty sheet for the table, not stored: what a page shows before the first change."""
    return FundsSheet(table_id=record.id, standard=af.STANDARD_YUAN, rows=[])


def sheet_for(record: IndicatorTable) -> FundsSheet:
    """The table's funds sheet, stored empty on first use (for the changes; flushes)."""
    sheet = find_sheet(record)
    if sheet is None:
        sheet = empty_sheet(record)
        db.session.add(sheet)
        db.session.flush()
    return sheet


def _problem_text(problem: str, county: str) -> str:
    """A rule of ``analysis.funds.row_problems`` broken, in the user's language."""
    texts = {
        "county_empty": _("county: enter the county's name."),
        "county_is_total": _("county: enter the printed 合计 in the totals, not as a county."),
        "county_repeated": _("county: %(county)s is already in the sheet.", county=county),
        "funds_negative": _("funds: must not be negative."),
        "people_negative": _("people: must not be negative."),
        "shares_not_tenths": _(
            "cost share: city and county shares are tenths that add up to 10, e.g. 5:5 or 7:3."
        ),
    }
    return texts[problem]


def check_row(row: FundsRowInput, taken: set[str]) -> list[str]:
    """The problems of one row as a list of messages (empty when fine); the rules are analysis.funds'."""
    county = row.county.strip()
    codes = af.row_problems(county, row.funds, row.people, row.city_share, row.county_share, taken)
    return [_problem_text(code, county) for code in codes]


def _counties() -> dict[str, Area]:
    return {area.name: area for area in db.session.scalars(select(Area).where(Area.level == "county"))}


def _area_problem(row: FundsRowInput, counties: dict[str, Area]) -> str | None:
    """Why the row's county cannot be the area it names (None when it can)."""
    county = row.county.strip()
    area = counties.get(county)
    if area is None:
        return _("county: %(county)s is not a county of the area tree.", county=county)
    if area.city_share is not None and Decimal(area.city_share) * 10 != row.city_share:
        return _(
            "cost share: %(county)s shares the cost %(share)s (city:county), not %(given)s.",
            county=county,
            share=_tenths(Decimal(area.city_share)),
            given=f"{row.city_share}:{row.county_share}",
        )
    return None


def _tenths(city_share: Decimal) -> str:
    city = (city_share * 10).normalize() + 0
    return f"{city}:{Decimal(10) - city}"


def _stored_row(position: int, row: FundsRowInput, counties: dict[str, Area]) -> FundsRow:
    """The row pointing to its county; a county without a cost share yet takes the row's."""
    area = counties[row.county.strip()]
    if area.city_share is None:
        area.city_share = Decimal(row.city_share) / 10
    return FundsRow(position=position, area=area, funds=row.funds, people=row.people)


def add_row(sheet: FundsSheet, row: FundsRowInput, user: User | None) -> FundsRow:
    """Append a county row; :class:`FundsInputError` if it does not fit."""
    counties = _counties()
    problems = check_row(row, {r.county for r in sheet.rows})
    problem = None if problems else _area_problem(row, counties)
    if problems or problem:
        raise FundsInputError(problems or [str(problem)])
    stored = _stored_row(len(sheet.rows), row, counties)
    sheet.rows.append(stored)
    record_change(_table(sheet), None, "funds_row", None, _row_text(stored), user)
    db.session.flush()
    return stored


def delete_row(sheet: FundsSheet, row_id: int, user: User | None) -> bool:
    """Remove a county row; False if the sheet has no such row."""
    row = next((r for r in sheet.rows if r.id == row_id), None)
    if row is None:
        return False
    sheet.rows.remove(row)
    record_change(_table(sheet), None, "funds_row", _row_text(row), None, user)
    db.session.flush()
    return True


def update_settings(sheet: FundsSheet, values: dict[str, Any], user: User | None) -> None:
    """Set the standard per person, the people target and the printed totals."""
    for name in ("standard", "people_target", "printed_funds", "printed_people"):
        if record_change(_table(sheet), None, f"funds_{name}", getattr(sheet, name), values[name], user):
            setattr(sheet, name, values[name])
    db.session.flush()


def _table(sheet: FundsSheet) -> IndicatorTable:
    table = db.session.get(IndicatorTable, sheet.table_id)
    assert table is not None
    return table


def _row_text(row: FundsRow) -> str:
    return f"{row.county} {row.funds.normalize():f} 万元 {row.people} {row.city_share}:{row.county_share}"


def sheet_frame(sheet: FundsSheet) -> pd.DataFrame:
    """The sheet as ``analysis.funds`` reads it, with the printed 合计 row when one is entered."""
    rows: list[dict[str, Any]] = [
        {
            "county": r.county,
            "funds": str(r.funds),
            "people": str(r.people),
            "city_share": str(r.city_share),
            "county_share": str(r.county_share),
        }
        for r in sheet.rows
    ]
    if sheet.printed_funds is not None or sheet.printed_people is not None:
        rows.append(
            {
                "county": af.TOTAL_LABEL,
                "funds": str(sheet.printed_funds if sheet.printed_funds is not None else _sum_funds(sheet)),
                "people": str(
                    sheet.printed_people if sheet.printed_people is not None else _sum_people(sheet)
                ),
                "city_share": "",
                "county_share": "",
            }
        )
    return pd.DataFrame(rows, columns=list(af.REQUIRED_COLUMNS))


def _sum_funds(sheet: FundsSheet) -> Decimal:
    return sum((r.funds for r in sheet.rows), Decimal(0))


def _sum_people(sheet: FundsSheet) -> int:
    return sum(r.people for r in sheet.rows)


def funds_report(sheet: FundsSheet) -> FundsReport:
    """Everything the funds page shows, from ``analysis.funds``."""
    if not sheet.rows:
        return FundsReport(None, None, [], [])
    return report_for_frame(sheet_frame(sheet), Decimal(sheet.standard), sheet.people_target)


def report_for_frame(frame: pd.DataFrame, standard: Decimal, people_target: int | None) -> FundsReport:
    """Totals, completion rate, implied city funds and findings of a checked funds frame."""
    totals = af.funds_totals(frame)
    rate = af.completion_rate(totals.people, people_target) if people_target else None
    implied = af.implied_city_funds(frame, standard).to_dict(orient="records")
    return FundsReport(totals, rate, implied, af.funds_findings(frame, standard=standard))


def frame_from_rows(rows: list[FundsRowInput], printed: tuple[Decimal, int] | None) -> pd.DataFrame:
    """A funds frame from parsed rows, with the printed 合计 row when there is one."""
    records = [[r.county, str(r.funds), str(r.people), str(r.city_share), str(r.county_share)] for r in rows]
    if printed is not None:
        records.append([af.TOTAL_LABEL, str(printed[0]), str(printed[1]), "", ""])
    return pd.DataFrame(records, columns=list(af.REQUIRED_COLUMNS))


def _header_key(heading: object) -> str | None:
    text = "".join(str(heading or "").split()).lower()
    for key, names in COLUMN_NAMES.items():
        if text in {"".join(n.split()).lower() for n in names}:
            return key
    return None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(filename: str, data: bytes) -> Sheet:
    """An uploaded CSV (UTF-8 or GB18030, as Chinese Excel saves it) or XLSX file, by the one reader."""
    if not filename.lower().endswith((".csv", ".xlsx")):
        raise FundsInputError([_("Send a .csv or .xlsx file.")])
    try:
        return read_upload(filename, data)
    except ImportFileError as error:
        raise FundsInputError([str(error)]) from error


def _number(text: str, row: int, column: str, problems: list[str], whole: bool = False) -> Decimal:
    try:
        # Bounded before conversion: a cell such as 1e1000000 never reaches Decimal arithmetic.
        value = parse_bounded(text, maximum=Decimal(INT_MAX) if whole else Decimal(10) ** 9, whole=whole)
    except ValueError:
        kind = _("a whole number") if whole else _("a number")
        problems.append(
            _(
                "Row %(row)s, column %(column)s: %(text)s is not %(kind)s.",
                row=row,
                column=column,
                text=text or "—",
                kind=kind,
            )
        )
        return Decimal(0)
    return value


def _columns(header: list[str]) -> dict[str, str]:
    columns: dict[str, str] = {}
    for heading in header:
        key = _header_key(heading)
        if key is not None and key not in columns:
            columns[key] = heading
    missing = [k for k in ("county", "funds", "people") if k not in columns]
    if "share" not in columns and not {"city_share", "county_share"} <= columns.keys():
        missing.append("city_share, county_share")
    if missing:
        raise FundsInputError(
            [_("Row 1: the heading row lacks the column(s) %(columns)s.", columns=", ".join(missing))]
        )
    return columns


def _shares(cells: dict[str, str], row: int, problems: list[str]) -> tuple[int, int]:
    if "city_share" in cells and "county_share" in cells:
        city, county = cells["city_share"], cells["county_share"]
    else:
        parts = cells.get("share", "").replace("：", ":").split(":")
        if len(parts) != 2:
            problems.append(_("Row %(row)s, column share: write the cost share as 5:5 or 7:3.", row=row))
            return 0, 0
        city, county = parts
    return (
        int(_number(city.strip(), row, "city_share", problems, whole=True)),
        int(_number(county.strip(), row, "county_share", problems, whole=True)),
    )


def parse_rows(sheet: Sheet) -> tuple[list[FundsRowInput], tuple[Decimal, int] | None]:
    """County rows and the printed 合计 (funds, people) from a read sheet; every problem at once."""
    if not sheet.rows:
        raise FundsInputError([_("The file has no county rows under its heading row.")])
    if len(sheet.rows) > MAX_IMPORT_ROWS:
        raise FundsInputError([_("The file has more than %(count)s rows.", count=MAX_IMPORT_ROWS)])
    columns = _columns(sheet.header)
    problems: list[str] = []
    found: list[FundsRowInput] = []
    printed: tuple[Decimal, int] | None = None
    for number, raw in sheet.rows:
        cells_by_key = {key: _cell_text(raw.get(heading)) for key, heading in columns.items()}
        funds = _number(cells_by_key["funds"], number, "funds", problems)
        people = int(_number(cells_by_key["people"], number, "people", problems, whole=True))
        if cells_by_key["county"].strip() == af.TOTAL_LABEL:
            printed = (funds, people)
            continue
        city, county = _shares(cells_by_key, number, problems)
        row = FundsRowInput(cells_by_key["county"].strip(), funds, people, city, county, number)
        taken = {r.county for r in found}
        problems += [_("Row %(row)s, %(problem)s", row=number, problem=p) for p in check_row(row, taken)]
        found.append(row)
    if problems:
        raise FundsInputError(problems)
    return found, printed


def import_rows(sheet: FundsSheet, filename: str, data: bytes, user: User | None) -> int:
    """Replace the sheet's rows with a file's; nothing changes unless every row is valid."""
    rows, printed = parse_rows(read_table(filename, data))
    counties = _counties()
    problems = [
        _("Row %(row)s, %(problem)s", row=row.line, problem=problem)
        for row in rows
        if (problem := _area_problem(row, counties)) is not None
    ]
    if problems:
        raise FundsInputError(problems)
    table = _table(sheet)
    for old in list(sheet.rows):
        sheet.rows.remove(old)
    db.session.flush()  # the old counties go before the new ones take their names
    for position, row in enumerate(rows):
        sheet.rows.append(_stored_row(position, row, counties))
    record_change(table, None, "funds_import", None, f"{filename}: {len(rows)}", user)
    if printed is not None:
        update_settings(
            sheet,
            {
                "standard": sheet.standard,
                "people_target": sheet.people_target,
                "printed_funds": printed[0],
                "printed_people": printed[1],
            },
            user,
        )
    db.session.flush()
    return len(rows)
