"""How certain a campaign's score and satisfaction rate are, from sums made in the database.

The interval of the score needs each respondent's own score (0..100), its sum and its sum of
squares; the interval of the satisfaction rate needs the number of satisfied respondents. One
query computes all of them: an inner ``GROUP BY response`` adds up weight x points per response,
with the weights, points and satisfied flags written into the SQL as ``CASE`` expressions, and
the outer query counts the responses with each result. No answer row reaches Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, case, cast, func, literal, select

from analysis.certainty import Interval, proportion_interval, score_interval
from analysis.survey_inputs import checked_scale
from surveyapp.models import Answer, Campaign
from surveyapp.scoring.kept import computed_per_reading
from surveyapp.scoring.services import campaign_weights, counted_rows, option_weight, scale_frame


@dataclass(frozen=True)
class RespondentSums:
    """What the intervals need, summed over the respondents with at least one counted answer."""

    respondents: int
    total: float
    total_sq: float
    satisfied: int


@dataclass(frozen=True)
class Certainty:
    """The 95 % confidence intervals of a campaign's score and satisfaction rate."""

    score: Interval
    satisfaction_rate: Interval
    population: int | None


def _units(values: Iterable[Decimal]) -> int:
    """The power of ten that makes every value a whole number (weights 0.85, points 12.5: 100)."""
    places = max((max(0, -int(v.normalize().as_tuple().exponent)) for v in values), default=0)
    return 10 ** min(places, 9)


def _option_maps(
    campaign: Campaign,
) -> tuple[dict[int, int], int, dict[int, int], dict[int, int]]:
    """Per option id: weight in whole units (0 if not counted), the units, counted and satisfied flags."""
    version = campaign.questionnaire_version
    scheme = campaign_weights(campaign)
    frame = scale_frame(version, scheme)
    decimals = {o.id: option_weight(version, o, scheme) for o in version.scored_options}
    unit = _units(decimals.values())
    weight, counted, satisfied = {}, {}, {}
    for name in version.scored_lists:
        own = frame[frame["list"] == name].drop(columns="list") if "list" in frame.columns else frame
        scale = checked_scale(own).set_index("code")
        for option in version.choice_list(name):
            row = scale.loc[option.code]
            counted[option.id] = int(bool(row["counted"]))
            weight[option.id] = int(decimals[option.id] * unit) if counted[option.id] else 0
            satisfied[option.id] = int(bool(row["satisfied"]))
    return weight, unit, counted, satisfied


def _case(mapping: dict[int, Any], column: Any, default: Any) -> Any:
    return case({key: literal(value) for key, value in mapping.items()}, value=column, else_=literal(default))


#: What the histogram of respondents' sums is kept under in a page's block (with its maps' key).
HISTOGRAM = "respondent histogram"
#: Per option id its weight (in whole units), the units, per option id counted and satisfied
#: flags, per scored question id its points (in whole units).
ScoringMaps = tuple[dict[int, int], int, dict[int, int], dict[int, int], dict[int, int]]


def scoring_maps(campaign: Campaign) -> ScoringMaps:
    """Everything a respondent's sums depend on, in whole numbers."""
    weight, weight_unit, counted, satisfied = _option_maps(campaign)
    scored = campaign.questionnaire_version.scored_questions
    point_unit = _units(q.points for q in scored)
    return weight, weight_unit, counted, satisfied, {q.id: int(q.points * point_unit) for q in scored}


def maps_key(maps: ScoringMaps) -> tuple[Any, ...]:
    """The maps as a dictionary key."""
    weight, unit, counted, satisfied, points = maps
    return (
        tuple(sorted(weight.items())),
        unit,
        tuple(sorted(counted.items())),
        tuple(sorted(satisfied.items())),
        tuple(sorted(points.items())),
    )


def histogram_of(
    maps: ScoringMaps, questions: list[int], options: list[int | None], states: Any
) -> dict[tuple[int, int, int], int]:
    """The rows of :func:`_histogram` (earned, possible, satisfied or not: how many responses)
    from each response's option per question, ``states`` (responses x ``questions``, each an
    index into ``options``, whose first two mean unanswered and answered without an option)."""
    weight, _unit, counted, satisfied, points = maps

    def per_state(flags: dict[int, int]) -> Any:
        return np.asarray([0 if o is None else flags.get(o, 0) for o in options], dtype=np.int64)

    point = np.asarray([points.get(q, 0) for q in questions], dtype=np.int64)
    scored = np.asarray([q in points for q in questions], dtype=np.int64)
    is_counted = per_state(counted)[states]
    earned = (per_state(weight)[states] * point).sum(axis=1)
    possible = (is_counted * point).sum(axis=1)
    happy = 2 * (per_state(satisfied)[states] * scored).sum(axis=1) > (is_counted * scored).sum(axis=1)
    keep = possible > 0
    triples = pd.DataFrame({"e": earned[keep], "p": possible[keep], "h": happy[keep].astype(np.int64)})
    counts = triples.value_counts(sort=False)
    return {(int(e), int(p), int(h)): int(n) for (e, p, h), n in counts.items()}


#: Where the three sums of one response sit in one packed integer (see :func:`_packed_histogram`).
_SATISFIED_BITS = 20
_COUNTED_SHIFT = 2**_SATISFIED_BITS
_WEIGHT_SHIFT = 2**40


def _packable(points: dict[int, int], weight: dict[int, int]) -> bool:
    """Whether one response's sums fit in the packed integer: every scored question worth the
    same points, fewer than a million of them, no weight below 0, and the weights' sum within the
    22 bits above the two counts."""
    if len(set(points.values())) != 1 or not weight or min(weight.values()) < 0:
        return False
    answers = len(points)
    return answers < _COUNTED_SHIFT and max(weight.values()) * answers < 2**62 // _WEIGHT_SHIFT


def _scored_answers(points: dict[int, int]) -> Any:
    """1 for an answer to a scored question, else 0 (a profile question sharing the scale)."""
    return _case(dict.fromkeys(points, 1), Answer.question_id, 0)


def _histogram(
    points: dict[int, int], weight: dict[int, int], counted: dict[int, int], satisfied: dict[int, int]
) -> Any:
    """How many responses share each (earned, possible, satisfied) triple, for any points."""
    point = _case(points, Answer.question_id, 0)
    scored = _scored_answers(points)
    is_counted = _case(counted, Answer.option_id, 0)

    def histogram(conditions: list[Any]) -> Any:
        per_response = (
            select(
                func.sum(_case(weight, Answer.option_id, 0) * point).label("earned"),
                func.sum(is_counted * point).label("possible"),
                func.sum(_case(satisfied, Answer.option_id, 0) * scored).label("satisfied"),
                func.sum(is_counted * scored).label("counted"),
            )
            .where(*conditions)
            .group_by(Answer.response_id)
            .subquery()
        )
        happy = case((2 * per_response.c.satisfied > per_response.c.counted, 1), else_=0)
        return (
            select(per_response.c.earned, per_response.c.possible, happy, func.count())
            .where(per_response.c.possible > 0)
            .group_by(per_response.c.earned, per_response.c.possible, happy)
        )

    return histogram


def _packed_histogram(
    points: dict[int, int], weight: dict[int, int], counted: dict[int, int], satisfied: dict[int, int]
) -> Any:
    """The same rows as :func:`_histogram` when every scored question is worth the same points.

    Each answer's weight, counted flag and satisfied flag are one integer (weight x 2**40 +
    counted x 2**20 + satisfied), so a response's three sums are one sum of one ``CASE`` on
    the option, unpacked once per response: a third of the work of one ``CASE`` per figure.
    Earned and possible are then the sums times the common points, exactly.
    """
    (each,) = set(points.values())
    packed = {
        option: weight[option] * _WEIGHT_SHIFT + counted[option] * _COUNTED_SHIFT + satisfied[option]
        for option in weight
    }

    def histogram(conditions: list[Any]) -> Any:
        per_response = (
            select(
                cast(
                    func.sum(_case(packed, Answer.option_id, 0) * _scored_answers(points)), BigInteger
                ).label("packed")
            )
            .where(*conditions)
            .group_by(Answer.response_id)
            .subquery()
        )
        total = per_response.c.packed
        counted_sum = (total // _COUNTED_SHIFT) % _COUNTED_SHIFT
        earned = (total // _WEIGHT_SHIFT) * each
        possible = counted_sum * each
        happy = case((2 * (total % _COUNTED_SHIFT) > counted_sum, 1), else_=0)
        return (
            select(earned, possible, happy, func.count())
            .where(possible > 0)
            .group_by(earned, possible, happy)
        )

    return histogram


def respondent_sums(campaign: Campaign, include_excluded: bool = False) -> RespondentSums:
    """Per-respondent scores summed: count, sum, sum of squares, satisfied respondents.

    It follows the one definition, :func:`analysis.respondents.respondent_scores` (a test checks
    that the two agree). A respondent's score is 100 x (sum of weight x points over their counted
    answers) / (sum of points of those questions). A respondent is *satisfied* when more than half
    of their counted answers are satisfied options; with consistent answers (the report's 41 respondents) the
    share of satisfied respondents equals the table's satisfaction rate.

    The database does the counting in whole numbers: per response, weight x points and points in
    units that make them integers (see :func:`_units`), then how many responses share each
    (earned, possible, satisfied) triple. Those integer counts add up exactly over new responses,
    so after new answers only they are read (:func:`~surveyapp.scoring.kept.aggregate_rows`), and
    the floating-point sums are made here, in one fixed order, from the same counts a fresh
    query gives.
    """
    maps = scoring_maps(campaign)
    weight, weight_unit, counted, satisfied, points = maps
    if _packable(points, weight):
        histogram = _packed_histogram(points, weight, counted, satisfied)
    else:
        histogram = _histogram(points, weight, counted, satisfied)

    def fresh() -> list[tuple[Any, ...]] | None:  # what the page's one pass counted, if it ran
        return computed_per_reading(campaign, (HISTOGRAM, maps_key(maps)))

    rows = sorted(counted_rows(campaign, histogram, include_excluded=include_excluded, fresh=fresh))
    n = total = total_sq = happy_count = 0
    for earned, possible, is_happy, count in rows:
        score = 100.0 * int(earned) / (int(possible) * weight_unit)
        n += int(count)
        total += count * score
        total_sq += count * score * score
        happy_count += int(count) * int(is_happy)
    return RespondentSums(int(n), float(total), float(total_sq), int(happy_count))


def campaign_certainty(
    campaign: Campaign, confidence: float = 0.95, include_excluded: bool = False
) -> Certainty:
    """Confidence intervals with the finite population correction when the population is known."""
    sums = respondent_sums(campaign, include_excluded)
    population = campaign.population_size
    if population is not None and population < sums.respondents:
        population = None  # more answers than people: the stated population is wrong, ignore it
    return Certainty(
        score=score_interval(sums.respondents, sums.total, sums.total_sq, population, confidence),
        satisfaction_rate=proportion_interval(sums.satisfied, sums.respondents, population, confidence),
        population=population,
    )
