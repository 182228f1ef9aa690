"""Account operations. Services flush; the caller commits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from surveyapp.accounts import throttle
from surveyapp.accounts.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from surveyapp.accounts.permissions import check_reach
from surveyapp.audit.services import record, record_detached
from surveyapp.domain import DomainError
from surveyapp.extensions import db
from surveyapp.models import ROLES, Area, User, utcnow

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}\Z")


class AccountError(DomainError):
    """An account cannot be made or changed as asked; ``field`` names the form field it is about."""


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(_l("Unknown role %(role)s.", role=role), field="role")


def _check_password(password: str) -> None:
    if password_problem(password):
        raise AccountError(
            _l("The password needs at least %(min)d characters.", min=MIN_PASSWORD_LENGTH),
            field="new_password",
        )


def find_user(username: str) -> User | None:
    """The account with this user name (case-insensitive)."""
    return db.session.scalars(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).first()


def create_user(
    username: str, password: str, role: str, *, area: Area | None = None, display_name: str | None = None
) -> User:
    """Make an account (within the acting user's reach: a county user cannot make a city-wide one)."""
    check_reach(area.id if area is not None else None)
    if not USERNAME.match(username):
        raise AccountError(_l("User names use 2 to 64 letters, digits and . _ @ -"), field="username")
    _check_role(role)
    _check_password(password)
    if find_user(username) is not None:
        raise AccountError(_l("A user with this name already exists."), field="username")
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

    record("account.create", user, username=user.username, role=role, area=area.code if area else None)
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


def set_password(user: User, password: str) -> None:
    """Give ``user`` a new password; every other session of the account ends (flushes)."""
    check_reach(user.area_id)
    _check_password(password)
    user.password_hash = hash_password(password)
    db.session.flush()


def reset_password(user: User, password: str) -> None:
    """An administrator gives ``user`` a new password (a user who forgot theirs); audited."""
    set_password(user, password)
    record("account.password_reset", user, username=user.username)


def change_password(user: User, current: str, new: str) -> bool:
    """Change the user's own password if ``current`` is right; return whether it was (audited)."""
    if not verify_password(user.password_hash, current):
        return False
    set_password(user, new)
    record("account.password_change", user)
    return True


def unlock_account(user: User) -> None:
    """Lift the account's sign-in lockout (within the acting user's reach); audited."""
    check_reach(user.area_id)
    throttle.lift(user.username)
    record("account.unlock", user, username=user.username)


def update_user(
    user: User, *, role: str, area: Area | None, display_name: str | None, active: bool
) -> dict[str, tuple[object, object]]:
    """Change an account's role, area, name or state; return what changed as ``{field: (old, new)}``.

    Both the account as it is and as it would be must lie within the acting user's reach, so a
    county administrator can neither reach into another county nor unbind an account (its own
    included) to the whole city. Disabling an account ends every session it has.
    """
    check_reach(user.area_id, area.id if area is not None else None)
    _check_role(role)
    wanted: dict[str, object] = {
        "role": role,
        "area_id": area.id if area is not None else None,
        "display_name": display_name or None,
        "active": active,
    }
    changes = {
        name: (getattr(user, name), value) for name, value in wanted.items() if getattr(user, name) != value
    }
    for name, (_old, value) in changes.items():
        setattr(user, name, value)
    if "active" in changes:
        # Disabled: every copy of its sessions ends; enabled again: the old ones stay ended.
        user.end_sessions()
    db.session.flush()
    if changes:
        record("account.update", user, username=user.username, changes=changes)
    return changes


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt: the user, or how long to wait, or neither (refused)."""

    user: User | None = None
    retry_after: int = 0


def attempt_sign_in(
    username: str, password: str, address: str | None, *, trusted: bool = False
) -> SignInResult:
    """Check throttling, then the credentials; count and log the outcome.

    ``trusted``: the browser signed in to this account before (see ``accounts.devices``). Refused
    attempts are logged at most once a minute per account and address, and a lockout once, so a
    guesser cannot flood the audit log.
    """
    name = username.strip()[:64]
    wait = throttle.seconds_blocked(name, address, trusted=trusted)
    if wait:
        if throttle.first_in_a_while("throttled", name, address, seconds=wait):
            record_detached("sign_in.throttled", actor_name=name, retry_after=wait)
        return SignInResult(retry_after=wait)
    user = authenticate(name, password)
    if user is None:
        throttle.count_failure(name, address)
        if throttle.first_in_a_while("failed", name, address):
            record_detached("sign_in.failed", actor_name=name)
        return SignInResult()
    throttle.clear_account(name, address)
    record("sign_in", user, actor=user)
    return SignInResult(user=user)
