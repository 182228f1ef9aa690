"""How certain a survey's score and satisfaction rate are: confidence intervals.

The database sums what these need (the number of responses, the sum and the
sum of squares of the per-respondent scores, the number of satisfied
respondents), so nothing here sees a single answer. All figures are on 0..100.

Two points to keep in mind when calling:

* ``n`` counts independent units, i.e. respondents. The 410 answers of 41
  people to ten questions are not 410 independent observations: a rate over
  answers must not be fed in with ``n=410``.
* When the sampling frame is known (the roster of 23186 people subsidised),
  pass it as ``population``: the finite population correction
  ``sqrt((N - n) / (N - 1))`` then narrows the interval, to nothing for a
  census (``n == N``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

__all__ = [
    "MIN_RESPONDENTS",
    "Interval",
    "proportion_interval",
    "required_sample_size",
    "sample_margin",
    "score_interval",
    "t_critical",
]

#: Below this many respondents an interval is flagged ``too_small``: the
#: normal approximations behind both intervals are rough, and one answer more
#: or less moves the result visibly.
MIN_RESPONDENTS = 30

#: Above this many degrees of freedom the t quantile comes from the
#: Cornish-Fisher expansion (error below 1e-10 there) instead of the exact CDF.
_EXACT_T_DF = 200


@dataclass(frozen=True)
class Interval:
    """A confidence interval on 0..100.

    Attributes
    ----------
    estimate : float
        The point estimate (mean score or rate); NaN without responses.
    low, high : float
        The bounds, within 0..100; NaN when they cannot be estimated.
    margin : float
        Half the width, ``(high - low) / 2`` for a proportion, the
        ``t x standard error`` for a mean (before clipping to 0..100).
    n : int
        Respondents.
    population : int or None
        Size of the population sampled, if known.
    confidence : float
        Confidence level, e.g. 0.95.
    too_small : bool
        Whether the sample is too small to trust the interval.
    reason : str or None
        Why ``too_small`` is set, in words for the evaluator.
    """

    estimate: float
    low: float
    high: float
    margin: float
    n: int
    population: int | None
    confidence: float
    too_small: bool
    reason: str | None


def _check_sample(n: int, population: int | None, confidence: float) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a whole number >= 0, got {n!r}")
    if population is not None and (
        isinstance(population, bool) or not isinstance(population, int) or population < max(n, 1)
    ):
        raise ValueError(f"population must be a whole number >= n ({n}), got {population!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")


def _fpc(n: int, population: int | None) -> float:
    """Finite population correction ``sqrt((N - n) / (N - 1))``; 1 without N."""
    if population is None:
        return 1.0
    if population == n:
        return 0.0  # a census: no sampling error
    return math.sqrt((population - n) / (population - 1))


def _smallness(n: int) -> str | None:
    if n == 0:
        return "no responses"
    if n < MIN_RESPONDENTS:
        return f"only {n} responses, fewer than {MIN_RESPONDENTS}"
    return None


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _t_coverage(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with integer ``df`` (Abramowitz & Stegun 26.7.3-4)."""
    theta = math.atan(t / math.sqrt(df))
    sin, cos = math.sin(theta), math.cos(theta)
    if df == 1:
        return 2 * theta / math.pi
    odd = df % 2
    term = cos if odd else 1.0
    total = term
    for j in range(1, (df - 1) // 2 if odd else df // 2):
        term *= cos * cos * ((2 * j) / (2 * j + 1) if odd else (2 * j - 1) / (2 * j))
        total += term
    return 2 / math.pi * (theta + sin * total) if odd else sin * total


def _t_cornish_fisher(confidence: float, df: int) -> float:
    """Two-sided t critical value as a series in 1/df around z (Abramowitz & Stegun 26.7.5)."""
    z = _z(confidence)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def t_critical(confidence: float, df: int) -> float:
    """Two-sided critical value of Student's t: P(|T| <= t) = ``confidence``.

    Exact (the closed-form CDF for whole degrees of freedom, solved by
    bisection) up to 200 degrees of freedom, the Cornish-Fisher series above.

    Parameters
    ----------
    confidence : float
        Strictly between 0 and 1.
    df : int
        Degrees of freedom, 1 or more.

    Returns
    -------
    float

    Examples
    --------
    >>> round(t_critical(0.95, 40), 3)  # the printed tables give 2.021
    2.021
    >>> round(t_critical(0.95, 1), 3)
    12.706
    """
    if isinstance(df, bool) or not isinstance(df, int) or df < 1:
        raise ValueError(f"df must be a whole number >= 1, got {df!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    if df > _EXACT_T_DF:
        return _t_cornish_fisher(confidence, df)
    low, high = 0.0, 2.0
    while _t_coverage(high, df) < confidence:
        low, high = high, high * 2
    while high - low > 1e-12 * high:
        middle = (low + high) / 2
        low, high = (middle, high) if _t_coverage(middle, df) < confidence else (low, middle)
    return (low + high) / 2


def _mean_and_variance(n: int, total: float, total_sq: float) -> tuple[float, float]:
    """Mean and sample variance from the sums, checking they can come from 0..100 scores."""
    slack = 1e-9 * max(1.0, abs(total_sq))
    if not (math.isfinite(total) and math.isfinite(total_sq)):
        raise ValueError("total and total_sq must be finite")
    if total < -slack or total > 100 * n + slack or total_sq > 100 * total + slack:
        raise ValueError(f"total={total!r}, total_sq={total_sq!r} cannot come from {n} scores on 0..100")
    squares = total_sq - total * total / n
    if squares < -slack:
        raise ValueError(f"total_sq={total_sq!r} is smaller than total**2 / n: not a sum of squares")
    return total / n, max(squares, 0.0) / (n - 1) if n > 1 else math.nan


def score_interval(
    n: int,
    total: float,
    total_sq: float,
    population: int | None = None,
    confidence: float = 0.95,
) -> Interval:
    """Confidence interval of the mean per-respondent score (0..100).

    ``mean +- t(n - 1) x s / sqrt(n) x sqrt((N - n) / (N - 1))``, with ``s``
    the sample standard deviation. Student's t rather than the normal
    quantile because ``s`` is itself estimated; from 30 respondents on the two
    differ by less than 5 %. The bounds are clipped to 0..100.

    Parameters
    ----------
    n : int
        Respondents with a score.
    total, total_sq : float
        Sum and sum of squares of their scores.
    population : int, optional
        Size of the population sampled (``>= n``), for the finite population
        correction.
    confidence : float, default 0.95

    Returns
    -------
    Interval
        ``too_small`` when ``n < 30``; with ``n < 2`` the spread and so the
        bounds are NaN.

    Notes
    -----
    The mean of per-respondent scores equals the statistics table's score
    when everyone answered every question with a counted option; otherwise
    the table (a ratio of sums per question) and this mean differ slightly.

    Examples
    --------
    Five respondents scoring 100, 100, 90, 90 and 60:

    >>> ci = score_interval(5, total=440, total_sq=39800)
    >>> ci.estimate, round(ci.margin, 2), round(ci.low, 2), ci.high
    (88.0, 20.4, 67.6, 100.0)
    >>> ci.too_small, ci.reason
    (True, 'only 5 responses, fewer than 30')
    """
    _check_sample(n, population, confidence)
    if n == 0:
        nan = math.nan
        return Interval(nan, nan, nan, nan, 0, population, confidence, True, "no responses")
    mean, variance = _mean_and_variance(n, float(total), float(total_sq))
    if n == 1:
        why = "one response: the spread of scores cannot be estimated"
        return Interval(mean, math.nan, math.nan, math.nan, 1, population, confidence, True, why)
    standard_error = math.sqrt(variance / n) * _fpc(n, population)
    margin = t_critical(confidence, n - 1) * standard_error
    reason = _smallness(n)
    low, high = max(mean - margin, 0.0), min(mean + margin, 100.0)
    return Interval(mean, low, high, margin, n, population, confidence, reason is not None, reason)


def proportion_interval(
    successes: int,
    n: int,
    population: int | None = None,
    confidence: float = 0.95,
) -> Interval:
    """Wilson score interval of a rate such as the satisfaction rate (0..100).

    The Wilson interval holds the ``p`` with ``|p_hat - p| <= z x SE(p)``,
    where ``SE(p) = sqrt(p (1 - p) / n)`` is taken at ``p`` itself, not at
    ``p_hat``. It stays inside 0..100 and, unlike the textbook
    ``p_hat +- z sqrt(p_hat (1 - p_hat) / n)``, does not collapse to a point
    when everyone is satisfied: 41 of 41 gives 91.43..100, next to the exact
    (Clopper-Pearson) lower bound 91.40. The finite population correction
    multiplies ``SE(p)``, which amounts to Wilson's formula with ``z`` replaced
    by ``z x sqrt((N - n) / (N - 1))``.

    Parameters
    ----------
    successes : int
        Satisfied respondents, ``0 <= successes <= n``.
    n : int
        Respondents.
    population : int, optional
        Size of the population sampled (``>= n``).
    confidence : float, default 0.95

    Returns
    -------
    Interval
        ``estimate`` is ``100 x successes / n``; ``margin`` is half the width,
        the interval is not symmetric around the estimate. ``too_small`` when
        ``n < 30``. Few unsatisfied answers (``n (1 - p) < 5``) are not flagged:
        that rule of thumb is for the textbook interval, not for Wilson's.

    Examples
    --------
    >>> ci = proportion_interval(41, 41)
    >>> ci.estimate, round(ci.low, 2), ci.high  # 41 / (41 + 1.96**2) = 0.9143
    (100.0, 91.43, 100.0)
    """
    _check_sample(n, population, confidence)
    if isinstance(successes, bool) or not isinstance(successes, int) or not 0 <= successes <= n:
        raise ValueError(f"successes must be a whole number in 0..n ({n}), got {successes!r}")
    if n == 0:
        nan = math.nan
        return Interval(nan, nan, nan, nan, 0, population, confidence, True, "no responses")
    p_hat = successes / n
    z2 = (_z(confidence) * _fpc(n, population)) ** 2
    centre = (p_hat + z2 / (2 * n)) / (1 + z2 / n)
    half = math.sqrt(z2 * p_hat * (1 - p_hat) / n + z2 * z2 / (4 * n * n)) / (1 + z2 / n)
    low, high = max(centre - half, 0.0), min(centre + half, 1.0)
    reason = _smallness(n)
    return Interval(
        100 * p_hat,
        100 * low,
        100 * high,
        100 * (high - low) / 2,
        n,
        population,
        confidence,
        reason is not None,
        reason,
    )


def required_sample_size(
    margin: float,
    population: int | None = None,
    confidence: float = 0.95,
    p: float = 0.5,
) -> int:
    """Respondents needed to estimate a rate within ``+- margin`` percentage points.

    Cochran's ``n0 = z**2 p (1 - p) / e**2`` with ``e = margin / 100``, and
    with a known population ``n = n0 / (1 + (n0 - 1) / N)``, the same finite
    population correction as the intervals. Rounded up.

    Parameters
    ----------
    margin : float
        Wanted margin of error in percentage points on 0..100, e.g. ``5`` for
        +-5 points (the unit of :attr:`Interval.margin`), not ``0.05``.
    population : int, optional
        Size of the population, e.g. the people on the roster.
    confidence : float, default 0.95
    p : float, default 0.5
        Expected rate as a proportion in (0, 1); 0.5 is the safe assumption.

    Returns
    -------
    int

    Examples
    --------
    >>> required_sample_size(5)
    385
    >>> required_sample_size(5, population=23186)  # the people subsidised in 2022
    378
    """
    if not 0.0 < margin < 100.0:
        raise ValueError(f"margin must be in percentage points, 0 < margin < 100, got {margin!r}")
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be a proportion strictly between 0 and 1, got {p!r}")
    if population is not None and (
        isinstance(population, bool) or not isinstance(population, int) or population < 1
    ):
        raise ValueError(f"population must be a whole number >= 1, got {population!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    needed = _z(confidence) ** 2 * p * (1 - p) / (margin / 100) ** 2
    if population is not None:
        needed /= 1 + (needed - 1) / population
    return max(1, math.ceil(needed - 1e-9))  # the slack keeps 384.0000000001 from giving 385


def sample_margin(n: int, population: int | None = None, confidence: float = 0.95) -> float:
    """The worst-case margin of error (``p = 0.5``) that ``n`` respondents give, in points.

    The inverse of :func:`required_sample_size`: ``z sqrt(0.25 / n)`` times the same finite
    population correction as the intervals, on 0..100. NaN without respondents.

    Parameters
    ----------
    n : int
        Respondents so far.
    population : int, optional
        Size of the population sampled (``>= n``).
    confidence : float, default 0.95

    Returns
    -------
    float

    Examples
    --------
    >>> round(sample_margin(378, population=23186), 2)  # what required_sample_size(5, 23186) gives
    5.0
    >>> round(sample_margin(41, population=23186), 2)  # the source report's 41 answers
    15.29
    """
    _check_sample(n, population, confidence)
    if n == 0:
        return math.nan
    return 100 * _z(confidence) * math.sqrt(0.25 / n) * _fpc(n, population)
