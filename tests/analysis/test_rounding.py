"""Half-up rounding (四舍五入) as the published statistics table rounds."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from analysis.rounding import half_up_float, round_half_up


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.675, "2.68"),  # binary 2.67499999..., round() gives 2.67
        (1.005, "1.01"),  # binary 1.00499999..., round() gives 1.0
        (0.125, "0.13"),  # exact tie in binary, round() gives 0.12 (half to even)
        (9.825, "9.83"),
        (8.2926829, "8.29"),
        (0.0, "0.00"),
        (98, "98.00"),
    ],
)
def test_ties_go_up_on_the_decimal_value(value, expected):
    assert round_half_up(value) == Decimal(expected)
    assert str(round_half_up(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-2.675, "-2.68"), (-0.125, "-0.13"), (-1.004, "-1.00"), (-0.001, "0.00")],
)
def test_negative_values_round_away_from_zero_and_never_to_minus_zero(value, expected):
    assert str(round_half_up(value)) == expected


def test_exact_inputs_are_taken_exactly():
    assert round_half_up(Decimal("1.005")) == Decimal("1.01")
    assert round_half_up(Decimal("1.00499999999999999999")) == Decimal("1.00")
    # Q1 of the report: (34 x 10 + 7 x 9) / 41 = 403/41 = 9.8292...
    assert round_half_up(Fraction(403, 41)) == Decimal("9.83")
    assert round_half_up(Fraction(1, 8)) == Decimal("0.13")
    assert round_half_up(np.int64(7)) == Decimal("7.00")


def test_places():
    assert round_half_up(97.5, places=0) == Decimal("98")
    assert round_half_up(96.5, places=0) == Decimal("97")  # round() gives 96
    assert str(round_half_up(1 / 3, places=4)) == "0.3333"


def test_arithmetic_noise_does_not_decide_a_tie():
    # 7/40 x 10 x 0.9 is exactly 1.575, but the float product is 1.5749999999999997
    assert round_half_up(7 / 40 * 10 * 0.9) == Decimal("1.58")
    assert round_half_up(np.float64(2.675)) == Decimal("2.68")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN")])
def test_non_finite_values_are_refused(value):
    with pytest.raises(ValueError, match="cannot round"):
        round_half_up(value)


@pytest.mark.parametrize("value", ["2.675", True, None])
def test_non_numbers_are_refused(value):
    with pytest.raises(ValueError, match="expected a number"):
        round_half_up(value)


def test_negative_places_are_refused():
    with pytest.raises(ValueError, match="places"):
        round_half_up(1.5, places=-1)


def test_half_up_float_maps_missing_values_to_none():
    assert half_up_float(82.926829) == 82.93
    assert half_up_float(float("nan")) is None
    assert half_up_float(pd.NA) is None
    assert half_up_float(None) is None
    assert half_up_float(np.int64(41), places=0) == 41.0
