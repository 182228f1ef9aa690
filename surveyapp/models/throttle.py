"""Failed sign-ins, counted per account and per address by every worker and server alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.models.base import Base, UTCDateTime, utcnow


class SignInFailure(Base):
    """One failed sign-in attempt under one throttling key (an account or an address)."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_key_failed_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``account:<lowercased user name>`` or ``address:<client address>``
    key: Mapped[str] = mapped_column(String(200), nullable=False)
    #: when the attempt failed
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
