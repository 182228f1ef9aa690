"""Account operations. Services flush; the caller commits."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from surveyapp.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from surveyapp.extensions import db
from surveyapp.models import ROLES, Area, User, utcnow

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")


class AccountError(ValueError):
    """An account cannot be made or changed as asked."""


def find_user(username: str) -> User | None:
    """The account with this user name (case-insensitive)."""
    return db.session.scalars(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).first()


def create_user(
    username: str, password: str, role: str, *, area: Area | None = None, display_name: str | None = None
) -> User:
    """Make an account."""
    if not USERNAME.match(username):
        raise AccountError("user names use 2 to 64 letters, digits and . _ @ -")
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}' (known: {', '.join(ROLES)})")
    problem = password_problem(password)
    if problem:
        raise AccountError(f"the password needs {problem}")
    if find_user(username) is not None:
        raise AccountError(f"a user named '{username}' already exists")
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        area=area,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active account these credentials belong to, or None (same work either way)."""
    user = find_user(username)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user
