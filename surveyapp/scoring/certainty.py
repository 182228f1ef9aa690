"""How certain a campaign's score and satisfaction rate are, from sums made in the database.

The interval of the score needs each respondent's own score (0..100), its sum and its sum of
squares; the interval of the satisfaction rate needs the number of satisfied respondents. One
query computes all of them: an inner ``GROUP BY response`` adds up weight x points per response,
with the weights, points and satisfied flags written into the SQL as ``CASE`` expressions, and
the outer query sums over the responses. No answer row reaches Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, case, cast, func, literal, select

from analysis.certainty import Interval, proportion_interval, score_interval
from analysis.survey_inputs import checked_scale
from surveyapp.models import Answer, Campaign
from surveyapp.scoring.kept import aggregate_rows
from surveyapp.scoring.services import campaign_weights, counted_answers, scale_frame


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


def _option_maps(campaign: Campaign) -> tuple[dict[int, float], dict[int, int], dict[int, int]]:
    """Per option id: weight (0 if not counted), counted flag, satisfied flag."""
    version = campaign.questionnaire_version
    scale = checked_scale(scale_frame(version, campaign_weights(campaign))).set_index("code")
    weight, counted, satisfied = {}, {}, {}
    for option in version.scale:
        row = scale.loc[option.code]
        counted[option.id] = int(bool(row["counted"]))
        weight[option.id] = float(row["weight"]) if counted[option.id] else 0.0
        satisfied[option.id] = int(bool(row["satisfied"]))
    return weight, counted, satisfied


def _case(mapping: dict[int, Any], column: Any, default: Any) -> Any:
    return case({key: literal(value) for key, value in mapping.items()}, value=column, else_=literal(default))


def respondent_sums(campaign: Campaign, include_excluded: bool = False) -> RespondentSums:
    """Per-respondent scores summed in SQL: count, sum, sum of squares, satisfied respondents.

    It follows the one definition, :func:`analysis.respondents.respondent_scores` (a test checks
    that the two agree). A respondent's score is 100 x (sum of weight x points over their counted
    answers) / (sum of points of those questions). A respondent is *satisfied* when more than half
    of their counted answers are satisfied options; with consistent answers (the report's 41 respondents) the
    share of satisfied respondents equals the table's satisfaction rate.
    """
    weight, counted, satisfied = _option_maps(campaign)
    points = {q.id: float(q.points) for q in campaign.questionnaire_version.scored_questions}
    point = _case(points, Answer.question_id, 0.0)
    is_counted = _case(counted, Answer.option_id, 0)
    per_response = (
        select(
            func.sum(_case(weight, Answer.option_id, 0.0) * point).label("earned"),
            func.sum(cast(is_counted, Float) * point).label("possible"),
            func.sum(_case(satisfied, Answer.option_id, 0)).label("satisfied"),
            func.sum(is_counted).label("counted"),
        )
        .where(*counted_answers(campaign, include_excluded))
        .group_by(Answer.response_id)
        .subquery()
    )
    score = 100.0 * cast(per_response.c.earned, Float) / per_response.c.possible
    rows = aggregate_rows(
        campaign,
        select(
            func.count(),
            func.sum(score),
            func.sum(score * score),
            func.sum(case((2 * per_response.c.satisfied > per_response.c.counted, 1), else_=0)),
        ).where(per_response.c.possible > 0),
    )
    n, total, total_sq, happy = rows[0]
    return RespondentSums(int(n or 0), float(total or 0.0), float(total_sq or 0.0), int(happy or 0))


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
