"""Who has answered: sampled, opened and answered per county and township, and who is left to visit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from surveyapp.accounts.permissions import reachable_area_ids
from surveyapp.distribution.protection import decrypt, roster_keys
from surveyapp.extensions import db
from surveyapp.models import Area, Campaign, CodeUse, PersonalCode, RosterPerson


@dataclass(frozen=True)
class StratumProgress:
    """One county or township: people sampled, forms opened with a code, responses given."""

    county: str
    township: str | None
    sampled: int
    opened: int
    answered: int

    @property
    def rate(self) -> float:
        """Answered as a percentage of the sampled (every sampled person is the target)."""
        return 100.0 * self.answered / self.sampled if self.sampled else 0.0


def _in_reach(query: Any, user: Any) -> Any:
    areas = reachable_area_ids(user) if user is not None else None
    return query if areas is None else query.where(RosterPerson.county_id.in_(areas))


def progress(campaign: Campaign, user: Any, by_township: bool = False) -> list[StratumProgress]:
    """Counts per county (and township), limited to the counties ``user`` reaches."""
    township = RosterPerson.township if by_township else None
    columns = [Area.code, Area.name] + ([RosterPerson.township] if by_township else [])
    query = (
        select(
            *columns,
            func.count(PersonalCode.id),
            func.count(PersonalCode.opened_at),
            func.count(CodeUse.id),
        )
        .select_from(PersonalCode)
        .join(RosterPerson, RosterPerson.id == PersonalCode.roster_person_id)
        .join(Area, Area.id == RosterPerson.county_id)
        .outerjoin(CodeUse, CodeUse.personal_code_id == PersonalCode.id)
        .where(PersonalCode.campaign_id == campaign.id)
        .group_by(*columns)
        .order_by(*columns)
    )
    rows = db.session.execute(_in_reach(query, user)).all()
    made = []
    for row in rows:
        values = list(row)
        name = values[1]
        town = values[2] if township is not None else None
        made.append(StratumProgress(name, town, *map(int, values[-3:])))
    return made


@dataclass(frozen=True)
class ToVisit:
    """A sampled person who has not answered: where to find them, their code, a kept name."""

    county: str
    township: str
    village: str
    code: str
    name: str | None


def not_answered(campaign: Campaign, user: Any, with_names: bool) -> list[ToVisit]:
    """The sampled people without a response, in the counties ``user`` reaches, by place."""
    query = (
        select(
            Area.name,
            RosterPerson.township,
            RosterPerson.village,
            PersonalCode.code,
            RosterPerson.name_secret,
        )
        .select_from(PersonalCode)
        .join(RosterPerson, RosterPerson.id == PersonalCode.roster_person_id)
        .join(Area, Area.id == RosterPerson.county_id)
        .outerjoin(CodeUse, CodeUse.personal_code_id == PersonalCode.id)
        .where(PersonalCode.campaign_id == campaign.id, CodeUse.id.is_(None))
        .order_by(Area.code, RosterPerson.township, RosterPerson.village, PersonalCode.code)
    )
    cipher = roster_keys()[1] if with_names else None
    return [
        ToVisit(county, township or "", village or "", code, decrypt(secret, cipher) if cipher else None)
        for county, township, village, code, secret in db.session.execute(_in_reach(query, user))
    ]
