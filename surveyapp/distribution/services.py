"""Campaign settings of distribution. Services flush; the caller commits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from surveyapp.audit import record
from surveyapp.extensions import db
from surveyapp.models import ACCESS_MODES, Campaign

#: The line at the foot of every code card, in the respondents' language.
CARD_HINT = _l("Scan the code with WeChat, or type the code on the survey page. It answers once.")


def set_access(campaign: Campaign, mode: str) -> None:
    """Who may answer the campaign: ``anyone``, ``code`` holders only, or ``both``."""
    if mode not in ACCESS_MODES:
        raise ValueError(f"unknown access mode '{mode}'")
    if campaign.access != mode:
        before, campaign.access = campaign.access, mode
        db.session.flush()
        record("campaign.access", campaign, slug=campaign.slug, before=before, after=mode)
