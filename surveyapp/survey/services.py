"""Storing responses exactly once. Services flush; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    Integer,
    Select,
    Table,
    bindparam,
    cast,
    exists,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from surveyapp.extensions import db
from surveyapp.models import CHANNELS, MODES, Answer, AnswerChoice, Campaign, Response, utcnow
from surveyapp.models.base import as_stored
from surveyapp.questionnaires.question_types import QUESTION_TYPES, AnswerError
from surveyapp.questionnaires.relevance import asked_names
from surveyapp.scoring.upkeep import note_stored
from surveyapp.survey.versions import version_by_id


class SubmissionError(ValueError):
    """A response cannot be stored as given."""


class CampaignClosedError(SubmissionError):
    """The campaign does not accept responses now."""


class SenderLimitError(SubmissionError):
    """This phone, or this address today, has sent as many responses as the campaign allows."""


@dataclass(frozen=True, slots=True)
class SenderLimits:
    """The public form's brakes on one sender (None: no limit): the insert checks them itself."""

    #: most responses one phone (its ``device_id``) may send to the campaign
    device: int | None = None
    #: most responses one address (its ``address_hash``) may send since ``since``
    address: int | None = None
    since: datetime | None = None

    def parameters(self) -> dict[str, Any]:
        """The insert's parameters for these limits."""
        return {"device_limit": self.device, "address_limit": self.address, "since": self.since}


NO_LIMITS = SenderLimits()


@dataclass(frozen=True)
class Submission:
    """A response as it arrives from a form, a field device or an import."""

    submission_id: str
    #: the answer per question number: a code, a list of codes, text, a number or a date (or
    #: their text, as imports give it)
    answers: dict[int, Any]
    channel: str = "qr"
    mode: str | None = None
    area_id: int | None = None
    submitted_at: datetime | None = None
    entered_by_id: int | None = None
    #: public form only: seconds the form was open, keyed hash of the address, the phone's id
    form_seconds: int | None = None
    address_hash: str | None = None
    device_id: str | None = None
    #: the text given with an "other" option, per question number
    other_texts: dict[int, str] = field(default_factory=dict)
    #: public form only: stored only while the phone and the address are under these
    limits: SenderLimits = NO_LIMITS


def find_response(campaign: Campaign, submission_id: str) -> Response | None:
    """The response stored under this submission id, if any."""
    return db.session.scalars(
        select(Response).where(Response.campaign_id == campaign.id, Response.submission_id == submission_id)
    ).first()


_RESPONSE: Table = Response.__table__  # type: ignore[assignment]
#: Built once, on the table (a Core statement: no ORM work per execution); every public POST asks it.
_STORED = (
    select(_RESPONSE.c.id)
    .where(
        _RESPONSE.c.campaign_id == bindparam("campaign_id"),
        _RESPONSE.c.submission_id == bindparam("submission_id"),
    )
    .limit(1)
)


def is_stored(campaign: Campaign, submission_id: str) -> bool:
    """Whether a response is stored under this submission id (one indexed look-up, no object)."""
    found = db.session.scalar(_STORED, {"campaign_id": campaign.id, "submission_id": submission_id})
    return found is not None


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One answer ready to store, as plain values (one column per kind of value, see Answer)."""

    campaign_id: int
    question_id: int
    option_id: int | None = None
    value_text: str | None = None
    value_number: Any = None
    value_date: Any = None
    #: the options chosen in a select_multiple answer
    choice_ids: tuple[int, ...] = ()

    def columns(self) -> dict[str, Any]:
        """The answer's columns for an insert (its response id aside): ``ANSWER_COLUMNS``."""
        return {
            "campaign_id": self.campaign_id,
            "question_id": self.question_id,
            "option_id": self.option_id,
            "value_text": self.value_text,
            "value_number": self.value_number,
            "value_date": self.value_date,
        }

    def to_answer(self) -> Answer:
        """The answer as a model object, with its choices."""
        return Answer(**self.columns(), choices=[AnswerChoice(option_id=i) for i in self.choice_ids])


@dataclass(frozen=True, slots=True)
class _Lookups:
    """What storing answers reads of a version, worked out once (a stored version never changes)."""

    #: questions by number
    questions: dict[int, Any]
    #: options by (list name, code)
    options: dict[tuple[str, str], Any]
    #: the codes each question accepts, by question number ("other" last where it has one)
    codes: dict[int, tuple[str, ...]]


#: per version object (the kept, detached copy of each version is reused for as long as it is kept)
_LOOKUPS: WeakKeyDictionary[Any, _Lookups] = WeakKeyDictionary()


def _lookups(version: Any) -> _Lookups:
    """A version's questions by number, options by (list, code) and accepted codes by question."""
    kept = _LOOKUPS.get(version)
    if kept is None:
        options = {(o.list_name, o.code): o for o in version.options}
        codes_of: dict[str, list[str]] = {}
        for list_name, code in options:
            codes_of.setdefault(list_name, []).append(code)
        questions = version.by_number()
        codes = {
            number: (*codes_of.get(q.list_name or version.scale_list, ()), *(["other"] if q.or_other else []))
            for number, q in questions.items()
        }
        kept = _LOOKUPS[version] = _Lookups(questions, options, codes)
    return kept


def _answers(campaign: Campaign, submission: Submission) -> list[AnswerRow]:
    """The answers to store: read by their type, only for the questions that are asked."""
    version = version_by_id(campaign.questionnaire_version_id)  # read once per process, detached
    lookups = _lookups(version)
    questions, options = lookups.questions, lookups.options
    unknown_questions = sorted(set(submission.answers) - set(questions))
    if unknown_questions:
        raise SubmissionError(f"no question numbered {unknown_questions[0]}")
    values: dict[str, Any] = {}
    for number, raw in submission.answers.items():
        question = questions[number]
        if raw in (None, "", []):
            continue
        try:
            values[question.name] = QUESTION_TYPES[question.type].read(question, raw, lookups.codes[number])  # type: ignore[misc]
        except AnswerError as error:
            if QUESTION_TYPES[question.type].has_choices and isinstance(raw, str):
                raise SubmissionError(f"question {number}: '{raw}' is not an option") from error
            raise SubmissionError(f"question {number}: {error}") from error
    asked = asked_names(version, values)
    missing = [n for n, q in questions.items() if q.required and q.name in asked and q.name not in values]
    if missing:
        raise SubmissionError(f"question {missing[0]} is not answered")
    answers = []
    for number, question in sorted(questions.items()):
        if question.name not in asked or question.name not in values:
            continue  # not relevant: neither stored nor scored
        answers.append(
            _answer(
                campaign,
                version,
                question,
                values[question.name],
                options,
                submission.other_texts.get(number),
            )
        )
    return answers


def check_answers(campaign: Campaign, submission: Submission) -> list[Answer]:
    """The answers of ``submission`` as rows to store; ``SubmissionError`` if one does not fit."""
    return [row.to_answer() for row in _answers(campaign, submission)]


def _answer(
    campaign: Campaign, version: Any, question: Any, value: Any, options: dict, other: str | None
) -> AnswerRow:
    list_name = question.list_name or version.scale_list
    storage = QUESTION_TYPES[question.type].storage
    values: dict[str, Any] = {}
    chose_other = value == "other" or (isinstance(value, list) and "other" in value)
    if storage == "option":
        if value == "other" and (list_name, "other") not in options:
            values["value_text"] = other or ""
        else:
            values["option_id"] = options[(list_name, value)].id
    elif storage == "choices":
        values["choice_ids"] = tuple(options[(list_name, c)].id for c in value if c != "other")
        if "other" in value:
            values["value_text"] = other or ""
    elif storage == "text":
        values["value_text"] = value
    elif storage == "number":
        values["value_number"] = value
    elif storage == "date":
        values["value_date"] = value
    if other and chose_other and storage in ("option", "choices"):
        values["value_text"] = other  # the text given with "other", also when the list has its own
    return AnswerRow(campaign.id, question.id, **values)


def _check(campaign: Campaign, submission: Submission) -> None:
    if submission.channel not in CHANNELS:
        raise SubmissionError(f"unknown channel '{submission.channel}'")
    if submission.mode is not None and submission.mode not in MODES:
        raise SubmissionError(f"unknown mode '{submission.mode}'")
    if not campaign.is_accepting():
        raise CampaignClosedError("the campaign is closed")


def response_row(campaign: Campaign, submission: Submission, now: datetime) -> dict[str, Any]:
    """The response's columns for an insert, received ``now``."""
    return {
        "campaign_id": campaign.id,
        "questionnaire_version_id": campaign.questionnaire_version_id,
        "submission_id": submission.submission_id,
        "channel": submission.channel,
        "mode": submission.mode,
        "area_id": submission.area_id,
        "submitted_at": submission.submitted_at or now,
        "received_at": now,
        "entered_by_id": submission.entered_by_id,
        "form_seconds": submission.form_seconds,
        "address_hash": submission.address_hash,
        "device_id": submission.device_id,
    }


def submit_response(
    campaign: Campaign, submission: Submission, *, look_up: bool = True
) -> tuple[Response, bool]:
    """Store a response once; return it and whether it is new.

    A repeat of a submission id (a double tap, a reloaded POST, a resent offline queue) returns the
    response already stored. The unique constraint decides, so this holds across workers and servers.
    ``look_up``: first look for a response stored under this id, so that a repeat is returned
    before any check (even once the campaign is closed). Without it the insert finds a repeat all
    the same, one statement fewer for the usual new response; a repeat to a closed campaign then
    raises ``CampaignClosedError`` like a new one (the public form tells the two apart itself).

    The response is one ``INSERT ... ON CONFLICT DO NOTHING`` and its answers one more statement,
    so a write transaction holds SQLite's lock only for those two and the commit. On PostgreSQL
    the two are one statement (one round trip): the answers' insert reads the response's id from
    the response's insert, and inserts nothing when the response was not inserted.
    """
    if look_up:
        existing = find_response(campaign, submission.submission_id)
        if existing is not None:
            return existing, False
    _check(campaign, submission)
    answers = _answers(campaign, submission)
    stored_now = _insert_once(response_row(campaign, submission, utcnow()), submission.limits, answers)
    if stored_now is None:
        # Stored already (a repeat, or another request between our look-up and our insert), or
        # refused by the insert's own checks: the campaign closed meanwhile, or a sender's limit.
        stored = find_response(campaign, submission.submission_id)
        if stored is not None:
            return stored, False
        if submission.limits != NO_LIMITS and db.session.connection().scalar(_OPEN, {"id": campaign.id}):
            raise SenderLimitError("this sender has reached a limit")
        raise CampaignClosedError("the campaign is closed")
    response, still_to_insert = stored_now
    _insert_answers(response, still_to_insert)
    note_stored(campaign.id)
    return response, True


ANSWER_COLUMNS = ("campaign_id", "question_id", "option_id", "value_text", "value_number", "value_date")
#: An answer's own columns, given per answer to the statement that inserts a response with them.
GIVEN_COLUMNS = ANSWER_COLUMNS[1:]


def _insert_once(
    row: dict[str, Any], limits: SenderLimits = NO_LIMITS, answers: Sequence[AnswerRow] = ()
) -> tuple[Response, list[AnswerRow]] | None:
    """Insert the response unless its submission id is stored already; None when it was.

    The insert also checks that the campaign is still open: a campaign closed by another request
    (or in another process, which may have read it a moment before) stores nothing; see
    :func:`submit_response`. So are the sender's ``limits``: one statement counts and inserts.
    On PostgreSQL the same statement inserts the ``answers`` without choices. Returns the response
    and the answers still to insert.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        response = _insert_in_savepoint(row)
        return None if response is None else (response, list(answers))
    connection = db.session.connection()  # Core on the session's connection: no ORM work
    parameters = {**row, **limits.parameters()}
    plain = [a for a in answers if not a.choice_ids] if dialect == "postgresql" else []
    if plain:
        parameters.update(_given(plain))
        statement = _guarded_insert_with_answers(tuple(row))
        new_id = connection.execute(statement, parameters).scalars().first()
    else:
        new_id = connection.execute(_guarded_insert(dialect, tuple(row)), parameters).scalar()
    if new_id is None:
        return None
    response = as_stored(Response, {"id": new_id, **row})  # as stored; its other columns load when read
    db.session.add(response)
    return response, ([a for a in answers if a.choice_ids] if plain else list(answers))


_CAMPAIGN: Table = Campaign.__table__  # type: ignore[assignment]
#: Whether the campaign is open, as the insert checks it (asked only when the insert refused).
_OPEN = select(exists().where(_CAMPAIGN.c.id == bindparam("id"), _CAMPAIGN.c.status == "open"))


def sent_from_device(campaign_id: Any, device: Any) -> Select[Any]:
    """How many responses the campaign has from this phone: the phone's limit counts these."""
    return _sent(campaign_id).where(_RESPONSE.c.device_id == device)


def sent_from_address(campaign_id: Any, address: Any, since: Any) -> Select[Any]:
    """How many responses the campaign has from this address since ``since``."""
    return _sent(campaign_id).where(_RESPONSE.c.address_hash == address, _RESPONSE.c.received_at >= since)


def _sent(campaign_id: Any) -> Select[Any]:
    return select(func.count()).select_from(_RESPONSE).where(_RESPONSE.c.campaign_id == campaign_id)


def _under(limit: str, counted: Any) -> Any:
    """``counted`` is under the bound ``limit``, or there is no such limit."""
    bound = cast(bindparam(limit, type_=Integer), Integer)
    return or_(bound.is_(None), counted < bound)


@cache
def _guarded_insert(dialect: str, columns: tuple[str, ...]) -> Any:
    """``INSERT ... SELECT`` the row's values if its campaign is open and its sender is under the
    limits (see :class:`SenderLimits`), ``ON CONFLICT DO NOTHING``.

    Built once per dialect (and the columns :func:`response_row` gives), with a bound parameter
    per column: a submission builds no statement.
    """
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    binds = {name: bindparam(name, type_=_RESPONSE.c[name].type) for name in columns}
    since = bindparam("since", type_=_RESPONSE.c.received_at.type)
    from_device = sent_from_device(binds["campaign_id"], binds["device_id"]).scalar_subquery()
    from_address = sent_from_address(binds["campaign_id"], binds["address_hash"], since).scalar_subquery()
    values = select(*binds.values()).where(
        exists().where(_CAMPAIGN.c.id == binds["campaign_id"], _CAMPAIGN.c.status == "open"),
        or_(binds["device_id"].is_(None), _under("device_limit", from_device)),
        or_(binds["address_hash"].is_(None), _under("address_limit", from_address)),
    )
    return (
        make(_RESPONSE)
        .from_select(list(columns), values)
        .on_conflict_do_nothing(index_elements=["campaign_id", "submission_id"])
        .returning(_RESPONSE.c.id)
    )


_ANSWER: Table = Answer.__table__  # type: ignore[assignment]


@cache
def _guarded_insert_with_answers(columns: tuple[str, ...]) -> Any:
    """PostgreSQL: the guarded insert of a response (:func:`_guarded_insert`) and of its answers,
    in one statement that returns the response's id once per answer it inserted.

    The response's insert is a data-modifying ``WITH``; the answers are inserted from it joined
    to their values, so a response not inserted (stored already, or refused) inserts no answer
    and returns no row. The answers' values are one array per column (``question_ids``,
    ``option_ids``, ..., see :func:`_given`), unnested row by row: one short statement, built and
    prepared once whatever the number of answers.
    """
    stored = _guarded_insert("postgresql", columns).cte("stored")
    arrays = (bindparam(f"{name}s", type_=postgresql.ARRAY(_ANSWER.c[name].type)) for name in GIVEN_COLUMNS)
    given = func.unnest(*arrays).table_valued(*GIVEN_COLUMNS).render_derived(name="given")
    values = select(stored.c.id, bindparam("campaign_id", type_=_ANSWER.c.campaign_id.type), *given.c)
    return (
        insert(_ANSWER)
        .from_select(["response_id", *ANSWER_COLUMNS], values.select_from(stored).join(given, true()))
        .returning(_ANSWER.c.response_id)
        .add_cte(stored)
    )


def _given(answers: Sequence[AnswerRow]) -> dict[str, list[Any]]:
    """The answers' own columns as one list per column, the parameters ``question_ids``, ... of
    :func:`_guarded_insert_with_answers`."""
    rows = [answer.columns() for answer in answers]
    return {f"{name}s": [row[name] for row in rows] for name in GIVEN_COLUMNS}


def _insert_in_savepoint(row: dict[str, Any]) -> Response | None:
    response = Response(**row)
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        return None
    return response


def _insert_answers(response: Response, answers: list[AnswerRow]) -> None:
    """The answers in one statement; an answer with several choices is added with its choices."""
    plain = [a for a in answers if not a.choice_ids]
    if plain:
        rows = [{"response_id": response.id, **a.columns()} for a in plain]
        answer_table: Table = Answer.__table__  # type: ignore[assignment]
        db.session.connection().execute(insert(answer_table), rows)  # Core: one executemany
    with_choices = [a.to_answer() for a in answers if a.choice_ids]
    for answer in with_choices:
        answer.response_id = response.id
        db.session.add(answer)
    if with_choices:
        db.session.flush()
    if "answers" in response.__dict__:
        db.session.expire(response, ["answers"])
