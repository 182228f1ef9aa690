"""An in-memory copy of each campaign's form, to show it again while the database is away.

When the database is locked or restarting, a respondent who just pressed "Submit" must get the
form back with every answer selected and the same submission id, yet the questionnaire cannot
be read from the database then. Every form page served keeps a plain copy of what the form
needs (the campaign and its questionnaire version, loaded and detached), per process; it is replaced
whenever the campaign's questionnaire version changes.
"""

from __future__ import annotations

from threading import Lock
from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from surveyapp.extensions import db
from surveyapp.models import Campaign
from surveyapp.survey.forms import public_form_class

_snapshots: dict[str, Campaign] = {}
_lock = Lock()


def _loaded_copy(campaign: Campaign) -> Campaign:
    """The campaign read in a session of its own, with everything its form page reads loaded.

    Building the form and rendering the page once loads every attribute and relationship they
    touch; the session is then closed, so the copy is detached and never reads the database again.
    """
    with Session(db.engine, expire_on_commit=False) as private:
        copy = private.get_one(Campaign, campaign.id)
        form = public_form_class(copy.questionnaire_version)(formdata=None)
        render_template("survey/unavailable.html", campaign=copy, form=form)
        private.expunge_all()
    return copy


def remember(campaign: Campaign) -> None:
    """Keep a copy of the campaign's form (cheap when it is already kept)."""
    kept = _snapshots.get(campaign.slug)
    if kept is not None and kept.questionnaire_version_id == campaign.questionnaire_version_id:
        return
    copy = _loaded_copy(campaign)
    with _lock:
        _snapshots[campaign.slug] = copy


def recall(slug: str) -> Any | None:
    """The kept copy of a campaign's form, or None if this process never served it."""
    return _snapshots.get(slug)
