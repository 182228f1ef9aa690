"""An evaluator asks how far the survey's score and satisfaction rate can be trusted."""

import math

import pytest

from analysis.certainty import (
    proportion_interval,
    required_sample_size,
    score_interval,
    t_critical,
)

# Two-sided critical values of Student's t as printed in statistics textbooks' tables.
T_TABLE = [
    (0.95, 1, 12.706),
    (0.95, 2, 4.303),
    (0.95, 3, 3.182),
    (0.95, 4, 2.776),
    (0.95, 10, 2.228),
    (0.95, 30, 2.042),
    (0.95, 40, 2.021),
    (0.95, 120, 1.980),
    (0.95, 1000, 1.962),
    (0.90, 5, 2.015),
    (0.99, 3, 5.841),
    (0.99, 10, 3.169),
    (0.99, 60, 2.660),
]


@pytest.mark.parametrize(("confidence", "df", "printed"), T_TABLE)
def test_t_critical_matches_printed_tables(confidence, df, printed):
    assert t_critical(confidence, df) == pytest.approx(printed, abs=5e-4)


# 41 respondents (as in the report): 33 scored 100 and 8 scored 90.
# total = 33 x 100 + 8 x 90 = 4020, total_sq = 33 x 10000 + 8 x 8100 = 394800.
# mean = 4020 / 41 = 98.0488
# s^2 = (394800 - 4020^2 / 41) / 40 = 643.9024 / 40 = 16.0976
# SE = sqrt(16.0976 / 41) = 0.626597; t(0.975, 40) = 2.021075
# margin = 2.021075 x 0.626597 = 1.266399
SURVEY = {"n": 41, "total": 4020, "total_sq": 394800}


def test_score_interval_by_hand():
    ci = score_interval(**SURVEY)
    assert ci.estimate == pytest.approx(98.0488, abs=1e-4)
    assert ci.margin == pytest.approx(1.266399, abs=1e-5)
    assert ci.low == pytest.approx(96.7824, abs=1e-4)  # 98.0488 - 1.2664
    assert ci.high == pytest.approx(99.3152, abs=1e-4)  # 98.0488 + 1.2664
    assert (ci.n, ci.population, ci.confidence, ci.too_small, ci.reason) == (
        41, None, 0.95, False, None,
    )  # fmt: skip


def test_finite_population_correction_narrows_the_margin():
    # sqrt((100 - 41) / 99) = 0.771984 -> margin 1.266399 x 0.771984 = 0.977640
    # sqrt((23186 - 41) / 23185) = 0.999137 -> margin 1.266399 x 0.999137 = 1.265306
    of_100 = score_interval(**SURVEY, population=100)
    of_roster = score_interval(**SURVEY, population=23186)
    assert of_100.margin == pytest.approx(0.977640, abs=1e-5)
    assert of_roster.margin == pytest.approx(1.265306, abs=1e-5)
    assert of_100.margin < of_roster.margin < score_interval(**SURVEY).margin


def test_a_census_has_no_sampling_error():
    ci = score_interval(**SURVEY, population=41)
    assert ci.margin == 0.0
    assert ci.low == ci.high == ci.estimate


def test_small_samples_are_flagged_and_bounds_clipped():
    # Scores 100, 100, 90, 90, 60: total 440, total_sq 39800, mean 88,
    # s^2 = (39800 - 440^2 / 5) / 4 = 1080 / 4 = 270, SE = sqrt(270 / 5) = 7.348469,
    # t(0.975, 4) = 2.776445, margin = 20.4026: 67.5974 .. 108.4026, clipped to 100.
    ci = score_interval(5, 440, 39800)
    assert ci.estimate == 88.0
    assert ci.margin == pytest.approx(20.4026, abs=1e-4)
    assert (ci.low, ci.high) == (pytest.approx(67.5974, abs=1e-4), 100.0)
    assert ci.too_small
    assert "fewer than 30" in ci.reason


def test_one_or_no_response():
    one = score_interval(1, 80, 6400)
    assert one.estimate == 80.0 and math.isnan(one.margin) and math.isnan(one.low)
    assert one.too_small and "cannot be estimated" in one.reason
    none = score_interval(0, 0, 0)
    assert math.isnan(none.estimate) and none.too_small and none.reason == "no responses"


def test_everyone_with_the_same_score_has_no_spread():
    ci = score_interval(40, 40 * 98.0, 40 * 98.0**2)
    assert ci.margin == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"n": 3, "total": 100, "total_sq": 2000}, "not a sum of squares"),  # < 100^2 / 3
        ({"n": 2, "total": 250, "total_sq": 31250}, "cannot come from 2 scores"),  # mean 125
        ({"n": -1, "total": 0, "total_sq": 0}, "n must be"),
        ({"n": 41, "total": 4020, "total_sq": 394800, "population": 40}, "population must be"),
        ({"n": 41, "total": 4020, "total_sq": 394800, "confidence": 95}, "confidence"),
    ],
)
def test_score_interval_refuses_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        score_interval(**args)


def test_everyone_satisfied_gives_a_sensible_wilson_interval():
    # The report: 41 of 41 satisfied. At p = 1 Wilson's lower bound is n / (n + z^2)
    # = 41 / (41 + 1.959964^2) = 41 / 44.841459 = 0.914332.
    ci = proportion_interval(41, 41)
    assert ci.estimate == 100.0
    assert ci.low == pytest.approx(91.4332, abs=1e-4)
    assert ci.high == 100.0
    assert ci.margin == pytest.approx((100 - 91.4332) / 2, abs=1e-4)
    assert not ci.too_small


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857-872, worked examples, Wilson score method.
    [(81, 263, 25.53, 36.62), (15, 148, 6.24, 16.05), (0, 20, 0.0, 16.11), (1, 29, 0.61, 17.18)],
)
def test_wilson_interval_matches_published_examples(successes, n, low, high):
    ci = proportion_interval(successes, n)
    assert (ci.low, ci.high) == (pytest.approx(low, abs=0.006), pytest.approx(high, abs=0.006))


def test_finite_population_correction_narrows_the_rate_interval():
    # z^2 x (100 - 41) / 99 = 3.841459 x 0.595960 = 2.289355; 41 / 43.289355 = 0.947115
    assert proportion_interval(41, 41, population=100).low == pytest.approx(94.7115, abs=1e-4)
    roster = proportion_interval(41, 41, population=23186)
    assert 91.4332 < roster.low < 94.7115
    census = proportion_interval(30, 41, population=41)
    assert census.low == census.high == pytest.approx(30 / 41 * 100)


def test_rate_of_a_small_sample_is_flagged():
    ci = proportion_interval(9, 10)
    assert ci.too_small and ci.reason == "only 10 responses, fewer than 30"
    assert proportion_interval(0, 0).reason == "no responses"


@pytest.mark.parametrize(("successes", "n"), [(5, 4), (-1, 10)])
def test_successes_must_lie_within_n(successes, n):
    with pytest.raises(ValueError, match="successes"):
        proportion_interval(successes, n)


@pytest.mark.parametrize(
    ("margin", "population", "expected"),
    [
        # 1.959964^2 x 0.25 / 0.05^2 = 384.15 -> 385, the classic figure
        (5, None, 385),
        # Krejcie & Morgan (1970) table: N = 100 -> 80, N = 20000 -> 377
        (5, 100, 80),
        (5, 20000, 377),
        # 384.15 / (1 + 383.15 / 23186) = 377.9 -> 378 for the report's roster
        (5, 23186, 378),
        # 1.959964^2 x 0.25 / 0.03^2 = 1067.1 -> 1068
        (3, None, 1068),
    ],
)
def test_required_sample_size(margin, population, expected):
    assert required_sample_size(margin, population) == expected


def test_required_sample_size_with_an_expected_rate():
    # 1.959964^2 x 0.9 x 0.1 / 0.05^2 = 138.3 -> 139
    assert required_sample_size(5, p=0.9) == 139


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"margin": 0}, "margin"),
        ({"margin": 5, "p": 50}, "proportion"),
        ({"margin": 5, "population": 0}, "population"),
    ],
)
def test_required_sample_size_refuses_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        required_sample_size(**kwargs)
