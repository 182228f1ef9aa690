"""Writing and reading audit events. ``record`` flushes; the caller commits with its own work."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import Select, insert, select

from surveyapp.extensions import db
from surveyapp.models import Area, AuditEvent, Base, User, utcnow

COMMAND_LINE = "command line"


def _target(target: object | None) -> tuple[str | None, str | None]:
    """The kind and id of a model instance (or a ``(kind, id)`` pair)."""
    if target is None:
        return None, None
    if isinstance(target, tuple):
        kind, ident = target
        return str(kind), str(ident)
    kind = getattr(target, "__tablename__", type(target).__name__.lower())
    return str(kind), str(getattr(target, "id", ""))


def _lookup(kind: str, ident: object) -> object | None:
    """The model instance a ``(kind, id)`` target names, if its table is a model's."""
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == kind:
            return db.session.get(mapper.class_, ident)
    return None


def _area_of(target: object | None, actor: User | None) -> int | None:
    """The area an event belongs to: its target's, else (for city-wide targets) the actor's.

    County administrators see the events of their reach, so a county user's work on a city-wide
    object (a questionnaire, say) still shows to that county's administrator.
    """
    if isinstance(target, tuple):
        target = _lookup(*target)
    area_id = target.id if isinstance(target, Area) else getattr(target, "area_id", None)
    if area_id is None and getattr(target, "campaign", None) is not None:
        area_id = getattr(target, "campaign").area_id  # noqa: B009 - any model with a campaign
    if area_id is None:
        acting = actor or (current_user if has_request_context() and current_user.is_authenticated else None)
        area_id = getattr(acting, "area_id", None)
    return area_id


def _actor(actor: User | None) -> tuple[int | None, str | None]:
    if actor is not None:
        return actor.id, actor.username
    if has_request_context() and current_user.is_authenticated:
        return current_user.id, current_user.username
    return None, (None if has_request_context() else COMMAND_LINE)


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    # Dates, decimals and the like become text: the log must accept whatever a service passes.
    return dict(json.loads(json.dumps(details, default=str, ensure_ascii=False)))


def _event_values(
    action: str, target: object | None, actor: User | None, details: dict[str, Any]
) -> dict[str, Any]:
    """The columns of one audit event."""
    user_id, actor_name = _actor(actor)
    kind, ident = _target(target)
    return {
        "occurred_at": utcnow(),
        "user_id": user_id,
        "actor": details.pop("actor_name", None) or actor_name,
        "action": action,
        "target_type": kind,
        "target_id": ident,
        "details": _jsonable(details),
        "remote_addr": request.remote_addr if has_request_context() else None,
        "area_id": _area_of(target, actor),
    }


def record(
    action: str, target: object | None = None, *, actor: User | None = None, **details: Any
) -> AuditEvent:
    """Add an audit event: ``action`` (e.g. ``campaign.close``) on ``target`` with ``details``.

    ``target`` is a model instance (its table name and id are kept) or a ``(kind, id)`` pair;
    ``details`` are any JSON-friendly values (dates and decimals become text). ``actor_name``
    in ``details`` overrides the recorded name (for attempts by someone not signed in).

    The acting user is the signed-in user unless ``actor`` is given; outside a request it is the
    command line. The event is flushed with the caller's transaction, so it is stored exactly when
    the change it describes is.
    """
    event = AuditEvent(**_event_values(action, target, actor, details))
    db.session.add(event)
    db.session.flush()
    return event


def record_detached(action: str, target: object | None = None, **details: Any) -> None:
    """Store an event in a transaction of its own, for requests that are refused and rolled back.

    A failed or throttled sign-in answers with an error, so the request's own work is undone;
    the audit log must keep the attempt all the same.
    """
    with db.engine.begin() as connection:
        connection.execute(insert(AuditEvent).values(**_event_values(action, target, None, details)))


@dataclass(frozen=True)
class AuditFilter:
    """What an administrator filters the log by; every part is optional."""

    action: str | None = None
    actor: str | None = None
    target_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    #: the areas whose events are shown; None shows every event (city-wide administrators)
    areas: set[int] | None = None


def audit_query(where: AuditFilter) -> Select[Any]:
    """Events matching the filter, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if where.action:
        query = query.where(AuditEvent.action.startswith(where.action, autoescape=True))
    if where.actor:
        query = query.where(AuditEvent.actor == where.actor)
    if where.target_type:
        query = query.where(AuditEvent.target_type == where.target_type)
    if where.since:
        query = query.where(AuditEvent.occurred_at >= where.since)
    if where.until:
        query = query.where(AuditEvent.occurred_at < where.until)
    if where.areas is not None:
        query = query.where(AuditEvent.area_id.in_(where.areas))
    return query


def known_actions(areas: set[int] | None = None) -> list[str]:
    """Every action recorded so far (within ``areas`` when given), for the filter's choices."""
    query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    if areas is not None:
        query = query.where(AuditEvent.area_id.in_(areas))
    return list(db.session.scalars(query))
