"""ID number checks, stratified sampling, margins and cross-checks, against hand calculation."""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import date

import pandas as pd
import pytest

from analysis.certainty import required_sample_size, sample_margin
from analysis.crosscheck import cross_check
from analysis.idnumber import check_character, id_number_problem, id_number_problems
from analysis.sampling import allocate, draw_stratified


def test_check_character_of_the_standards_example() -> None:
    # 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167; 167 mod 11 = 2 -> X
    assert check_character("11010519491231002") == "X"


def test_check_character_worked_by_hand() -> None:
    # 4*7+4*9+0+5*5+2*8+4*4+1*2+8*1+8*6+0+0+1*9+0+1*5+0+0+1*2 = 195; 195 mod 11 = 8 -> 4
    assert check_character("44052418800101001") == "4"
    assert id_number_problem("440524188001010014") == "birth_date"  # right check digit, born 1880


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("11010519491231002x", None),  # a lower-case x is the same character
        ("110105194912310021", "check_digit"),
        ("11010519490231002X", "birth_date"),  # 31 February
        ("11010518991231002X", "birth_date"),  # before 1900
        ("11010530991231002X", "birth_date"),  # in the future
        ("1101051949123100", "length"),
        ("11010519491231002Y", "characters"),
        ("", "length"),
    ],
)
def test_id_number_problems(number: str, problem: str | None) -> None:
    assert id_number_problem(number, today=date(2026, 12, 2)) == problem


def test_vectorised_check_agrees_with_the_single_one() -> None:
    numbers = ["11010519491231002X", "110105194912310021", "11010519490231002X", "123", "44052418800101001A"]
    expected = [id_number_problem(n) for n in numbers]
    assert id_number_problems(pd.Series(numbers)).tolist() == expected


def test_allocation_proportional_and_fixed() -> None:
    people = pd.DataFrame({"county": ["a"] * 10 + ["b"] * 3 + ["c"] * 1})
    # 10 x 0.25 = 2.5 -> 3 (half up); 3 x 0.25 = 0.75 -> 1; 1 x 0.25 = 0.25 -> at least 1
    assert allocate(people, ["county"], fraction=0.25)["sample"].tolist() == [3, 1, 1]
    assert allocate(people, ["county"], per_stratum=2)["sample"].tolist() == [2, 2, 1]
    with pytest.raises(ValueError):
        allocate(people, ["county"], per_stratum=2, fraction=0.5)


def test_draw_is_stratified_without_replacement_and_reproducible() -> None:
    people = pd.DataFrame(
        {"county": ["a"] * 50 + ["b"] * 20, "township": ["x", "y"] * 35, "id": range(100, 170)}
    )
    first = draw_stratified(people, ["county"], "id", seed=2022, per_stratum=10)
    assert len(first) == len(set(first)) == 20
    assert (first < 150).sum() == 10  # ids 100..149 are county a
    shuffled = people.sample(frac=1, random_state=1)
    assert draw_stratified(shuffled, ["county"], "id", seed=2022, per_stratum=10).tolist() == first.tolist()
    assert draw_stratified(people, ["county"], "id", seed=2023, per_stratum=10).tolist() != first.tolist()
    by_town = draw_stratified(people, ["county", "township"], "id", seed=1, per_stratum=3)
    assert len(by_town) == 12


def test_margin_of_the_source_reports_41_answers() -> None:
    # 1.959964 x sqrt(0.25 / 41) x sqrt((23186 - 41) / 23185) x 100 = 15.29 points
    assert sample_margin(41, population=23186) == pytest.approx(15.29, abs=0.01)
    assert sample_margin(required_sample_size(5, population=23186), population=23186) <= 5.0
    assert math.isnan(sample_margin(0))
    assert sample_margin(23186, population=23186) == 0.0  # a census


def test_cross_check_by_hand() -> None:
    a = pd.DataFrame(
        {
            "key": ["p", "q", "r", "t"],
            "row": [2, 3, 4, 5],
            "standard": ["200", "100", "200", None],
            "payment": ["代缴", "代缴", "代缴", "代缴"],
        }
    )
    b = pd.DataFrame(
        {
            "key": ["q", "r", "s", "t"],
            "row": [2, 3, 4, 5],
            "standard": ["200", "200", "100", "100"],
            "payment": ["代缴", "先缴后补", "代缴", "代缴"],
        }
    )
    result = cross_check(a, b)
    assert (result.both, result.a_only, result.b_only) == (3, 1, 1)
    conflicts = result.conflicts.set_index("key")
    assert sorted(conflicts.index) == ["q", "r"]  # t: A gives no standard, so no conflict
    assert bool(conflicts.loc["q", "standard_conflict"]) and not bool(conflicts.loc["q", "payment_conflict"])
    assert bool(conflicts.loc["r", "payment_conflict"])


def test_fast_hashing_is_hmac_sha256() -> None:
    from surveyapp.distribution.protection import hash_id_number, hash_id_numbers

    key = bytes(range(32))
    numbers = ["11010519491231002X", "440524188001010014"]
    reference = [hmac.new(key, n.encode(), hashlib.sha256).hexdigest() for n in numbers]
    assert hash_id_numbers(numbers, key) == reference
    assert [hash_id_number(n, key) for n in numbers] == reference
