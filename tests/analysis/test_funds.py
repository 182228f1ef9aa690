"""The funds sheet: the report's figures, the cost-share check and what it flags."""

from __future__ import annotations

from decimal import Decimal
from importlib.resources import files

import pandas as pd
import pytest

from analysis.funds import (
    check_funds_sheet,
    completion_rate,
    funds_findings,
    funds_totals,
    implied_city_funds,
    read_funds_sheet,
)

D = Decimal
COLUMNS = ["county", "funds", "people", "city_share", "county_share"]


@pytest.fixture(scope="module")
def kunming() -> pd.DataFrame:
    return read_funds_sheet(str(files("analysis.indicators.tables") / "kunming-2022-funds.csv"))


def sheet(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def test_totals_match_the_report(kunming: pd.DataFrame) -> None:
    totals = funds_totals(kunming)
    assert totals.funds == D("317.395")  # exact, not 317.39499999...
    assert totals.people == 23186


def test_completion_rate_matches_the_report() -> None:
    assert completion_rate(23186, 20000) == D("115.93")  # 23186 / 20000 = 1.1593
    with pytest.raises(ValueError, match="positive"):
        completion_rate(23186, 0)


def test_the_printed_totals_row_is_correct(kunming: pd.DataFrame) -> None:
    assert [f for f in funds_findings(kunming) if f.kind.startswith("printed_total")] == []


def test_shilin_is_flagged(kunming: pd.DataFrame) -> None:
    # 1000 people x 200 元 x 5/10 = 100000 元 = 10 万元, but the sheet says 32 万元.
    shilin = [f for f in funds_findings(kunming) if f.county == "石林县"]
    assert len(shilin) == 1
    finding = shilin[0]
    assert (finding.kind, finding.expected, finding.actual, finding.difference) == (
        "funds_differ_from_rule",
        D(10),
        D(32),
        D(22),
    )
    assert "32" in finding.message and "10" in finding.message and "22" in finding.message


def test_no_county_in_the_report_matches_the_rule(kunming: pd.DataFrame) -> None:
    # people x 200 元 x city share / 10, in 万元 (1 万元 = 10000 元), by hand:
    #   宜良县 2809 x 100 = 280900 元 = 28.09    vs 32.5
    #   富民县 1399 x 100 = 139900 元 = 13.99    vs 12.5
    #   晋宁区 1860 x 100 = 186000 元 = 18.6     vs 13.075
    #   石林县 1000 x 100 = 100000 元 = 10       vs 32
    #   嵩明县 1743 x 100 = 174300 元 = 17.43    vs 14.5
    #   阳宗海  668 x 100 =  66800 元 = 6.68     vs 7
    #   寻甸县 4752 x 140 = 665280 元 = 66.528   vs 67.432
    #   禄劝县 5436 x 140 = 761040 元 = 76.104   vs 62.888
    #   东川区 3519 x 140 = 492660 元 = 49.266   vs 75.5
    # None of the nine matches, so all nine are flagged.
    expected = {
        "宜良县": D("28.09"),
        "富民县": D("13.99"),
        "晋宁区": D("18.6"),
        "石林县": D(10),
        "嵩明县": D("17.43"),
        "阳宗海": D("6.68"),
        "寻甸县": D("66.528"),
        "禄劝县": D("76.104"),
        "东川区": D("49.266"),
    }
    implied = implied_city_funds(kunming).set_index("county")["implied"].to_dict()
    assert implied == expected
    flagged = {f.county: f.expected for f in funds_findings(kunming)}
    assert flagged == expected


def test_counties_that_follow_the_rule_are_not_flagged() -> None:
    matching = sheet(
        ("石林县", "10", "1000", "5", "5"),  # 1000 x 200 x 5/10 = 100000 元 = 10 万元
        ("寻甸县", "66.528", "4752", "7", "3"),  # 4752 x 200 x 7/10 = 665280 元 = 66.528 万元
        ("五华区", "0", "3000", "0", "10"),  # the district pays everything: 0 万元
        ("合计", "76.528", "8752", "", ""),  # 10 + 66.528 + 0; 1000 + 4752 + 3000
    )
    assert funds_findings(matching) == []


def test_a_district_without_city_share_that_got_city_funds() -> None:
    findings = funds_findings(sheet(("五华区", "3", "150", "0", "10")))
    assert [(f.kind, f.county, f.expected, f.actual) for f in findings] == [
        ("city_funds_without_city_share", "五华区", D(0), D(3))
    ]


def test_a_wrong_printed_total_is_flagged_not_corrected(kunming: pd.DataFrame) -> None:
    # The report's text says 23196 people once; the rows add up to 23186.
    misprinted = kunming.copy()
    total = misprinted["county"] == "合计"
    misprinted.loc[total, "people"] = 23196
    findings = [f for f in funds_findings(misprinted) if f.kind.startswith("printed_total")]
    assert [(f.kind, f.expected, f.actual, f.difference) for f in findings] == [
        ("printed_total_people", D(23186), D(23196), D(10))
    ]
    assert funds_totals(misprinted).people == 23186
    misprinted.loc[total, "funds"] = "317.359"
    kinds = [f.kind for f in funds_findings(misprinted) if f.kind.startswith("printed_total")]
    assert kinds == ["printed_total_funds", "printed_total_people"]


def test_decimal_text_and_floats_are_read_exactly() -> None:
    from_text = check_funds_sheet(sheet(("晋宁区", "13.075", "1860", "5", "5")))
    from_float = check_funds_sheet(pd.DataFrame([["晋宁区", 13.075, 1860, 5, 5]], columns=COLUMNS))
    assert from_text.loc[0, "funds"] == from_float.loc[0, "funds"] == D("13.075")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("石林县", "-32", "1000", "5", "5"), "'funds': must not be negative"),
        (("石林县", "32", "1000", "5", "6"), r"shares 5:6 do not sum to 10"),
        (("石林县", "三十二", "1000", "5", "5"), "'funds': not a number"),
        (("石林县", "32", "1000.5", "5", "5"), "not a whole number"),
        (("石林县", "32", "1000", "", "5"), "'city_share': not a number"),
        (("", "32", "1000", "5", "5"), "county is empty"),
    ],
)
def test_bad_rows_are_refused(row: tuple[str, str, str, str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_funds_sheet(sheet(row))


def test_missing_columns_and_repeated_counties_are_refused() -> None:
    with pytest.raises(ValueError, match=r"missing column\(s\) \['people'\]"):
        check_funds_sheet(sheet(("石林县", "32", "1000", "5", "5")).drop(columns="people"))
    with pytest.raises(ValueError, match="'石林县' appears more than once"):
        check_funds_sheet(sheet(("石林县", "32", "1000", "5", "5"), ("石林县", "1", "1", "5", "5")))
