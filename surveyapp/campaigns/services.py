"""Campaign operations. Services flush; the caller commits."""

from __future__ import annotations

import secrets

from flask import current_app, has_request_context, request, url_for
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Campaign, QuestionnaireVersion, Response

# No 0/o, 1/l/i: slugs are read aloud and typed by hand from posters.
SLUG_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SLUG_LENGTH = 8


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
) -> Campaign:
    """Start a campaign on one questionnaire version; it opens at once."""
    if not name.strip():
        raise ValueError("a campaign needs a name")
    if target_responses is not None and target_responses <= 0:
        raise ValueError("the target number of responses must be positive")
    campaign = Campaign(
        slug=new_slug(),
        name=name.strip(),
        questionnaire_version=version,
        status="open",
        target_responses=target_responses,
        population_size=population_size,
        area_id=area_id,
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


def find_campaign(slug: str) -> Campaign | None:
    """The campaign with this slug, if any."""
    return db.session.scalars(select(Campaign).where(Campaign.slug == slug)).first()


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
