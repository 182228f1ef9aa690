"""Drawing a campaign's sample from its roster and giving the sampled people their codes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, func, select

from analysis.certainty import required_sample_size, sample_margin
from analysis.sampling import allocate, draw_stratified
from surveyapp.audit import record
from surveyapp.distribution.codes import add_codes
from surveyapp.distribution.roster import RosterError, roster_of
from surveyapp.extensions import db
from surveyapp.models import Campaign, CodeUse, PersonalCode, Roster, RosterPerson, SampleDraw


@dataclass(frozen=True)
class DrawRule:
    """How to draw: a number per stratum or a fraction, strata by county or by township too."""

    seed: int
    per_stratum: int | None = None
    fraction: float | None = None
    by_township: bool = False

    @property
    def strata(self) -> list[str]:
        """The stratum columns."""
        return ["county_id", "township"] if self.by_township else ["county_id"]


def _people(roster: Roster) -> pd.DataFrame:
    rows = db.session.execute(
        select(RosterPerson.id, RosterPerson.county_id, RosterPerson.township).where(
            RosterPerson.roster_id == roster.id
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["id", "county_id", "township"])
    frame["township"] = frame["township"].fillna("")
    return frame


def _rule_check(rule: DrawRule) -> None:
    try:
        allocate(pd.DataFrame({"s": []}), ["s"], per_stratum=rule.per_stratum, fraction=rule.fraction)
    except ValueError as error:
        raise RosterError("bad_rule") from error
    if rule.seed < 0:
        raise RosterError("bad_rule")


def codes_used(campaign: Campaign) -> int:
    """How many of the campaign's codes have given a response."""
    query = (
        select(func.count())
        .select_from(CodeUse)
        .join(PersonalCode, PersonalCode.id == CodeUse.personal_code_id)
        .where(PersonalCode.campaign_id == campaign.id)
    )
    return db.session.scalar(query) or 0


def draw_sample(campaign: Campaign, rule: DrawRule) -> int:
    """Draw the sample and make its codes; a draw nobody has answered yet may be drawn again.

    Returns the number of people sampled.
    """
    roster = roster_of(campaign)
    if roster is None:
        raise RosterError("no_roster")
    _rule_check(rule)
    if codes_used(campaign):
        raise RosterError("sample_in_use")
    db.session.execute(delete(PersonalCode).where(PersonalCode.campaign_id == campaign.id))
    db.session.execute(delete(SampleDraw).where(SampleDraw.roster_id == roster.id))
    chosen = draw_stratified(
        _people(roster), rule.strata, "id", rule.seed, per_stratum=rule.per_stratum, fraction=rule.fraction
    )
    draw = SampleDraw(
        roster_id=roster.id,
        seed=rule.seed,
        per_stratum=rule.per_stratum,
        fraction=rule.fraction,
        by_township=rule.by_township,
    )
    db.session.add(draw)
    made = add_codes(campaign, [int(i) for i in chosen])
    db.session.flush()
    record(
        "sample.draw",
        draw,
        campaign=campaign.slug,
        seed=rule.seed,
        per_stratum=rule.per_stratum,
        fraction=rule.fraction,
        by_township=rule.by_township,
        sampled=made,
    )
    return made


def sample_draw_of(roster: Roster) -> SampleDraw | None:
    """The roster's recorded draw, if any."""
    return db.session.scalars(select(SampleDraw).where(SampleDraw.roster_id == roster.id)).first()


@dataclass(frozen=True)
class SizeAdvice:
    """The calculator's answer for one margin of error at 95 % confidence."""

    margin: float
    population: int
    needed: int
    answered: int
    margin_so_far: float


def size_advice(population: int, margin: float, answered: int) -> SizeAdvice:
    """Answers needed for ``margin`` points, and the margin the ``answered`` ones give."""
    return SizeAdvice(
        margin=margin,
        population=population,
        needed=required_sample_size(margin, population=population),
        answered=answered,
        margin_so_far=sample_margin(min(answered, population), population=population),
    )
