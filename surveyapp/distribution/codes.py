"""Personal codes: made for the sampled people, checked, used once, listed for printing."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from surveyapp.campaigns.services import public_url
from surveyapp.extensions import db
from surveyapp.models import Area, Campaign, CodeUse, PersonalCode, Response, RosterPerson, utcnow
from surveyapp.survey.services import Submission, find_response, submit_response

#: No 0/O, 1/I/L and no lower case: codes are read off a card and typed on a phone by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


class CodeUsedError(Exception):
    """The code has already given a response."""


class CodeUnknownError(Exception):
    """No such code in the campaign."""


def normalise_code(value: str | None) -> str:
    """A code as typed: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:32]


def _candidates(count: int) -> set[str]:
    made: set[str] = set()
    while len(made) < count:
        made.add("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
    return made


def new_codes(count: int) -> list[str]:
    """``count`` random codes that no campaign uses yet."""
    chosen: set[str] = set()
    while len(chosen) < count:
        batch = _candidates(count - len(chosen)) - chosen
        taken = set(db.session.scalars(select(PersonalCode.code).where(PersonalCode.code.in_(batch))))
        chosen |= batch - taken
    return list(chosen)


def add_codes(campaign: Campaign, person_ids: list[int]) -> int:
    """Give each sampled person a code for ``campaign``; returns how many were made."""
    codes = new_codes(len(person_ids))
    rows = [
        {"campaign_id": campaign.id, "roster_person_id": person, "code": code}
        for person, code in zip(person_ids, codes, strict=True)
    ]
    if rows:
        db.session.execute(insert(PersonalCode), rows)
    return len(rows)


def find_code(campaign: Campaign, code: str) -> PersonalCode | None:
    """The campaign's personal code, if it exists."""
    return db.session.scalars(
        select(PersonalCode).where(PersonalCode.campaign_id == campaign.id, PersonalCode.code == code)
    ).first()


def is_used(code: PersonalCode) -> bool:
    """Whether the code has already given a response."""
    return db.session.scalar(select(CodeUse.id).where(CodeUse.personal_code_id == code.id)) is not None


def mark_opened(code: PersonalCode) -> None:
    """Note the first time the form was opened with the code."""
    if code.opened_at is None:
        code.opened_at = utcnow()
        db.session.flush()


def redeem(code: PersonalCode, response: Response) -> None:
    """Tie the response to the code; the unique constraint refuses a second use, whoever comes first."""
    try:
        with db.session.begin_nested():
            db.session.add(CodeUse(personal_code_id=code.id, response_id=response.id, used_at=utcnow()))
    except IntegrityError as error:
        raise CodeUsedError(code.code) from error
    if code.opened_at is None:
        code.opened_at = utcnow()


def personal_url(campaign: Campaign, code: str) -> str:
    """The campaign's public address with the code."""
    return f"{public_url(campaign)}?code={code}"


@dataclass(frozen=True)
class CodeCard:
    """What a printed card or a row of the codes CSV shows: never a name."""

    code: str
    county: str
    township: str
    address: str


def code_cards(campaign: Campaign) -> Iterator[CodeCard]:
    """The campaign's codes by county, township and village, with their personal addresses."""
    base = public_url(campaign)
    rows = db.session.execute(
        select(PersonalCode.code, Area.name, RosterPerson.township)
        .join(RosterPerson, RosterPerson.id == PersonalCode.roster_person_id)
        .join(Area, Area.id == RosterPerson.county_id)
        .where(PersonalCode.campaign_id == campaign.id)
        .order_by(Area.code, RosterPerson.township, RosterPerson.village, PersonalCode.code)
    )
    for code, county, township in rows:
        yield CodeCard(code, county, township or "", f"{base}?code={code}")


def submit_with_personal_code(
    campaign: Campaign, submission: Submission, code_text: str | None
) -> tuple[Response, bool]:
    """Store an entered response and, when a code is given, use the code with it: both or neither.

    Field staff enter an interview with the sampled person's code, which closes the code.
    """
    code = None
    if normalise_code(code_text):
        code = find_code(campaign, normalise_code(code_text))
        if code is None:
            raise CodeUnknownError(code_text)
    return store_with_code(campaign, submission, code)


def store_with_code(
    campaign: Campaign, submission: Submission, code: PersonalCode | None, *, look_up: bool = True
) -> tuple[Response, bool]:
    """Store the response and use ``code`` with it, in the request's transaction: both or neither.

    Raises ``CodeUsedError`` when the code gave a response meanwhile (on another phone, or in an
    interview); the response just stored is then taken back. No savepoint wraps the two: on
    SQLite a savepoint opened before the look-ups would turn a busy database into an error.
    ``look_up``: see :func:`surveyapp.survey.services.submit_response`.
    """
    if code is not None and is_used(code) and find_response(campaign, submission.submission_id) is None:
        raise CodeUsedError(code.code)  # the usual case: refused before anything is stored
    response, created = submit_response(campaign, submission, look_up=look_up)
    if created and code is not None:
        try:  # two phones at once: the unique constraint decides, the loser's response goes
            redeem(code, response)
        except CodeUsedError:
            db.session.delete(response)
            db.session.flush()
            raise
    return response, created
