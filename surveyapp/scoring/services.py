"""Turn a campaign's stored answers into its statistics table.

Counting happens in the database with one ``GROUP BY`` over the answer table; pandas only ever
sees the small aggregate (questions x options rows), so a campaign of a million responses is
scored without loading its rows. The web page, the command line and every export call
:func:`campaign_statistics`: one way to score.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnElement

from analysis.scoring import StatisticsTable, statistics_table
from surveyapp.extensions import db
from surveyapp.models import Answer, Campaign, QuestionnaireVersion, Response
from surveyapp.questionnaires.defaults import satisfied_flags
from surveyapp.scoring.kept import IdRange, aggregate_rows, in_id_range, subtracted


def excluded_ids(campaign: Campaign, since: IdRange | None = None) -> Select[Any]:
    """The ids of the campaign's responses an evaluator left out (few, by their index).

    ``since``: only among the new responses (an exclusion of an older one raises the campaign's
    exclusion revision, so what is kept over the excluded responses is then read again).
    """
    query = select(Response.id).where(Response.campaign_id == campaign.id, Response.excluded_at.is_not(None))
    return query.where(*in_id_range(Response.id, since))


def counted_responses(campaign: Campaign, include_excluded: bool = False) -> list[ColumnElement[bool]]:
    """Conditions on :class:`Response` that pick the responses a statistics table counts."""
    conditions = [Response.campaign_id == campaign.id]
    if not include_excluded:
        conditions.append(Response.excluded_at.is_(None))
    return conditions


def _over(
    campaign: Campaign, over: Literal["answers", "responses"], since: IdRange | None, excluded: bool
) -> list[ColumnElement[bool]]:
    """The campaign's answers (or responses), all or only the excluded ones, in ``since``.

    ``since``, the new responses ``(after, upto)``, bounded on both sides, is one short stretch of
    ``ix_answer_campaign_response`` to every planner (SQLite's takes an open range for a quarter
    of the table).
    """
    if over == "answers":
        if excluded:
            # Only by response (the excluded ones are the campaign's): with the campaign's id
            # beside it, SQLite may read every answer of the campaign in the order of
            # ix_answer_campaign_question_option, to spare itself a sort, instead of looking up
            # the few excluded responses' answers (seconds at a million responses).
            return [
                Answer.response_id.in_(excluded_ids(campaign, since)),
                *in_id_range(Answer.response_id, since),
            ]
        return [Answer.campaign_id == campaign.id, *in_id_range(Answer.response_id, since)]
    if excluded:  # by id too: else SQLite may read every response in the order of the group
        return [Response.id.in_(excluded_ids(campaign, since)), *in_id_range(Response.id, since)]
    return [Response.campaign_id == campaign.id, *in_id_range(Response.id, since)]


def counted_rows(
    campaign: Campaign,
    build: Callable[[list[ColumnElement[bool]]], Executable],
    *,
    include_excluded: bool = False,
    over: Literal["answers", "responses"] = "answers",
    fresh: Callable[[], list[tuple[Any, ...]] | None] | None = None,
) -> list[tuple[Any, ...]]:
    """The rows of ``build(conditions)`` over the answers (or responses) a statistics table counts.

    ``build`` makes an aggregate that adds up over responses, its last column a count, from the
    conditions picking the answers (or responses) it reads. Its rows are kept in two parts (see
    :func:`~surveyapp.scoring.kept.aggregate_rows`): over all the campaign's responses, which an
    exclusion or a restore never changes, and over its excluded responses (few, and read quickly
    again), which are taken away key by key. Excluding a response thus costs the next view only
    the small part, and the result is the very count a fresh query with the exclusions gives.
    ``fresh`` gives the rows over all the responses another way when nothing kept can be used
    (see :func:`~surveyapp.scoring.kept.aggregate_rows`).
    """

    def everything(since: IdRange | None = None) -> Executable:
        return build(_over(campaign, over, since, excluded=False))

    rows = aggregate_rows(campaign, everything(), newer=everything, fresh=fresh)
    if include_excluded:
        return list(rows)

    def left_out(since: IdRange | None = None) -> Executable:
        return build(_over(campaign, over, since, excluded=True))

    return subtracted(rows, aggregate_rows(campaign, left_out(), newer=left_out))


def excluded_count(campaign: Campaign) -> int:
    """How many of the campaign's responses an evaluator left out."""
    return db.session.scalar(select(func.count()).select_from(excluded_ids(campaign).subquery())) or 0


def answer_counts(campaign: Campaign, include_excluded: bool = False) -> pd.DataFrame:
    """Answers per question number and option code: columns ``question``, ``code``, ``count``."""

    def counts(conditions: list[ColumnElement[bool]]) -> Executable:
        return (
            select(Answer.question_id, Answer.option_id, func.count())
            .where(*conditions)
            .group_by(Answer.question_id, Answer.option_id)
        )

    rows = counted_rows(campaign, counts, include_excluded=include_excluded)
    version = campaign.questionnaire_version
    numbers = {q.id: q.number for q in version.scored_questions}
    codes = {o.id: o.code for o in version.scored_options}
    return pd.DataFrame(
        [(numbers[q], codes[o], int(n)) for q, o, n in rows if q in numbers and o in codes],
        columns=["question", "code", "count"],
    )


def respondent_count(campaign: Campaign, include_excluded: bool = False) -> int:
    """How many responses the campaign counts (those left out by an evaluator only on request)."""

    def count(conditions: list[ColumnElement[bool]]) -> Executable:
        return select(func.count()).select_from(Response).where(*conditions)

    rows = counted_rows(campaign, count, include_excluded=include_excluded, over="responses")
    return int(rows[0][0]) if rows else 0


def _list_frame(options: list[Any], weights: dict[str, Decimal] | None) -> pd.DataFrame:
    flags = satisfied_flags(options)
    rows: list[dict[str, Any]] = []
    for position, (option, satisfied) in enumerate(zip(options, flags, strict=True)):
        weight = weights[option.code] if weights is not None else option.weight
        rows.append(
            {
                "code": option.code,
                "label": option.label,
                "weight": float(weight or 0),
                "counted": option.counted,
                "satisfied": satisfied,
                "_rank": (not option.counted, -float(option.weight or 0), position),
            }
        )
    rows.sort(key=lambda row: row["_rank"])
    return pd.DataFrame([{k: v for k, v in row.items() if k != "_rank"} for row in rows])


def option_weight(version: QuestionnaireVersion, option: Any, weights: dict[str, Decimal] | None) -> Decimal:
    """An option's weight: a weight scheme's for the shared scale, otherwise the option's own."""
    if weights is not None and option.list_name == version.scale_list:
        return weights[option.code]
    return option.weight or Decimal(0)


def scale_frame(version: QuestionnaireVersion, weights: dict[str, Decimal] | None = None) -> pd.DataFrame:
    """The version's scale, best first; ``weights`` (a weight scheme) replaces the version's own.

    Whether an option is satisfied follows the questionnaire's own weights (or its explicit
    ``satisfied`` flags), never the order the file lists it in: see
    :func:`surveyapp.questionnaires.defaults.satisfied_flags`. The options are put best first by
    those weights, so a scale written worst first gives the same table.

    When the scored questions use several lists, the frame holds every one of them, each best
    first, with a ``list`` column; a weight scheme weights the shared scale only.
    """
    lists = version.scored_lists
    frames = [
        _list_frame(version.choice_list(name), weights if name == version.scale_list else None)
        for name in lists
    ]
    if len(lists) == 1:
        return frames[0]
    return pd.concat([f.assign(list=name) for name, f in zip(lists, frames, strict=True)], ignore_index=True)


def questions_frame(version: QuestionnaireVersion) -> pd.DataFrame:
    """The version's questions: ``number``, ``text``, ``points`` (and ``list`` with several lists)."""
    frame = pd.DataFrame(
        [(q.number, q.text, float(q.points)) for q in version.scored_questions],
        columns=["number", "text", "points"],
    )
    if len(version.scored_lists) > 1:
        frame["list"] = [q.list_name or version.scale_list for q in version.scored_questions]
    return frame


def campaign_weights(campaign: Campaign) -> dict[str, Decimal] | None:
    """The weights a campaign scores with: its weight scheme's, or None for the questionnaire's own."""
    if campaign.weight_scheme is None:
        return None
    return campaign.weight_scheme.weights()


def campaign_statistics(campaign: Campaign, *, include_excluded: bool = False) -> StatisticsTable:
    """The campaign's statistics table, scored with its weight scheme.

    Responses an evaluator excluded are left out unless ``include_excluded``.
    """
    version = campaign.questionnaire_version
    return statistics_table(
        answer_counts(campaign, include_excluded),
        scale_frame(version, campaign_weights(campaign)),
        questions_frame(version),
        respondents=respondent_count(campaign, include_excluded),
    )
