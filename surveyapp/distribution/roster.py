"""Importing and deleting a campaign's roster. Services flush; the caller commits.

A roster is imported all or nothing: every row is checked first, and one bad row stores none.
Only the keyed hash of the ID number is stored, and name and phone only when the evaluator keeps
them for interviews, encrypted. No error message, log line or audit event repeats a person's
name, phone or ID number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select

from analysis.idnumber import id_number_problem, normalise_id_number
from surveyapp.audit import record
from surveyapp.distribution.columns import fields, text
from surveyapp.distribution.protection import encrypt, hash_id_number, roster_keys
from surveyapp.extensions import db
from surveyapp.imports.reading import Sheet
from surveyapp.models import Area, Campaign, CodeUse, PersonalCode, Roster, RosterPerson, SampleDraw

REQUIRED = ("id_number", "county")


class RosterError(ValueError):
    """The roster cannot be imported or changed as asked; ``kind`` names why."""

    def __init__(self, kind: str, **values: Any) -> None:
        super().__init__(kind)
        self.kind = kind
        self.values = values


@dataclass(frozen=True)
class RowError:
    """One bad row: its number in the file, what is wrong, and a harmless value to show."""

    row: int
    kind: str
    value: str | int | None = None


@dataclass
class CheckedRoster:
    """The rows ready to store, or the errors that stop the import."""

    people: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _stem(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "县区市" else name


def county_lookup() -> dict[str, int]:
    """Every county by its code, its name and its name without 县/区/市."""
    lookup: dict[str, int] = {}
    for area in db.session.scalars(select(Area).where(Area.level == "county")):
        lookup.setdefault(_stem(area.name), area.id)
        lookup[area.code] = lookup[area.name] = area.id
    return lookup


def _county(value: str, lookup: dict[str, int]) -> int | None:
    if value in lookup:
        return lookup[value]
    # A roster may write the full name (寻甸回族彝族自治县) where the area tree has 寻甸县.
    matches = {
        area_id
        for name, area_id in lookup.items()
        if len(name) >= 2 and not name[0].isascii() and value.startswith(name)
    }
    return matches.pop() if len(matches) == 1 else None


def check_rows(sheet: Sheet, keep_contacts: bool) -> CheckedRoster:
    """Check every row; hash ID numbers and encrypt kept contacts of the good ones."""
    columns = fields(sheet)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise RosterError("missing_columns", columns=", ".join(missing))
    key, cipher = roster_keys()
    lookup, checked = county_lookup(), CheckedRoster()
    seen: dict[str, int] = {}
    for number, row in sheet.rows:
        id_number = normalise_id_number(text(row, columns["id_number"]))
        county = text(row, columns["county"])
        problem = "id_missing" if not id_number else id_number_problem(id_number)
        if problem is not None:
            checked.errors.append(RowError(number, f"id_{problem}" if problem != "id_missing" else problem))
            continue
        county_id = _county(county, lookup) if county else None
        if county_id is None:
            checked.errors.append(RowError(number, "county_unknown" if county else "county_missing", county))
            continue
        id_hash = hash_id_number(id_number, key)
        if id_hash in seen:
            checked.errors.append(RowError(number, "duplicate", seen[id_hash]))
            continue
        seen[id_hash] = number
        checked.people.append(
            {
                "id_hash": id_hash,
                "county_id": county_id,
                "township": text(row, columns.get("township")),
                "village": text(row, columns.get("village")),
                "name_secret": encrypt(text(row, columns.get("name")), cipher) if keep_contacts else None,
                "phone_secret": encrypt(text(row, columns.get("phone")), cipher) if keep_contacts else None,
            }
        )
    return checked


def roster_of(campaign: Campaign) -> Roster | None:
    """The campaign's roster, if it has one."""
    return db.session.scalars(select(Roster).where(Roster.campaign_id == campaign.id)).first()


def import_roster(
    campaign: Campaign, sheet: Sheet, *, keep_contacts: bool = False, user_id: int | None = None
) -> CheckedRoster:
    """Store the roster if every row is good; otherwise store nothing and return the errors."""
    if roster_of(campaign) is not None:
        raise RosterError("roster_exists")
    checked = check_rows(sheet, keep_contacts)
    if checked.errors:
        return checked
    if not checked.people:
        raise RosterError("roster_empty")
    roster = Roster(campaign_id=campaign.id, keeps_contacts=keep_contacts, imported_by_id=user_id)
    db.session.add(roster)
    db.session.flush()
    db.session.execute(
        insert(RosterPerson), [{**person, "roster_id": roster.id} for person in checked.people]
    )
    record(
        "roster.import", roster, campaign=campaign.slug, people=len(checked.people), contacts=keep_contacts
    )
    return checked


def roster_size(roster: Roster) -> int:
    """How many people the roster lists."""
    count = select(func.count()).select_from(RosterPerson).where(RosterPerson.roster_id == roster.id)
    return db.session.scalar(count) or 0


def delete_roster(campaign: Campaign) -> int:
    """Delete the roster, its sample and its codes completely; the responses stay, unlinked.

    Returns how many people it listed. The audit event names the campaign and the count only.
    """
    roster = roster_of(campaign)
    if roster is None:
        raise RosterError("no_roster")
    people = roster_size(roster)
    person_ids = select(RosterPerson.id).where(RosterPerson.roster_id == roster.id)
    code_ids = select(PersonalCode.id).where(PersonalCode.roster_person_id.in_(person_ids))
    db.session.execute(delete(CodeUse).where(CodeUse.personal_code_id.in_(code_ids)))
    db.session.execute(delete(PersonalCode).where(PersonalCode.roster_person_id.in_(person_ids)))
    db.session.execute(delete(SampleDraw).where(SampleDraw.roster_id == roster.id))
    db.session.execute(delete(RosterPerson).where(RosterPerson.roster_id == roster.id))
    record("roster.delete", ("roster", roster.id), campaign=campaign.slug, people=people)
    db.session.delete(roster)
    db.session.flush()
    return people
