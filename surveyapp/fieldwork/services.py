"""Which campaigns field staff may enter responses for, and their own entries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from surveyapp.accounts.permissions import reachable_area_ids
from surveyapp.campaigns.services import campaign_or_404
from surveyapp.extensions import db
from surveyapp.models import Area, Campaign, Response


def _ancestors(area_id: int) -> set[int]:
    found: set[int] = set()
    area = db.session.get(Area, area_id)
    while area is not None:
        found.add(area.id)
        area = area.parent
    return found


def entry_area_ids(user: Any) -> set[int] | None:
    """Areas whose campaigns ``user`` may enter responses for; None for every campaign.

    A county's field staff interview the county's people for a city-wide campaign too, so the
    areas above theirs count as well as their own and those below. Another county's do not.
    """
    reached = reachable_area_ids(user)
    if reached is None:
        return None
    return reached | _ancestors(user.area_id)


def entry_campaigns(user: Any) -> list[Campaign]:
    """The open campaigns ``user`` may enter responses for, newest first."""
    query = (
        select(Campaign)
        .options(joinedload(Campaign.area))
        .where(Campaign.status == "open")
        .order_by(Campaign.created_at.desc())
    )
    areas = entry_area_ids(user)
    if areas is not None:
        query = query.where(or_(Campaign.area_id.is_(None), Campaign.area_id.in_(areas)))
    return [c for c in db.session.scalars(query) if c.is_accepting()]


def entry_campaign_or_404(user: Any, slug: str) -> Campaign:
    """The campaign if ``user`` may enter responses for it; 404 otherwise, as for an unknown one."""
    areas = entry_area_ids(user)
    return campaign_or_404(
        slug,
        allowed=lambda campaign: areas is None or campaign.area_id is None or campaign.area_id in areas,
    )


def respondent_area_root(user: Any, campaign: Campaign) -> int | None:
    """The area whose subtree a respondent of this entry may live in: the narrower of the two."""
    reached = reachable_area_ids(user)
    if reached is None:
        return campaign.area_id
    if campaign.area_id is not None and campaign.area_id in reached:
        return campaign.area_id
    return int(user.area_id)


def own_entries(user: Any, limit: int = 100) -> list[tuple[Response, str, str | None, str]]:
    """The responses ``user`` entered, newest first, with their campaign's and area's names."""
    rows = db.session.execute(
        select(Response, Campaign.name, Area.name, Campaign.slug)
        .join(Campaign, Campaign.id == Response.campaign_id)
        .outerjoin(Area, Area.id == Response.area_id)
        .where(Response.entered_by_id == user.id)
        .order_by(Response.received_at.desc(), Response.id.desc())
        .limit(limit)
    )
    return [(response, campaign, area, slug) for response, campaign, area, slug in rows]
