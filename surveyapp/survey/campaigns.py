"""The campaign behind a respondent's page, its row kept per process for a moment.

Each of a submission's three requests (the form, its POST, the thank-you page) needs its
campaign's settings: whether it accepts responses, who may answer, its limits and version.
Reading the row was a third of such a request's work, and a QR poster sends the same campaign
hundreds of requests a minute. Each process therefore keeps a campaign's columns for
``PUBLIC_CAMPAIGN_SECONDS`` (one second by default) and puts a copy into the request's session
without a query (:func:`public_campaign`); its relationships still load when read.

Within a process this is exact: a flush that adds, changes or deletes any campaign drops every
kept row. Another process sees a change (closing a campaign, a new limit) within that second;
the response's own insert checks that its campaign is still open
(:func:`surveyapp.survey.services.submit_response`), so a closed campaign stores nothing even
then. Staff pages never use this: they read the row every time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from threading import Lock
from typing import Any

from flask import abort, current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from surveyapp.campaigns.services import find_campaign
from surveyapp.extensions import db
from surveyapp.models import Campaign
from surveyapp.models.base import as_stored

#: How long a process keeps a campaign's row for the public pages, by default (seconds).
DEFAULT_SECONDS = 1.0
#: Kept rows per application: far more campaigns than are answered at the same time.
MAX_KEPT = 256
_EXTENSION = "surveyapp_public_campaigns"
_lock = Lock()


@dataclass(frozen=True, slots=True)
class _Kept:
    """A campaign's row as the detached instance every request of the process reads (never
    changed, never added to a session: :func:`attach` adds a copy), read at ``read_at``
    (monotonic seconds)."""

    shared: Campaign
    read_at: float


def _store() -> dict[str, _Kept]:
    return current_app.extensions.setdefault(_EXTENSION, {})


def _column_keys() -> tuple[str, ...]:
    return tuple(attr.key for attr in inspect(Campaign).column_attrs)


def _seconds() -> float:
    return float(current_app.config.get("PUBLIC_CAMPAIGN_SECONDS", DEFAULT_SECONDS))


def attach(campaign: Campaign) -> Campaign:
    """``campaign`` as an instance of the request's session, whose relationships load when read.

    A campaign already of the session is returned as it is; so is the session's own instance of
    the same row, if it has one. A detached one (the process's kept instance) is copied, and the
    copy added to the session.
    """
    if not inspect(campaign).detached:
        return campaign
    present = db.session.identity_map.get(db.session.identity_key(Campaign, campaign.id))
    if isinstance(present, Campaign):
        return present
    copy = as_stored(Campaign, {key: campaign.__dict__[key] for key in _column_keys()})
    db.session.add(copy)
    return copy


def _keep(campaign: Campaign) -> None:
    columns = {key: getattr(campaign, key) for key in _column_keys()}
    with _lock:
        store = _store()
        store[campaign.slug] = _Kept(as_stored(Campaign, columns), time.monotonic())
        while len(store) > MAX_KEPT:
            store.pop(next(iter(store)))


def public_campaign(slug: str, *, attached: bool = True) -> Campaign:
    """The campaign at this public address (404 if there is none), its row read at most once a
    ``PUBLIC_CAMPAIGN_SECONDS`` per process.

    ``attached=False``: the kept row may come as the process's detached instance, all columns
    loaded but no relationship, for a page that usually needs nothing else (a kept page): making
    an instance and adding it to the session is a good part of such a request's work. It is only
    read. Whatever renders a template with it, or reads a relationship, first passes it through
    :func:`attach`.
    """
    kept = _store().get(slug)
    if kept is not None and time.monotonic() - kept.read_at < _seconds():
        return attach(kept.shared) if attached else kept.shared
    campaign = find_campaign(slug)
    if campaign is None:
        abort(404)
    _keep(campaign)
    return campaign


def forget() -> None:
    """Drop every kept row of this application."""
    with _lock:
        _store().clear()


@event.listens_for(Session, "after_flush")
def _forget_changed(session: Session, _context: Any) -> None:
    """A campaign added, changed or deleted in this process is read again at its next request."""
    if not has_app_context() or _EXTENSION not in current_app.extensions:
        return
    if any(isinstance(obj, Campaign) for obj in (*session.new, *session.dirty, *session.deleted)):
        forget()
