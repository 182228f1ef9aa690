"""Campaign operations. Services flush; the caller commits."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, current_app, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from surveyapp.accounts.permissions import check_reach, reachable_area_ids, reaches_area
from surveyapp.audit import record
from surveyapp.domain import DomainError
from surveyapp.extensions import db
from surveyapp.models import Campaign, QuestionnaireVersion, Response, WeightScheme

# No 0/o, 1/l/i: slugs are read aloud and typed by hand from posters.
SLUG_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SLUG_LENGTH = 8


class CampaignError(DomainError):
    """A campaign cannot be started as asked; ``field`` names the form field it is about."""


def new_slug() -> str:
    """A short random slug that is not in use yet."""
    while True:
        slug = "".join(secrets.choice(SLUG_ALPHABET) for _ in range(SLUG_LENGTH))
        if db.session.scalar(select(Campaign.id).where(Campaign.slug == slug)) is None:
            return slug


def create_campaign(
    version: QuestionnaireVersion,
    name: str,
    *,
    target_responses: int | None = None,
    population_size: int | None = None,
    area_id: int | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    weight_scheme: WeightScheme | None = None,
) -> Campaign:
    """Start a campaign on one published questionnaire version; it is open (from ``opens_at``).

    The area must lie within the acting user's reach (a county user cannot start a city-wide one).
    """
    check_reach(area_id)
    if not name.strip():
        raise CampaignError(_l("A campaign needs a name."), field="name")
    if not version.is_published:
        raise CampaignError(
            _l(
                "Version %(number)s of %(key)s is not published yet.", number=version.version, key=version.key
            ),
            field="version",
        )
    if target_responses is not None and target_responses <= 0:
        raise CampaignError(_l("The target number of responses must be positive."), field="target_responses")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise CampaignError(_l("The campaign must close after it opens."), field="closes_on")
    campaign = Campaign(
        slug=new_slug(),
        name=name.strip(),
        questionnaire_version=version,
        status="open",
        target_responses=target_responses,
        population_size=population_size,
        area_id=area_id,
        opens_at=opens_at,
        closes_at=closes_at,
        weight_scheme=weight_scheme,
    )
    db.session.add(campaign)
    db.session.flush()
    record(
        "campaign.create",
        campaign,
        name=campaign.name,
        questionnaire=version.key,
        version=version.version,
        area_id=area_id,
        target_responses=target_responses,
        opens_at=opens_at,
        closes_at=closes_at,
        weight_scheme=weight_scheme.key if weight_scheme else None,
    )
    return campaign


def close_campaign(campaign: Campaign) -> None:
    """Stop accepting responses (raises ``CampaignStateError`` if already closed)."""
    check_reach(campaign.area_id)
    campaign.close()
    db.session.flush()
    record("campaign.close", campaign, slug=campaign.slug)


def open_campaign(campaign: Campaign) -> None:
    """Accept responses again (raises ``CampaignStateError`` if already open)."""
    check_reach(campaign.area_id)
    campaign.reopen()
    db.session.flush()
    record("campaign.open", campaign, slug=campaign.slug)


def find_campaign(slug: str, *, with_version: bool = False) -> Campaign | None:
    """The campaign with this slug, if any; ``with_version`` loads its version in the same query."""
    query = select(Campaign).where(Campaign.slug == slug)
    if with_version:
        query = query.options(joinedload(Campaign.questionnaire_version))
    return db.session.scalars(query).first()


def _staff_reaches(campaign: Campaign) -> bool:
    return bool(current_user.is_authenticated) and reaches_area(current_user, campaign.area_id)


def campaign_or_404(
    slug: str,
    *,
    public: bool = False,
    allowed: Callable[[Campaign], bool] | None = None,
    with_version: bool = False,
) -> Campaign:
    """The campaign with this slug; 404 when there is none or the visitor may not have it.

    By default the signed-in user must reach the campaign's area: another county's campaign
    answers 404, exactly like one that does not exist. ``public``: anyone may (the respondent's
    form). ``allowed``: another check (data entry asks whether the user may enter for it).
    ``with_version``: its questionnaire version is loaded in the same query (the form shows it).
    """
    campaign = find_campaign(slug, with_version=with_version)
    if campaign is None:
        abort(404)
    check = allowed or (None if public else _staff_reaches)
    if check is not None and not check(campaign):
        abort(404)
    return campaign


def response_count(campaign: Campaign) -> int:
    """How many responses the campaign has stored."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)
        )
        or 0
    )


def public_url(campaign: Campaign) -> str:
    """The address respondents open, built on ``SURVEYAPP_BASE_URL`` when it is set."""
    base = current_app.config.get("BASE_URL")
    if has_request_context():
        path = url_for("survey.form", slug=campaign.slug)
        return f"{base or request.host_url.rstrip('/')}{path}"
    # Outside a request (the command line) the address is built against the configured base.
    with current_app.test_request_context(base_url=base or "http://localhost:5000"):
        return url_for("survey.form", slug=campaign.slug, _external=True)


def campaigns_in_reach(user: Any) -> Select[Any]:
    """The campaigns whose area ``user`` reaches, newest first, with their area and version loaded."""
    query = (
        select(Campaign)
        .options(joinedload(Campaign.area), joinedload(Campaign.questionnaire_version))
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())
    )
    areas = reachable_area_ids(user)
    if areas is not None:
        query = query.where(Campaign.area_id.in_(areas))
    return query


@dataclass(frozen=True)
class CampaignRow:
    """A campaign with its number of responses, for lists."""

    campaign: Campaign
    responses: int

    @property
    def percent_of_target(self) -> int | None:
        """Responses as a whole percentage of the target, if there is one."""
        target = self.campaign.target_responses
        return None if not target else int(self.responses * 100 // target)


def campaigns_with_counts(user: Any, limit: int | None = None) -> list[CampaignRow]:
    """The campaigns ``user`` reaches, each with its count of responses (one grouped query)."""
    query = campaigns_in_reach(user)
    if limit is not None:
        query = query.limit(limit)
    campaigns = list(db.session.scalars(query))
    counts = dict(
        db.session.execute(
            select(Response.campaign_id, func.count())
            .where(Response.campaign_id.in_([c.id for c in campaigns]))
            .group_by(Response.campaign_id)
        ).all()
    )
    return [CampaignRow(c, int(counts.get(c.id, 0))) for c in campaigns]
