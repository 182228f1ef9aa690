"""The audit log: who did what, when and from where. Rows are only ever added."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """One recorded action; the application has no way to change or delete it."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_occurred_at", "occurred_at"),
        Index("ix_audit_event_action_occurred_at", "action", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: when it happened
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: the signed-in user who did it; None for the command line and for failed sign-ins
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    #: the user name at the time (or the name tried, or ``command line``), kept as text
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: what was done, dotted, e.g. ``campaign.close`` or ``sign_in.failed``
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    #: the kind of object acted on, e.g. ``campaign``
    target_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: the object's id or key
    target_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: what changed, as a JSON object
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    #: the client's network address
    remote_addr: Mapped[str | None] = mapped_column(String(45), nullable=True)
    #: the area of what was acted on (None: city-wide); county administrators see their reach's only
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), nullable=True, index=True
    )


#: Database-level guard: an UPDATE or DELETE of an audit event fails, whoever sends it.
GUARD_SQLITE = [
    DDL(
        f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed or deleted'); END"
    ).execute_if(dialect="sqlite")
    for verb in ("UPDATE", "DELETE")
]
GUARD_POSTGRESQL = [
    DDL(
        "CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit events cannot be changed or deleted'; END; $$ LANGUAGE plpgsql"
    ).execute_if(dialect="postgresql"),
    DDL(
        "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()"
    ).execute_if(dialect="postgresql"),
]
for _guard in (*GUARD_SQLITE, *GUARD_POSTGRESQL):
    event.listen(AuditEvent.__table__, "after_create", _guard)
