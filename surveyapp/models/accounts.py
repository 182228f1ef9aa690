"""Staff accounts: administrators, evaluators and field staff."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.areas import Area
from surveyapp.models.base import Base, UTCDateTime, utcnow

ROLES = ("admin", "evaluator", "field_staff")


class User(UserMixin, Base):
    """A staff member who signs in; respondents never have accounts."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('admin', 'evaluator', 'field_staff')", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the sign-in name
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: the name shown in pages and the audit log
    display_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: a memory-hard password hash (argon2id)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    #: admin, evaluator or field_staff
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    #: the area the user is bound to; None means every area
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), nullable=True)
    #: False once the account is disabled; disabled accounts cannot sign in
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: when the account was made
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: the last successful sign-in
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: raised on sign-out and when the account is disabled: every session made before ends
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    area: Mapped[Area | None] = relationship()

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses sessions of disabled accounts."""
        return self.active

    @property
    def session_stamp(self) -> str:
        """Changes with the password (argon2 salts every hash) and the session epoch.

        Sessions carry the stamp they were made with; once either changes, every older session
        ends, wherever its cookie was copied to.
        """
        material = f"{self.password_hash}:{self.session_epoch or 0}"
        return hashlib.sha256(material.encode("ascii")).hexdigest()[:16]

    def end_sessions(self) -> None:
        """End every session of this account (sign-out everywhere, disabling)."""
        self.session_epoch = (self.session_epoch or 0) + 1

    def get_id(self) -> str:
        """The id kept in the session cookie: the account and its password's stamp."""
        return f"{self.id}:{self.session_stamp}"
