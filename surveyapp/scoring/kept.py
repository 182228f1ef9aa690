"""A campaign's aggregates, kept per process and keyed on what they are computed from.

The evaluator's page of a large campaign runs a dozen ``GROUP BY`` queries over its answers (the
table, the respondents' sums for the intervals, every breakdown, the quality checks). Their rows
depend only on the campaign's stored responses and answers, and on the query itself (which holds
the weights, points and conditions it uses). So each query's rows are kept under

* the query: its SQL and parameters, weights and scheme included, and
* the campaign's *reading*: how many responses it has, its highest response id, its data
  revision, which the database raises whenever one of its responses or answers is changed or
  deleted (a correction, a deletion), and its exclusion revision, raised when a response is
  excluded or restored (see :func:`_count_changes`).

A new response changes the count and the highest id, anything else a revision, so a kept result
is only ever used for the very data it was computed from, whatever process made the change. A
query that never reads exclusions (its SQL does not name the column) cannot be changed by one, so
its reading leaves the exclusion revision out (:func:`as_read_by`): the counts over all of a
campaign's responses outlive an exclusion, and what a statistics table counts is those less the
same counts over the excluded responses (``surveyapp.scoring.services.counted_rows``). A
result is kept only when the campaign's reading is the same after the query as before it, so a
response stored while the query ran is never folded into an older reading. Labels (area names,
interviewers, languages) and scoring are worked out after the rows, on every view.

Reading the campaign costs one indexed count of its responses; a page reads it once
(:func:`one_reading`), a lone call (the command line, an indicator link) once per query.

Rows are kept at two levels: in the process (the last :data:`MAX_KEPT` used), and in the
database (:class:`~surveyapp.models.KeptAggregate`), so another worker, or the same one after a
restart, starts from them instead of from every answer. The database copy is written in the
transaction of the request that computed it, inside a savepoint: it is committed only with that
request, so it never describes data that was rolled back, and a database that refuses the write
(read-only, busy) costs the page nothing but the copy.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from threading import Lock
from typing import Any

import pandas as pd
from flask import current_app, g
from sqlalchemy import Table, delete, event, func, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement, Executable

from surveyapp.extensions import db
from surveyapp.models import Answer, Campaign, KeptAggregate, Response
from surveyapp.models.base import utcnow

log = logging.getLogger(__name__)

#: How many query results a process keeps (the oldest used go first).
MAX_KEPT = 512
#: Results with more rows than this stay in the process only.
MAX_STORED_ROWS = 20_000
#: The same for a set of response ids (a quality check's flagged responses), kept far more
#: compactly: the gaps between the ids in order.
MAX_STORED_IDS = 2_000_000
#: The database copy of a result is written again once this many responses (or one in a hundred
#: of the campaign's, if more) were added since the copy: another worker adds the rest itself.
STORE_AGAIN_AFTER = 1000
_EXTENSION = "surveyapp_kept_aggregates"
_COPIES = "surveyapp_kept_copies"
_ABOVE = "surveyapp_kept_aggregates_above"
_SCORED = "surveyapp_kept_scored"
_NOT_STORED = "surveyapp_kept_not_stored"
_lock = Lock()
_pinned: ContextVar[dict[int, Reading] | None] = ContextVar("kept_readings", default=None)
#: What a :func:`one_reading` block computed, kept when it ends: (key, query key, reading, rows, store).
_Staged = tuple[Any, str, "Reading", list[tuple[Any, ...]], bool]
_staged: ContextVar[dict[int, list[_Staged]] | None] = ContextVar("kept_staged", default=None)
#: What :func:`kept_by_content` computed in a :func:`one_reading` block, written when it ends.
_scored_staged: ContextVar[dict[int, list[tuple[str, tuple[Any, ...]]]] | None] = ContextVar(
    "kept_scored_staged", default=None
)
#: What :func:`once_per_reading` computed in a :func:`one_reading` block, by campaign and key.
_shared: ContextVar[dict[int, dict[Any, Any]] | None] = ContextVar("kept_shared", default=None)

#: What the responses answering every question with the same option are kept under in a block
#: (see ``surveyapp.quality.services``), with the number of questions.
SAME_ANSWER = "same answer"
#: What each response's form-open seconds are kept under in a block, when every response was
#: read: (response ids, seconds, -1 for none).
FORM_SECONDS = "form seconds"
#: A campaign's response count, highest response id, data revision and exclusion revision.
Reading = tuple[int, int, int, int]
#: What a query looking at exclusions has in its SQL (the column).
EXCLUSION_COLUMN = "excluded_at"
#: The response columns an exclusion or a restore changes: they raise the exclusion revision only.
EXCLUSION_ATTRIBUTES = frozenset({"excluded_at", "excluded_reason", "excluded_by_id", "excluded_by"})
#: The ids of the responses new since a kept result: above the first, up to the second
#: (None: no upper bound).
IdRange = tuple[int, int | None]


def in_id_range(column: Any, since: IdRange | None) -> list[Any]:
    """Conditions putting ``column`` (a response id) in ``since``; none for ``None`` (every id)."""
    if since is None:
        return []
    after, upto = since
    return [column > after] if upto is None else [column > after, column <= upto]


def reading(campaign_id: int) -> Reading:
    """The campaign's response count, highest response id and both revisions, read now."""
    count, highest = db.session.execute(
        select(func.count(), func.max(Response.id)).where(Response.campaign_id == campaign_id)
    ).one()
    revisions = db.session.execute(
        select(Campaign.data_revision, Campaign.exclusion_revision).where(Campaign.id == campaign_id)
    ).first()
    data, exclusions = revisions if revisions is not None else (0, 0)
    return int(count or 0), int(highest or 0), int(data or 0), int(exclusions or 0)


def looks_at_exclusions(statement_sql: str) -> bool:
    """Whether a query's SQL reads which responses are excluded (else exclusions cannot change it)."""
    return EXCLUSION_COLUMN in statement_sql


def as_read_by(at: Reading, statement_sql: str) -> Reading:
    """The part of a reading a query depends on: a query that never reads exclusions is not
    changed by one, so its reading leaves the exclusion revision out (0)."""
    return at if looks_at_exclusions(statement_sql) else (*at[:3], 0)


@contextmanager
def one_reading(campaign: Campaign) -> Iterator[None]:
    """Read the campaign once for every aggregate asked for inside the block (a page, an export).

    What the block computes is kept when it ends, if the campaign's reading is still the one it
    began with (read once more then, instead of after every query).
    """
    pinned = dict(_pinned.get() or {})
    if campaign.id in pinned:  # already inside a block reading this campaign
        yield
        return
    at = reading(campaign.id)
    pinned[campaign.id] = at
    token = _pinned.set(pinned)
    staged: list[_Staged] = []
    staged_token = _staged.set({**(_staged.get() or {}), campaign.id: staged})
    shared_token = _shared.set({**(_shared.get() or {}), campaign.id: {}})
    scored: list[tuple[str, tuple[Any, ...]]] = []
    scored_token = _scored_staged.set({**(_scored_staged.get() or {}), campaign.id: scored})
    finished = False
    try:
        yield
        finished = True
    finally:
        _pinned.reset(token)
        _staged.reset(staged_token)
        _shared.reset(shared_token)
        _scored_staged.reset(scored_token)
    if not finished:
        return
    unchanged = not staged or reading(campaign.id) == at
    # Written together at the end, so that on SQLite the block holds the write lock only for
    # the copies, not while it computes.
    for query_key, row in scored:  # pure results of their content: valid whatever changed
        _store_rows(campaign.id, query_key, (0, 0, 0, 0), [row])
    if staged and unchanged:
        for item in staged:
            _keep(*item)


def once_per_reading(campaign: Campaign, key: Any, compute: Callable[[], Any]) -> Any | None:
    """What ``compute`` gives, computed once in the campaign's :func:`one_reading` block.

    For one pass over the answers that several aggregates are taken from (see
    ``fresh`` in :func:`aggregate_rows`); forgotten when the block ends. Outside a block: None,
    and nothing is computed.
    """
    shared = (_shared.get() or {}).get(campaign.id)
    if shared is None:
        return None
    if key not in shared:
        shared[key] = compute()
    return shared[key]


def computed_per_reading(campaign: Campaign, key: Any) -> Any | None:
    """What :func:`once_per_reading` already computed under ``key`` in this block, else None."""
    return ((_shared.get() or {}).get(campaign.id) or {}).get(key)


def pinned_reading(campaign: Campaign) -> Reading | None:
    """The reading of the campaign's :func:`one_reading` block, or None outside one."""
    return (_pinned.get() or {}).get(campaign.id)


def _store() -> OrderedDict[Any, tuple[Reading, list[tuple[Any, ...]]]]:
    return current_app.extensions.setdefault(_EXTENSION, OrderedDict())


def _copy_key(statement_key: tuple[str, tuple[tuple[str, str], ...]]) -> str:
    """What the database copy of a statement's rows is kept under."""
    return hashlib.sha256(repr(statement_key).encode()).hexdigest()


def _statement_key(statement: Executable) -> tuple[str, tuple[tuple[str, str], ...]]:
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=db.session.get_bind().dialect)
    return compiled.string, tuple(sorted((name, repr(value)) for name, value in compiled.params.items()))


def only_new_since(campaign_id: int, old: Reading, new: Reading) -> int | None:
    """The highest response id of ``old`` if all that changed since are new responses above it.

    Nothing else may have changed (the same revision), and every response added since must have
    a higher id than ``old``'s highest: on PostgreSQL a transaction holding a lower id can commit
    after one holding a higher id, which the count of responses above that id tells.
    """
    count, highest = old[0], old[1]
    if new[2:] != old[2:] or new[1] < highest or new[0] < count:
        return None
    memo: dict[tuple[int, Reading, Reading], bool] = current_app.extensions.setdefault(_ABOVE, {})
    if (campaign_id, old, new) not in memo:
        above = db.session.scalar(
            select(func.count()).where(Response.campaign_id == campaign_id, Response.id > highest)
        )
        if len(memo) > MAX_KEPT:
            memo.clear()
        memo[(campaign_id, old, new)] = int(above or 0) == new[0] - count
    return highest if memo[(campaign_id, old, new)] else None


def _merged(
    kept_rows: list[tuple[Any, ...]], new_rows: list[tuple[Any, ...]], summed: int
) -> list[tuple[Any, ...]]:
    """Rows of two disjoint sets of responses as one: the last ``summed`` columns added by key;
    with ``summed`` 0, the union of the rows."""
    if not summed:
        union = set(kept_rows) | set(new_rows)
        try:
            return sorted(union)
        except TypeError:  # values that do not compare (None beside numbers): any fixed order
            return sorted(union, key=repr)
    totals: dict[tuple[Any, ...], list[Any]] = {}
    for row in (*kept_rows, *new_rows):
        key, values = row[: len(row) - summed], row[len(row) - summed :]
        if key in totals:
            totals[key] = [_add(a, b) for a, b in zip(totals[key], values, strict=True)]
        else:
            totals[key] = list(values)
    return [(*key, *values) for key, values in totals.items()]


def subtracted(
    rows: Sequence[tuple[Any, ...]], taken: Sequence[tuple[Any, ...]], summed: int = 1
) -> list[tuple[Any, ...]]:
    """``rows`` less ``taken`` (the same aggregate over some of the same responses): the last
    ``summed`` columns taken away by the other columns; rows left with nothing counted go, as a
    fresh ``GROUP BY`` never gives them."""
    totals: dict[tuple[Any, ...], list[Any]] = {}
    for row in rows:
        totals[row[: len(row) - summed]] = list(row[len(row) - summed :])
    for row in taken:
        key = row[: len(row) - summed]
        totals[key] = [a - b for a, b in zip(totals[key], row[len(row) - summed :], strict=True)]
    return [(*key, *values) for key, values in totals.items() if any(values)]


def _add(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else a + b


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return datetime.fromisoformat(value["t"]) if "t" in value else date.fromisoformat(value["d"])
    return value


def _is_id_set(rows: Sequence[tuple[Any, ...]]) -> bool:
    """Whether ``rows`` are one whole number each (ids: what a set of flagged responses is)."""
    return bool(rows) and all(len(row) == 1 and type(row[0]) is int for row in rows)


def _encoded_rows(rows: Sequence[tuple[Any, ...]], ids: bool) -> Any:
    """The rows as JSON: a list of rows, or for ids the first and each one's step from the last
    (a few digits each when they come in order), which gives them back in the same order."""
    if not ids:
        return [[_encode(v) for v in row] for row in rows]
    values = [row[0] for row in rows]
    return {"id_gaps": [values[0], *(b - a for a, b in itertools.pairwise(values))]}


def _decoded_rows(data: Any) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        total, rows = 0, []
        for gap in data["id_gaps"]:
            total += int(gap)
            rows.append((total,))
        return rows
    return [tuple(_decode(v) for v in row) for row in data]


def _stored(campaign_id: int, query_key: str) -> tuple[Reading, list[tuple[Any, ...]]] | None:
    """The rows the database keeps for this query, with the reading they were computed at."""
    found = db.session.execute(
        select(
            KeptAggregate.response_count,
            KeptAggregate.highest_response,
            KeptAggregate.data_revision,
            KeptAggregate.exclusion_revision,
            KeptAggregate.rows,
        ).where(KeptAggregate.campaign_id == campaign_id, KeptAggregate.query_key == query_key)
    ).first()
    if found is None:
        return None
    try:
        rows = _decoded_rows(json.loads(found[4]))
    except (ValueError, KeyError, TypeError):
        return None  # not readable: computed again, and written over
    return (int(found[0]), int(found[1]), int(found[2]), int(found[3])), rows


def _store_rows(campaign_id: int, query_key: str, at: Reading, rows: list[tuple[Any, ...]]) -> bool:
    """Write the rows for other workers and later processes, within the current transaction;
    whether they were written."""
    ids = _is_id_set(rows)
    if len(rows) > (MAX_STORED_IDS if ids else MAX_STORED_ROWS) or g.get(_NOT_STORED):
        return False  # too many, or the database refused a copy earlier in this request
    try:
        text = json.dumps(_encoded_rows(rows, ids), separators=(",", ":"))
    except TypeError:
        return False  # a value JSON cannot hold: kept in this process only
    where = (KeptAggregate.campaign_id == campaign_id, KeptAggregate.query_key == query_key)
    values = {
        "campaign_id": campaign_id,
        "query_key": query_key,
        "response_count": at[0],
        "highest_response": at[1],
        "data_revision": at[2],
        "exclusion_revision": at[3],
        "rows": text,
        "computed_at": utcnow(),
    }
    connection = db.session.connection()
    no_wait = connection.dialect.name == "sqlite"
    waits = 0
    try:
        if no_wait:  # a copy is not worth waiting for another writer (an import, say)
            waits = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
        with db.session.begin_nested():
            db.session.execute(delete(KeptAggregate).where(*where))
            db.session.execute(insert(KeptAggregate).values(**values))
        return True
    except SQLAlchemyError as error:  # read-only, busy, or another worker wrote it first
        log.info("aggregate of campaign %s not stored: %s", campaign_id, type(error).__name__)
        if not isinstance(error, IntegrityError):
            g.setdefault(_NOT_STORED, True)
        return False
    finally:
        if no_wait:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {waits:d}")


def _from_kept(
    campaign_id: int,
    candidates: Sequence[tuple[Reading, list[tuple[Any, ...]]]],
    before: Reading,
    newer: Callable[[IdRange], Executable] | None,
    summed: int,
) -> list[tuple[Any, ...]] | None:
    """The rows for ``before`` from what is kept: as they are, or with only the new responses added."""
    for at, rows in candidates:
        if at == before:
            return rows
    if newer is None:
        return None
    for at, rows in sorted(candidates, key=lambda c: c[0][0], reverse=True):
        since = only_new_since(campaign_id, at, before)
        if since is not None:
            added = [tuple(row) for row in db.session.execute(newer((since, before[1]))).all()]
            return _merged(rows, added, summed)
    return None


def aggregate_rows(
    campaign: Campaign,
    statement: Executable,
    *,
    newer: Callable[[IdRange], Executable] | None = None,
    summed: int = 1,
    stored: bool = True,
    fresh: Callable[[], list[tuple[Any, ...]] | None] | None = None,
) -> Sequence[tuple[Any, ...]]:
    """The rows of ``statement`` (an aggregate over the campaign's responses and answers), kept.

    ``newer((after, upto))`` is the same aggregate over the responses with an id above ``after``
    and up to ``upto`` (the highest id of the reading) only,
    for an aggregate that adds up over responses: when all that changed since the rows were kept
    is new responses, only those are counted and added to the kept rows (their last ``summed``
    columns added by the other columns; ``summed=0`` takes the union of the rows). Only integer
    counts and sets are added up this way, so the result is exactly what a fresh query gives.
    ``stored=False`` keeps the rows in this process only (rows that hold personal data).
    ``fresh()``, when nothing kept can be used, gives the statement's very rows another way (taken
    from one pass that serves several aggregates), or None to run the statement.
    """
    db.session.flush()  # a change not yet flushed raises the revision now, before it is read
    statement_key = _statement_key(statement)
    carry = _carry.get()
    if carry is not None and carry.campaign_id == campaign.id:
        return _carried(carry, (campaign.id, statement_key), newer, summed, stored)
    pinned = (_pinned.get() or {}).get(campaign.id)
    before = as_read_by(pinned if pinned is not None else reading(campaign.id), statement_key[0])
    key = (campaign.id, statement_key)
    store = _store()
    found = store.get(key)
    if found is not None and found[0] == before:
        with _lock:
            store.move_to_end(key)
        return found[1]
    query_key = _copy_key(statement_key)
    staged = (_staged.get() or {}).get(campaign.id)
    for staged_key, _query_key, at, staged_rows, _persist in staged or ():
        if staged_key == key and at == before:
            return staged_rows  # computed earlier in the same block
    rows = _from_kept(campaign.id, [found], before, newer, summed) if found is not None else None
    if rows is None and stored:  # the process has nothing to start from: the database copy
        in_database = _stored(campaign.id, query_key)
        if in_database is not None:
            _put(_copies(), key, in_database[0])
            rows = _from_kept(campaign.id, [in_database], before, newer, summed)
    if rows is None and fresh is not None:
        rows = fresh()
    if rows is None:
        rows = [tuple(row) for row in db.session.execute(statement).all()]
    persist = stored and _copy_due(_copies().get(key), before)
    if pinned is not None and staged is not None:
        staged.append((key, query_key, before, rows, persist))  # kept when the block ends
    elif as_read_by(reading(campaign.id), statement_key[0]) == before:
        _keep(key, query_key, before, rows, persist)
    return rows


def _put(store: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    """Keep ``value`` as the newest entry of a process store of at most :data:`MAX_KEPT`."""
    with _lock:
        store[key] = value
        store.move_to_end(key)
        while len(store) > MAX_KEPT:
            store.popitem(last=False)


def _keep(key: Any, query_key: str, at: Reading, rows: list[tuple[Any, ...]], persist: bool) -> None:
    _put(_store(), key, (at, rows))
    if persist and _store_rows(key[0], query_key, at, rows):
        _put(_copies(), key, at)


def _copies() -> OrderedDict[Any, Reading]:
    """The reading of each result's database copy, as this process last wrote or read it."""
    return current_app.extensions.setdefault(_COPIES, OrderedDict())


def _copy_due(copy: Reading | None, now: Reading) -> bool:
    """Whether the database copy of a result is worth writing again at ``now``.

    Always when there is none, or it was computed before a change other than new responses
    (another worker could not start from it). Else only once enough responses were added since:
    another worker adds the few newer ones itself, a range of ids, and a page with a response
    arriving every second does not write every result again on every view.
    """
    if copy is None or copy[2:] != now[2:] or now[0] < copy[0]:
        return True
    return now[0] - copy[0] >= max(STORE_AGAIN_AFTER, copy[0] // 100)


def aggregate_scalar(
    campaign: Campaign, statement: Executable, newer: Callable[[IdRange], Executable] | None = None
) -> Any:
    """The single value of ``statement``, kept as :func:`aggregate_rows` keeps rows."""
    rows = aggregate_rows(campaign, statement, newer=newer)
    return rows[0][0] if rows else None


@dataclass
class _Carry:
    """A change to some of a campaign's responses, carried over to what is kept (see
    :func:`carried_over`): each aggregate's rows at the reading before it, and those responses'
    part of them before the change."""

    campaign_id: int
    ids: tuple[int, ...]
    before: Reading
    after: Reading | None = None
    parts: dict[Any, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]] = field(default_factory=dict)
    done: list[_Staged] = field(default_factory=list)


_carry: ContextVar[_Carry | None] = ContextVar("kept_carry", default=None)
#: What a carried change computed, kept once its transaction commits (``Session.info``).
_CARRIED = "surveyapp_kept_carried"


@contextmanager
def carried_over(
    campaign: Campaign, response_ids: Sequence[int], compute: Callable[[Campaign], Any]
) -> Iterator[None]:
    """Carry what is kept over a change made inside the block to the given responses only.

    A correction changes a response's answers or columns, which raises the data revision: every
    aggregate kept would be computed again from every answer. Every aggregate that adds up over
    responses is instead taken as it was kept, less those responses' part before the change, plus
    their part after it: ``compute(campaign)`` (what the page computes) runs once before the
    change and once after, reading only those responses. An aggregate whose rows cannot be told
    apart that way (a group left with nothing counted, values that do not subtract) is left out
    and computed afresh when next asked. What is carried is kept under the new reading, in the
    database within the transaction and in the process once it commits. Another change to the
    campaign's data or exclusions cannot come in between: on PostgreSQL the campaign's row is
    locked first; a SQLite transaction that read before another wrote cannot write at all.
    """
    db.session.flush()
    db.session.execute(select(Campaign.id).where(Campaign.id == campaign.id).with_for_update(key_share=True))
    carry = _Carry(campaign.id, tuple(sorted(set(response_ids))), reading(campaign.id))
    ready = _with_carry(carry, compute, campaign)
    yield
    if not ready:
        return
    db.session.flush()
    after = reading(campaign.id)
    if after[2] == carry.before[2] or after[3] != carry.before[3]:
        return  # nothing changed the data, or an exclusion came too: nothing to carry
    carry.after = (*carry.before[:2], *after[2:])  # the responses of before, with the change
    if not _with_carry(carry, compute, campaign):
        return
    for key, query_key, at, rows, stored in carry.done:
        if stored and _store_rows(key[0], query_key, at, rows):
            _put(_copies(), key, at)
    db.session.info.setdefault(_CARRIED, []).extend(carry.done)


def _with_carry(carry: _Carry, compute: Callable[[Campaign], Any], campaign: Campaign) -> bool:
    """Run ``compute`` carrying the change, in a savepoint; whether it ran through."""
    token = _carry.set(carry)
    try:
        with db.session.begin_nested():
            compute(campaign)
        return True
    except Exception:  # the carry only spares work: the change goes ahead without it
        log.exception("aggregates of campaign %s not carried over a change", campaign.id)
        carry.done.clear()
        return False
    finally:
        _carry.reset(token)


def _carried(
    carry: _Carry,
    key: Any,
    newer: Callable[[IdRange], Executable] | None,
    summed: int,
    stored: bool,
) -> list[tuple[Any, ...]]:
    """An aggregate's rows while a change is carried over (see :func:`carried_over`)."""
    if newer is None:
        return []  # not made of parts per response: computed afresh when next asked
    sql = key[1][0]
    query_key = _copy_key(key[1])
    if carry.after is None:  # before the change: the rows kept, and the responses' part of them
        start = _kept_at(key, query_key, as_read_by(carry.before, sql), stored)
        if start is not None:
            carry.parts[key] = (start, _part(newer, carry.ids, summed))
        return start or []
    if key not in carry.parts:
        return []
    start, old = carry.parts[key]
    rows = _replaced(start, old, _part(newer, carry.ids, summed), summed)
    if rows is None:
        return []
    carry.done.append((key, query_key, as_read_by(carry.after, sql), rows, stored))
    return rows


def _kept_at(key: Any, query_key: str, at: Reading, stored: bool) -> list[tuple[Any, ...]] | None:
    """The rows kept for ``key`` at exactly ``at``, in the process or in the database."""
    found = _store().get(key)
    if found is not None and found[0] == at:
        return found[1]
    if stored:
        in_database = _stored(key[0], query_key)
        if in_database is not None and in_database[0] == at:
            return in_database[1]
    return None


def _part(newer: Callable[[IdRange], Executable], ids: Sequence[int], summed: int) -> list[tuple[Any, ...]]:
    """The aggregate over the given responses only."""
    rows: list[tuple[Any, ...]] = []
    for response_id in ids:
        rows = _merged(
            rows, [tuple(r) for r in db.session.execute(newer((response_id - 1, response_id)))], summed
        )
    return rows


def _replaced(
    start: list[tuple[Any, ...]], old: list[tuple[Any, ...]], new: list[tuple[Any, ...]], summed: int
) -> list[tuple[Any, ...]] | None:
    """``start`` with ``old`` taken out and ``new`` put in; None when that cannot be exact."""
    if not summed:
        taken = set(old)
        return _merged([row for row in start if row not in taken], new, 0)
    try:
        rows = _merged(subtracted(start, old, summed), new, summed)
    except (KeyError, TypeError):
        return None  # a part that was not kept, or values that do not subtract (None)
    if {row[:-summed] for row in start} - {row[:-summed] for row in rows}:
        return None  # a group with nothing left: whether a fresh count lists it is not known here
    return rows


@event.listens_for(Session, "after_commit")
def _keep_carried(session: Session) -> None:
    """Keep in the process what carried changes computed, now that they are committed."""
    for key, _query_key, at, rows, _stored_copy in session.info.pop(_CARRIED, ()):
        _put(_store(), key, (at, rows))


@event.listens_for(Session, "after_rollback")
def _drop_carried(session: Session) -> None:
    """Any rollback, a savepoint's included, drops them: what they describe may be undone."""
    session.info.pop(_CARRIED, None)


@event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction: Any) -> None:
    """A transaction closed without a commit (the session closed) drops them too."""
    if transaction.parent is None:
        session.info.pop(_CARRIED, None)


def forget_kept(in_database: bool = True) -> None:
    """Drop every kept aggregate in this process and, unless told not to, in the database
    (within the transaction); ``in_database=False`` leaves a process as a new worker starts.

    Nothing kept can be stale, so this is never needed for correctness: benchmarks and tests use
    it to measure or check a computation from scratch.
    """
    for name in (_EXTENSION, _ABOVE, _SCORED, _COPIES):
        current_app.extensions.pop(name, None)
    if in_database:
        db.session.execute(delete(KeptAggregate))


def content_key(frame: pd.DataFrame) -> tuple[Any, ...]:
    """A small frame's exact content (columns and every row), usable as a dictionary key."""
    return (tuple(frame.columns), tuple(frame.itertuples(index=False, name=None)))


def kept_by_content(
    campaign_id: int, identity: tuple[Any, ...], content: tuple[Any, ...], compute: Callable[[], list[Any]]
) -> list[Any]:
    """What ``compute`` (a pure function of ``content``) gives, kept in the process and the database.

    The database keeps one row per ``identity`` (a breakdown's group, say) holding a digest of the
    content it was computed from, so its rows stay as many as the groups, however often they
    change; a row whose digest differs from ``content``'s is computed again and written over.
    The value is a short list of numbers and text (JSON).
    """
    store: OrderedDict[Any, Any] = current_app.extensions.setdefault(_SCORED, OrderedDict())
    key = (campaign_id, identity, content)
    if key in store:
        return list(store[key])
    digest = hashlib.sha256(repr(content).encode()).hexdigest()
    query_key = hashlib.sha256(repr(("content", identity)).encode()).hexdigest()
    found = _stored(campaign_id, query_key)
    if found is not None and found[1] and found[1][0][0] == digest:
        value = list(found[1][0][1:])
    else:
        value = compute()
        block = (_scored_staged.get() or {}).get(campaign_id)
        if block is not None:  # written when the block ends
            block.append((query_key, (digest, *value)))
        else:
            _store_rows(campaign_id, query_key, (0, 0, 0, 0), [(digest, *value)])
    _put(store, key, tuple(value))
    return list(value)


def pure_result(key: tuple[Any, ...], compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """What ``compute`` gives for inputs whose whole content is ``key``, kept per process.

    For pure functions of small frames only (scoring a breakdown): the same content gives the
    same result, so nothing kept this way can be stale. A copy is returned each time.
    """
    store: OrderedDict[Any, pd.DataFrame] = current_app.extensions.setdefault(_SCORED, OrderedDict())
    found = store.get(key)
    if found is None:
        found = compute()
        _put(store, key, found)
    return found.copy()


def _changed_attributes(obj: Any) -> set[str]:
    """The column attributes of ``obj`` whose values changed in this session."""
    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


@event.listens_for(Session, "before_flush")
def _count_changes(session: Session, _context: Any, _instances: Any) -> None:
    """Raise the revisions of every campaign whose stored responses or answers change.

    A new response needs nothing (it changes the count and the highest id). A response whose only
    change is being excluded or restored raises the exclusion revision; any other change to a
    response or an answer, or a deletion, raises the data revision; both in the same transaction
    as the change.
    """
    changed: dict[str, set[int]] = {"data_revision": set(), "exclusion_revision": set()}
    for obj in (*session.dirty, *session.deleted):
        if not isinstance(obj, Response | Answer) or obj.campaign_id is None:
            continue
        if obj in session.deleted:
            changed["data_revision"].add(obj.campaign_id)
        elif session.is_modified(obj, include_collections=False):
            exclusion_only = isinstance(obj, Response) and _changed_attributes(obj) <= EXCLUSION_ATTRIBUTES
            changed["exclusion_revision" if exclusion_only else "data_revision"].add(obj.campaign_id)
    table: Table = Campaign.__table__  # type: ignore[assignment]
    for column, campaigns in changed.items():
        if campaigns:
            session.connection().execute(  # Core: no autoflush inside the flush
                update(table).where(table.c.id.in_(sorted(campaigns))).values({column: table.c[column] + 1})
            )
