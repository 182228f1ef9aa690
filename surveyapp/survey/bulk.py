"""Storing many responses at once (an import of paper questionnaires), each still exactly once.

The same checks as :func:`surveyapp.survey.services.submit_response` (every answer read by its
type, relevance, required questions), but written a few thousand at a time with one multi-row
insert per table, as the database's own bulk loading does. Responses whose submission id is
already stored are skipped; if another writer stores one of the same ids meanwhile, that batch
falls back to one response at a time, so nothing is stored twice. Services flush; the caller
commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError

from surveyapp.extensions import db
from surveyapp.models import Answer, AnswerChoice, Campaign, Response
from surveyapp.models.base import utcnow
from surveyapp.scoring.upkeep import note_stored
from surveyapp.survey.services import (
    AnswerRow,
    Submission,
    _answers,
    _check,
    response_row,
    submit_response,
)

#: Responses written per batch: large enough to amortise each statement, small enough to keep
#: each write transaction short on SQLite.
BATCH = 2000


def _table(model: Any) -> Table:
    """A model's table, for Core inserts (which skip the ORM's per-row work)."""
    return cast(Table, model.__table__)


def _batches(items: Sequence[Submission], size: int) -> Iterator[Sequence[Submission]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored_ids(campaign: Campaign, ids: list[str]) -> set[str]:
    query = select(Response.submission_id).where(
        Response.campaign_id == campaign.id, Response.submission_id.in_(ids)
    )
    return set(db.session.scalars(query))


def _insert_batch(campaign: Campaign, batch: list[Submission], answers: list[list[AnswerRow]]) -> None:
    now = utcnow()
    rows = [response_row(campaign, s, now) for s in batch]
    responses, answers_table = _table(Response), _table(Answer)
    ids = db.session.scalars(
        insert(responses).returning(responses.c.id, sort_by_parameter_order=True), rows
    ).all()
    answer_rows: list[dict[str, Any]] = []
    choices: list[list[int]] = []
    for response_id, given in zip(ids, answers, strict=True):
        for answer in given:
            answer_rows.append({"response_id": response_id, **answer.columns()})
            choices.append(list(answer.choice_ids))
    if not answer_rows:
        return
    if not any(choices):
        db.session.execute(insert(answers_table), answer_rows)
        return
    answer_ids = db.session.scalars(
        insert(answers_table).returning(answers_table.c.id, sort_by_parameter_order=True), answer_rows
    ).all()
    choice_rows = [
        {"answer_id": answer_id, "option_id": option_id}
        for answer_id, options in zip(answer_ids, choices, strict=True)
        for option_id in options
    ]
    db.session.execute(insert(_table(AnswerChoice)), choice_rows)


def submit_many(campaign: Campaign, submissions: Sequence[Submission], batch: int = BATCH) -> int:
    """Store each submission once, in batches; return how many were new.

    Every submission is checked before anything is written: a bad one raises
    :class:`~surveyapp.survey.services.SubmissionError` and nothing of this call is stored.
    """
    checked = []
    for submission in submissions:
        _check(campaign, submission)
        checked.append((submission, _answers(campaign, submission)))
    by_id = dict(zip((s.submission_id for s, _ in checked), checked, strict=True))
    added = 0
    for part in _batches([s for s, _ in checked], batch):
        stored = _stored_ids(campaign, [s.submission_id for s in part])
        new = [s for s in part if s.submission_id not in stored]
        if not new:
            continue
        try:
            with db.session.begin_nested():
                _insert_batch(campaign, new, [by_id[s.submission_id][1] for s in new])
        except IntegrityError:
            # Another writer stored one of these ids meanwhile: one at a time, each once.
            added += sum(1 for s in new if submit_response(campaign, s)[1])
        else:
            added += len(new)
            note_stored(campaign.id, len(new))
    return added
