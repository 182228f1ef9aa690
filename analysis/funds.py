"""The funds sheet (补助经费使用情况表): funds and people subsidised by county.

A sheet has one row per county (县(市、区)) with columns ``county``, ``funds``
(city funds, 万元), ``people`` (people subsidised), ``city_share`` and
``county_share`` (the cost share in tenths, e.g. 5 and 5, 7 and 3, 0 and 10), and
optionally the printed totals row, labelled ``合计``, whose shares are left blank.

Nothing is ever corrected: where the figures disagree with each other or with the
cost-sharing rule, :func:`funds_findings` reports both figures and the difference.
Funds are kept as exact ``Decimal`` values.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.numbers import NUMBER_MAX, parse_decimal
from analysis.rounding import round_half_up

REQUIRED_COLUMNS = ("county", "funds", "people", "city_share", "county_share")
TOTAL_LABEL = "合计"
#: Yuan per person per year: the lowest contribution level (昆人社通〔2022〕18号).
STANDARD_YUAN = Decimal(200)
YUAN_PER_WAN = Decimal(10000)
SHARE_PARTS = Decimal(10)


@dataclass(frozen=True)
class FundsTotals:
    """Sum of the county rows: funds in 万元 and people subsidised."""

    funds: Decimal
    people: int


@dataclass(frozen=True)
class Finding:
    """One disagreement in the sheet: what was expected, what is there, and why it matters."""

    kind: str
    county: str
    expected: Decimal
    actual: Decimal
    message: str

    @property
    def difference(self) -> Decimal:
        """``actual - expected``."""
        return self.actual - self.expected


def row_problems(
    county: str,
    funds: Decimal,
    people: Decimal | int,
    city_share: Decimal | int | None,
    county_share: Decimal | int | None,
    taken: Collection[str] = (),
    *,
    total_label: str = TOTAL_LABEL,
) -> list[str]:
    """Every rule a row of the sheet breaks, as codes; the one place the funds rules live.

    Shares of None mark the printed totals row (labelled ``total_label``), which has none.
    Codes: ``county_empty``, ``county_is_total`` (a county row named like the totals row),
    ``county_repeated`` (the county is in ``taken``), ``funds_negative``, ``people_negative``,
    ``shares_not_tenths`` (city and county shares are tenths from 0 to 10 adding up to 10).

    Examples
    --------
    >>> row_problems("石林县", Decimal(32), 1000, Decimal(5), Decimal(5))
    []
    >>> row_problems("石林县", Decimal(-1), 1000, Decimal(7), Decimal(4), taken={"石林县"})
    ['county_repeated', 'funds_negative', 'shares_not_tenths']
    """
    name = county.strip()
    is_total = city_share is None and county_share is None
    problems = []
    if not name:
        problems.append("county_empty")
    elif name == total_label and not is_total:
        problems.append("county_is_total")
    elif name in taken:
        problems.append("county_repeated")
    if funds < 0:
        problems.append("funds_negative")
    if people < 0:
        problems.append("people_negative")
    if not is_total:
        shares = (Decimal(city_share or 0), Decimal(county_share or 0))
        if any(not 0 <= share <= SHARE_PARTS for share in shares) or sum(shares) != SHARE_PARTS:
            problems.append("shares_not_tenths")
    return problems


def _number(value: object, row: int, column: str) -> Decimal:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    try:
        return parse_decimal(text, minimum=-NUMBER_MAX)
    except ValueError:
        raise ValueError(f"row {row}, column {column!r}: not a number: {value!r}") from None


def _problem_text(problem: str, row: int, clean: dict[str, Any]) -> str:
    county = clean["county"]
    return {
        "county_empty": f"row {row}: county is empty",
        "county_repeated": f"funds sheet: {county!r} appears more than once",
        "funds_negative": f"row {row}, column 'funds': must not be negative, got {clean['funds']}",
        "people_negative": f"row {row}, column 'people': must not be negative, got {clean['people']}",
        "shares_not_tenths": (
            f"row {row} ({county}): shares {clean['city_share']}:{clean['county_share']} do not sum to 10"
        ),
    }.get(problem, f"row {row}: {problem}")


def _clean_row(row: int, record: dict[str, object], total_label: str, taken: set[str]) -> dict[str, Any]:
    county = str(record["county"]).strip()
    people = _number(record["people"], row, "people")
    if people != people.to_integral_value():
        raise ValueError(f"row {row}, column 'people': not a whole number: {people}")
    is_total = bool(county) and county == total_label
    clean: dict[str, Any] = {
        "county": county,
        "funds": _number(record["funds"], row, "funds"),
        "people": int(people),
        "city_share": None if is_total else _number(record["city_share"], row, "city_share"),
        "county_share": None if is_total else _number(record["county_share"], row, "county_share"),
        "is_total": is_total,
    }
    problems = row_problems(
        county,
        clean["funds"],
        clean["people"],
        clean["city_share"],
        clean["county_share"],
        taken,
        total_label=total_label,
    )
    if problems:
        raise ValueError(_problem_text(problems[0], row, clean))
    taken.add(county)
    return clean


def check_funds_sheet(sheet: pd.DataFrame, *, total_label: str = TOTAL_LABEL) -> pd.DataFrame:
    """Validate a funds sheet and return a typed copy.

    Parameters
    ----------
    sheet : pandas.DataFrame
        Columns ``county``, ``funds`` (万元), ``people``, ``city_share``,
        ``county_share``; values may be numbers or text such as ``"13.075"``.
    total_label : str, default "合计"
        The county label of the printed totals row, if there is one.

    Returns
    -------
    pandas.DataFrame
        The same rows; ``funds`` and the shares as ``Decimal``, ``people`` as int,
        and ``is_total`` marking the printed totals row (its shares are ``None``).

    Raises
    ------
    ValueError
        If a column is missing, a value is not a number or is negative, people is
        not a whole number, shares do not sum to 10, or a county or the totals row
        appears twice.

    Examples
    --------
    >>> sheet = pd.DataFrame({"county": ["石林县"], "funds": ["32"], "people": ["1000"],
    ...                       "city_share": ["5"], "county_share": ["5"]})
    >>> check_funds_sheet(sheet).loc[0, "funds"]
    Decimal('32')
    >>> check_funds_sheet(sheet.assign(county_share="6"))
    Traceback (most recent call last):
    ...
    ValueError: row 0 (石林县): shares 5:6 do not sum to 10
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in sheet.columns]
    if missing:
        raise ValueError(f"funds sheet: missing column(s) {missing}")
    records = sheet[list(REQUIRED_COLUMNS)].to_dict(orient="records")
    taken: set[str] = set()
    rows = [_clean_row(index, record, total_label, taken) for index, record in enumerate(records)]
    return pd.DataFrame(rows, columns=[*REQUIRED_COLUMNS, "is_total"])


def read_funds_sheet(path: str | Path) -> pd.DataFrame:
    """Read a UTF-8 CSV funds sheet as text (so no decimal is turned into a float) and check it.

    Examples
    --------
    >>> from importlib.resources import files
    >>> sheet = read_funds_sheet(str(files("analysis.indicators.tables") / "kunming-2022-funds.csv"))
    >>> sheet.loc[sheet["county"] == "晋宁区", "funds"].item()
    Decimal('13.075')
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return check_funds_sheet(raw)


def _counties(sheet: pd.DataFrame) -> pd.DataFrame:
    clean = check_funds_sheet(sheet)
    return clean.loc[~clean["is_total"]].reset_index(drop=True)


def funds_totals(sheet: pd.DataFrame) -> FundsTotals:
    """Sum funds and people over the county rows (a printed totals row is left out).

    Examples
    --------
    >>> from importlib.resources import files
    >>> sheet = read_funds_sheet(str(files("analysis.indicators.tables") / "kunming-2022-funds.csv"))
    >>> totals = funds_totals(sheet)
    >>> totals.funds, totals.people
    (Decimal('317.395'), 23186)
    """
    counties = _counties(sheet)
    funds = sum(counties["funds"], Decimal(0))
    return FundsTotals(funds=funds, people=int(counties["people"].sum()))


def completion_rate(people: int, target: int, places: int = 2) -> Decimal:
    """People subsidised as a percent of the target (任务完成率), rounded half up.

    Raises
    ------
    ValueError
        If the target is not positive or people is negative.

    Examples
    --------
    >>> completion_rate(23186, 20000)
    Decimal('115.93')
    """
    if target <= 0:
        raise ValueError(f"target must be positive, got {target}")
    if people < 0:
        raise ValueError(f"people must not be negative, got {people}")
    return round_half_up(Decimal(people) * 100 / Decimal(target), places)


def implied_city_funds(sheet: pd.DataFrame, standard: Decimal = STANDARD_YUAN) -> pd.DataFrame:
    """What the cost-sharing rule says the city should have paid each county.

    ``implied = people x standard x city_share / 10``, in 万元.

    Parameters
    ----------
    sheet : pandas.DataFrame
        A funds sheet (see :func:`check_funds_sheet`).
    standard : Decimal, default 200
        Subsidy in 元 per person per year.

    Returns
    -------
    pandas.DataFrame
        The county rows with ``implied`` and ``difference`` (funds - implied).

    Examples
    --------
    >>> sheet = pd.DataFrame({"county": ["石林县"], "funds": ["32"], "people": ["1000"],
    ...                       "city_share": ["5"], "county_share": ["5"]})
    >>> implied_city_funds(sheet).loc[0, ["implied", "difference"]].to_list()
    [Decimal('10'), Decimal('22')]
    """
    counties = _counties(sheet)
    implied = [
        Decimal(people) * standard * share / SHARE_PARTS / YUAN_PER_WAN
        for people, share in zip(counties["people"], counties["city_share"], strict=True)
    ]
    counties["implied"] = [value.normalize() + 0 for value in implied]
    counties["difference"] = [
        funds - value for funds, value in zip(counties["funds"], counties["implied"], strict=True)
    ]
    return counties.drop(columns="is_total")


def _rule_findings(sheet: pd.DataFrame, standard: Decimal, tolerance: Decimal) -> list[Finding]:
    findings = []
    for row in implied_city_funds(sheet, standard).itertuples(index=False):
        county, funds, implied = str(row.county), Decimal(row.funds), Decimal(row.implied)
        if abs(funds - implied) <= tolerance:
            continue
        if row.city_share == 0:
            findings.append(
                Finding(
                    "city_funds_without_city_share",
                    county,
                    implied,
                    funds,
                    f"{county}: city share is 0 but it received {funds} 万元 of city funds",
                )
            )
            continue
        findings.append(
            Finding(
                "funds_differ_from_rule",
                county,
                implied,
                funds,
                f"{county}: funds {funds} 万元 differ from {row.people} people x {standard} 元 x "
                f"{row.city_share}/10 = {implied} 万元 by {funds - implied} 万元",
            )
        )
    return findings


def _total_findings(sheet: pd.DataFrame) -> list[Finding]:
    clean = check_funds_sheet(sheet)
    printed = clean.loc[clean["is_total"]]
    if printed.empty:
        return []
    totals = funds_totals(sheet)
    findings = []
    for column, computed in (("funds", totals.funds), ("people", Decimal(totals.people))):
        shown = Decimal(printed[column].item())
        if shown != computed:
            findings.append(
                Finding(
                    f"printed_total_{column}",
                    TOTAL_LABEL,
                    computed,
                    shown,
                    f"printed total {column} {shown} differs from the sum of the rows {computed}",
                )
            )
    return findings


def funds_findings(
    sheet: pd.DataFrame,
    *,
    standard: Decimal = STANDARD_YUAN,
    tolerance: Decimal = Decimal(0),
) -> list[Finding]:
    """Everything in the sheet that does not add up; nothing is corrected.

    Kinds of finding:

    - ``funds_differ_from_rule``: a county's funds differ from people x standard x
      city share (both figures and the difference are given);
    - ``city_funds_without_city_share``: a county whose city share is 0 got city funds;
    - ``printed_total_funds`` / ``printed_total_people``: the printed totals row
      does not match the sum of the county rows.

    Parameters
    ----------
    sheet : pandas.DataFrame
        A funds sheet (see :func:`check_funds_sheet`).
    standard : Decimal, default 200
        Subsidy in 元 per person per year.
    tolerance : Decimal, default 0
        Largest difference in 万元 not reported.

    Returns
    -------
    list of Finding
        In sheet order, the rule findings first.

    Examples
    --------
    >>> sheet = pd.DataFrame({"county": ["石林县", "合计"], "funds": ["32", "32"],
    ...                       "people": ["1000", "1000"], "city_share": ["5", ""],
    ...                       "county_share": ["5", ""]})
    >>> [f.message for f in funds_findings(sheet)]
    ['石林县: funds 32 万元 differ from 1000 people x 200 元 x 5/10 = 10 万元 by 22 万元']
    """
    if tolerance < 0:
        raise ValueError(f"tolerance must not be negative, got {tolerance}")
    return _rule_findings(sheet, standard, tolerance) + _total_findings(sheet)
