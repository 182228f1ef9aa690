"""An in-memory copy of each campaign's form, to show it again while the database is away.

When the database is locked or restarting, a respondent who just pressed "Submit" must get the
form back with every answer selected and the same submission id, yet the questionnaire cannot
be read from the database then. Every form page served keeps a plain copy of what the form
needs (the campaign's slug and title, its questions and scale), per process; it is replaced
whenever the campaign's questionnaire version changes.
"""

from __future__ import annotations

from threading import Lock
from types import SimpleNamespace
from typing import Any

from sqlalchemy import inspect

from surveyapp.models import Campaign

_snapshots: dict[str, SimpleNamespace] = {}
_lock = Lock()


def _columns(obj: Any, **extra: Any) -> SimpleNamespace:
    """The object's column values as a plain namespace (no database access on read)."""
    values = {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}
    return SimpleNamespace(**values, **extra)


def remember(campaign: Campaign) -> None:
    """Keep a copy of the campaign's form (cheap when it is already kept)."""
    kept = _snapshots.get(campaign.slug)
    if kept is not None and kept.questionnaire_version_id == campaign.questionnaire_version_id:
        return
    version = campaign.questionnaire_version
    copy = _columns(
        campaign,
        questionnaire_version=_columns(
            version,
            questions=[_columns(q) for q in version.questions],
            scale=[_columns(o) for o in version.scale],
        ),
    )
    with _lock:
        _snapshots[campaign.slug] = copy


def recall(slug: str) -> Any | None:
    """The kept copy of a campaign's form, or None if this process never served it."""
    return _snapshots.get(slug)
