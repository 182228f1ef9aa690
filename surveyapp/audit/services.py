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
from surveyapp.models import AuditEvent, User, utcnow

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
    return query


def known_actions() -> list[str]:
    """Every action recorded so far, for the filter's choices."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
