"""Flag responses that may not be genuine, and let an evaluator exclude or restore one.

Three flags, each a hint for the evaluator (never an automatic exclusion):

* **too fast**: the public form was sent less than ``SECONDS_PER_QUESTION`` seconds per question
  after it was opened (a 10-question form: under 20 seconds). Reading a question and tapping an
  answer takes longer than that even for a practised reader.
* **burst**: ``BURST_SIZE`` or more responses from the same address within ``BURST_WINDOW``.
  Addresses are compared through their keyed hash; a village on one carrier address answering
  together can cause this too, so it is a prompt to look, not proof.
* **same answer**: the same option chosen for every question of a questionnaire of at least
  ``STRAIGHT_MIN_QUESTIONS`` questions. Satisfied beneficiaries often do answer "very satisfied"
  throughout, so this flag is the weakest of the three.

Excluding and restoring are recorded in the audit log; scoring leaves excluded responses out
by default (see :mod:`surveyapp.scoring.services`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import Answer, Campaign, Response, utcnow
from surveyapp.scoring.kept import (
    FORM_SECONDS,
    SAME_ANSWER,
    IdRange,
    aggregate_rows,
    computed_per_reading,
    in_id_range,
    one_reading,
)

SECONDS_PER_QUESTION = 2
BURST_SIZE = 5
BURST_WINDOW = timedelta(minutes=10)
STRAIGHT_MIN_QUESTIONS = 5
#: The panel lists at most this many responses (newest first); the counts cover all.
LISTED = 200
FLAGS = ("too_fast", "burst", "same_answer")


class ExclusionError(ValueError):
    """The response cannot be excluded or restored as asked."""


@dataclass
class QualityRow:
    """One flagged or excluded response as the panel lists it."""

    response: Response
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Quality:
    """The data-quality panel of one campaign."""

    rows: list[QualityRow]
    counts: dict[str, int]
    excluded: int
    flagged: int
    fast_seconds: int


def too_fast_seconds(campaign: Campaign) -> int:
    """The form-open time under which a response of this campaign counts as too fast."""
    return SECONDS_PER_QUESTION * len(campaign.questionnaire_version.questions)


def _too_fast(campaign: Campaign) -> set[int]:
    def fast(since: IdRange | None = None) -> Any:
        return select(Response.id).where(
            Response.campaign_id == campaign.id,
            Response.form_seconds < too_fast_seconds(campaign),
            *in_id_range(Response.id, since),
        )

    def fresh() -> list[tuple[Any, ...]] | None:  # from the page's one pass, if it saw them all
        found = computed_per_reading(campaign, FORM_SECONDS)
        if found is None:
            return None
        ids, seconds = found
        chosen = (seconds >= 0) & (seconds < too_fast_seconds(campaign))
        return [(int(i),) for i in sorted(ids[chosen])]

    return {row[0] for row in aggregate_rows(campaign, fast(), newer=fast, summed=0, fresh=fresh)}


def _same_answer(campaign: Campaign) -> set[int]:
    questions = len(campaign.questionnaire_version.questions)
    if questions < STRAIGHT_MIN_QUESTIONS:
        return set()

    def same(since: IdRange | None = None) -> Any:
        query = select(Answer.response_id).where(
            Answer.campaign_id == campaign.id, *in_id_range(Answer.response_id, since)
        )
        return query.group_by(Answer.response_id).having(
            func.count(func.distinct(Answer.option_id)) == 1, func.count() == questions
        )

    def fresh() -> list[tuple[Any, ...]] | None:  # what the page's one pass found, if it ran
        return computed_per_reading(campaign, (SAME_ANSWER, questions))

    return {row[0] for row in aggregate_rows(campaign, same(), newer=same, summed=0, fresh=fresh)}


def _bursts(campaign: Campaign) -> set[int]:
    busy = (
        select(Response.address_hash)
        .where(Response.campaign_id == campaign.id, Response.address_hash.is_not(None))
        .group_by(Response.address_hash)
        .having(func.count() >= BURST_SIZE)
    )
    rows = aggregate_rows(
        campaign,
        select(Response.id, Response.address_hash, Response.received_at)
        .where(Response.campaign_id == campaign.id, Response.address_hash.in_(busy))
        .order_by(Response.address_hash, Response.received_at),
        stored=False,  # address digests stay out of the kept copies in the database
    )
    return _in_bursts([(r[0], r[1], r[2]) for r in rows])


def _in_bursts(rows: list[tuple[int, str, datetime]]) -> set[int]:
    """Ids of rows (sorted by address, then time) with ``BURST_SIZE`` from one address in the window."""
    flagged: set[int] = set()
    start = 0
    for end in range(len(rows)):
        while rows[start][1] != rows[end][1] or rows[end][2] - rows[start][2] > BURST_WINDOW:
            start += 1
        if end - start + 1 >= BURST_SIZE:
            flagged.update(row[0] for row in rows[start : end + 1])
    return flagged


def campaign_quality(campaign: Campaign) -> Quality:
    """The flags of a campaign's responses, and the responses an evaluator excluded."""
    with one_reading(campaign):
        return _quality(campaign)


def _quality(campaign: Campaign) -> Quality:
    found = {
        "too_fast": _too_fast(campaign),
        "burst": _bursts(campaign),
        "same_answer": _same_answer(campaign),
    }
    excluded = set(
        db.session.scalars(
            select(Response.id).where(Response.campaign_id == campaign.id, Response.excluded_at.is_not(None))
        )
    )
    every = set().union(*found.values())
    listed = sorted(every | excluded, reverse=True)[:LISTED]
    responses = {r.id: r for r in db.session.scalars(select(Response).where(Response.id.in_(listed)))}
    rows = [QualityRow(responses[i], [flag for flag in FLAGS if i in found[flag]]) for i in listed]
    return Quality(
        rows=rows,
        counts={flag: len(ids) for flag, ids in found.items()},
        excluded=len(excluded),
        flagged=len(every),
        fast_seconds=too_fast_seconds(campaign),
    )


def _response(campaign: Campaign, response_id: int) -> Response:
    found = db.session.get(Response, response_id)
    if found is None or found.campaign_id != campaign.id:
        raise ExclusionError("no such response in this campaign")
    return found


def exclude_response(campaign: Campaign, response_id: int, reason: str, by: Any) -> Response:
    """Leave a response out of the figures, with the evaluator's reason (audited); flushes."""
    reason = " ".join(reason.split())
    if not reason:
        raise ExclusionError("a reason is needed")
    response = _response(campaign, response_id)
    if response.excluded_at is not None:
        raise ExclusionError("the response is already excluded")
    response.excluded_at, response.excluded_reason, response.excluded_by_id = utcnow(), reason[:500], by.id
    audit.record("response.exclude", response, campaign_slug=campaign.slug, reason=response.excluded_reason)
    return response


def restore_response(campaign: Campaign, response_id: int) -> Response:
    """Count an excluded response again (audited, with the reason it had); flushes."""
    response = _response(campaign, response_id)
    if response.excluded_at is None:
        raise ExclusionError("the response is not excluded")
    reason = response.excluded_reason
    response.excluded_at = response.excluded_reason = response.excluded_by_id = None
    audit.record("response.restore", response, campaign_slug=campaign.slug, reason_was=reason)
    return response
