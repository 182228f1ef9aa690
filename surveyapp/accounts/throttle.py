"""Sign-in throttling that slows the guesser, not the owner, shared by every worker and server.

Three counters of failures, each over a sliding window (15 minutes by default):

- one account from one address (``pair``): 5 failures lock that pair only, so a guesser elsewhere
  cannot lock the owner out, and the owner who mistyped is told how long to wait;
- one account from anywhere (``account``), looser (30), against guessing from many addresses;
- one address for any account (``address``), looser still (100), so a village behind one carrier
  address is not locked out by one guesser among it.

The account and address counters do not apply on a device the account has signed in from before
(a signed cookie, :mod:`surveyapp.accounts.devices`): the owner on their own phone gets in while
a stranger is guessing. An administrator can lift an account's lockout (:func:`lift`).

Failures are kept in the database (table ``sign_in_failure``) or, when ``SURVEYAPP_REDIS_URL`` is
set, in Redis sorted sets; never in one process's memory. Failures are written in a transaction
of their own, because the refused sign-in's own transaction is rolled back.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import and_, delete, insert, or_, select

from surveyapp.extensions import db
from surveyapp.models import SignInFailure, utcnow

DEFAULTS = {
    "SIGN_IN_PAIR_LIMIT": 5,
    "SIGN_IN_ACCOUNT_LIMIT": 30,
    "SIGN_IN_ADDRESS_LIMIT": 100,
    "SIGN_IN_WINDOW_SECONDS": 15 * 60,
    "SIGN_IN_AUDIT_SECONDS": 60,
    "SIGN_IN_REDIS_PREFIX": "surveyapp:sign-in:",
}
#: Rows older than this are deleted whatever their key (no window is longer).
LONGEST_WINDOW = timedelta(days=1)


class FailureStore(Protocol):
    """Where failed attempts are counted."""

    def add(self, key: str, now: datetime, window: timedelta) -> None:
        """Count one failure under ``key``."""

    def recent(self, key: str, now: datetime, window: timedelta) -> list[datetime]:
        """The failures under ``key`` within the window, oldest first."""

    def reset(self, key: str) -> None:
        """Forget the failures under ``key``."""

    def recent_by_prefix(self, prefix: str, now: datetime, window: timedelta) -> dict[str, list[datetime]]:
        """The failures within the window of every key starting with ``prefix``."""

    def reset_prefix(self, prefix: str) -> None:
        """Forget the failures of every key starting with ``prefix`` (now, not with the request)."""


class DatabaseStore:
    """Failures as rows of ``sign_in_failure``."""

    def add(self, key: str, now: datetime, window: timedelta) -> None:
        """Insert in a transaction of its own, so a rolled-back request still counts."""
        with db.engine.begin() as connection:
            connection.execute(
                delete(SignInFailure).where(
                    or_(
                        and_(SignInFailure.key == key, SignInFailure.failed_at < now - window),
                        SignInFailure.failed_at < now - LONGEST_WINDOW,
                    )
                )
            )
            connection.execute(insert(SignInFailure).values(key=key, failed_at=now))

    def recent(self, key: str, now: datetime, window: timedelta) -> list[datetime]:
        """Read on a connection of its own, so failures other workers just wrote are seen."""
        with db.engine.connect() as connection:
            return list(
                connection.scalars(
                    select(SignInFailure.failed_at)
                    .where(SignInFailure.key == key, SignInFailure.failed_at >= now - window)
                    .order_by(SignInFailure.failed_at)
                )
            )

    def reset(self, key: str) -> None:
        """Delete with the request's work (a successful sign-in commits)."""
        db.session.execute(delete(SignInFailure).where(SignInFailure.key == key))

    def recent_by_prefix(self, prefix: str, now: datetime, window: timedelta) -> dict[str, list[datetime]]:
        """One query over the keys with this prefix."""
        found: dict[str, list[datetime]] = {}
        with db.engine.connect() as connection:
            rows = connection.execute(
                select(SignInFailure.key, SignInFailure.failed_at)
                .where(
                    SignInFailure.key.startswith(prefix, autoescape=True),
                    SignInFailure.failed_at >= now - window,
                )
                .order_by(SignInFailure.failed_at)
            )
            for key, failed_at in rows:
                found.setdefault(key, []).append(failed_at)
        return found

    def reset_prefix(self, prefix: str) -> None:
        """Delete in a transaction of its own."""
        with db.engine.begin() as connection:
            connection.execute(
                delete(SignInFailure).where(SignInFailure.key.startswith(prefix, autoescape=True))
            )


class RedisStore:
    """Failures as members of one sorted set per key, scored by time; the set expires by itself."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    def add(self, key: str, now: datetime, window: timedelta) -> None:
        """Add a member scored with the time of the failure."""
        name = self.prefix + key
        stamp = now.timestamp()
        pipe = self.client.pipeline()
        pipe.zremrangebyscore(name, "-inf", stamp - window.total_seconds())
        pipe.zadd(name, {f"{stamp}:{secrets.token_hex(4)}": stamp})
        pipe.expire(name, math.ceil(window.total_seconds()))
        pipe.execute()

    def recent(self, key: str, now: datetime, window: timedelta) -> list[datetime]:
        """The scores within the window, as times."""
        scores = self.client.zrangebyscore(
            self.prefix + key, now.timestamp() - window.total_seconds(), "+inf", withscores=True
        )
        return [datetime.fromtimestamp(score, tz=now.tzinfo) for _, score in scores]

    def reset(self, key: str) -> None:
        """Delete the set."""
        self.client.delete(self.prefix + key)

    def _names(self, prefix: str) -> list[str]:
        # User names hold no glob characters; escape the few Redis knows all the same.
        pattern = "".join("\\" + c if c in "*?[]\\" else c for c in self.prefix + prefix) + "*"
        return [name.decode() if isinstance(name, bytes) else name for name in self.client.scan_iter(pattern)]

    def recent_by_prefix(self, prefix: str, now: datetime, window: timedelta) -> dict[str, list[datetime]]:
        """Scan the sets with this prefix."""
        found = {}
        for name in self._names(prefix):
            key = name[len(self.prefix) :]
            times = self.recent(key, now, window)
            if times:
                found[key] = times
        return found

    def reset_prefix(self, prefix: str) -> None:
        """Delete the sets with this prefix."""
        names = self._names(prefix)
        if names:
            self.client.delete(*names)


def _setting(name: str) -> Any:
    return current_app.config.get(name, DEFAULTS[name])


def failure_store() -> FailureStore:
    """Redis when ``REDIS_URL`` is configured, the database otherwise."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return DatabaseStore()
    client = current_app.extensions.get("surveyapp_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url)
        current_app.extensions["surveyapp_redis"] = client
    return RedisStore(client, _setting("SIGN_IN_REDIS_PREFIX"))


def _account(username: str) -> str:
    return username.strip().lower()


def _pair_key(username: str, address: str | None) -> str:
    return f"pair:{_account(username)}|{address or '-'}"


def _keys(username: str, address: str | None, trusted: bool) -> list[tuple[str, int]]:
    """The counters that apply to this attempt, with their limits."""
    keys = [(_pair_key(username, address), int(_setting("SIGN_IN_PAIR_LIMIT")))]
    if not trusted:
        keys.append((f"account:{_account(username)}", int(_setting("SIGN_IN_ACCOUNT_LIMIT"))))
        if address:
            keys.append((f"address:{address}", int(_setting("SIGN_IN_ADDRESS_LIMIT"))))
    return keys


def _window() -> timedelta:
    return timedelta(seconds=int(_setting("SIGN_IN_WINDOW_SECONDS")))


def _wait(failures: list[datetime], limit: int, now: datetime, window: timedelta) -> float:
    """Seconds until fewer than ``limit`` failures are left in the sliding window."""
    if len(failures) < limit:
        return 0.0
    return (failures[len(failures) - limit] + window - now).total_seconds()


def _whole_seconds(wait: float) -> int:
    return max(1, math.ceil(wait)) if wait > 0 else 0


def seconds_blocked(username: str, address: str | None, *, trusted: bool = False) -> int:
    """How long sign-in stays refused for this attempt; 0 when it is allowed.

    ``trusted``: the attempt comes from a device the account signed in from before, so only the
    account-and-address counter applies. Checked before the password is, so a blocked guesser
    learns nothing and costs no hashing.
    """
    store, now, window = failure_store(), utcnow(), _window()
    wait = max(
        (
            _wait(store.recent(key, now, window), limit, now, window)
            for key, limit in _keys(username, address, trusted)
        ),
        default=0.0,
    )
    return _whole_seconds(wait)


def count_failure(username: str, address: str | None) -> None:
    """Count a failed sign-in against the account from this address, the account, and the address."""
    store, now, window = failure_store(), utcnow(), _window()
    for key, _limit in _keys(username, address, trusted=False):
        store.add(key, now, window)


def clear_account(username: str, address: str | None) -> None:
    """A successful sign-in forgets the account's failures from this address and overall."""
    store = failure_store()
    store.reset(_pair_key(username, address))
    store.reset(f"account:{_account(username)}")


def lockout_seconds(username: str) -> int:
    """How long the account stays locked from its worst address (or everywhere); 0 if it is not."""
    store, now, window = failure_store(), utcnow(), _window()
    pairs = store.recent_by_prefix(f"pair:{_account(username)}|", now, window)
    waits = [_wait(times, int(_setting("SIGN_IN_PAIR_LIMIT")), now, window) for times in pairs.values()]
    account = store.recent(f"account:{_account(username)}", now, window)
    waits.append(_wait(account, int(_setting("SIGN_IN_ACCOUNT_LIMIT")), now, window))
    return _whole_seconds(max(waits))


def lift(username: str) -> None:
    """Forget every failure of the account, from every address: its lockout ends now."""
    store = failure_store()
    store.reset_prefix(f"pair:{_account(username)}|")
    store.reset(f"account:{_account(username)}")


def first_in_a_while(kind: str, username: str, address: str | None, seconds: int | None = None) -> bool:
    """Whether to write an audit event of ``kind`` for this attempt: at most one per pair per period.

    Refused sign-ins are logged, but a guesser sending thousands must not flood the log: one event
    per account and address per minute (``SIGN_IN_AUDIT_SECONDS``), or per lockout for throttled
    attempts (``seconds`` is then the wait).
    """
    store, now = failure_store(), utcnow()
    period = timedelta(seconds=seconds or int(_setting("SIGN_IN_AUDIT_SECONDS")))
    key = f"audit:{kind}:{_pair_key(username, address)}"
    first = not store.recent(key, now, period)
    if first:
        store.add(key, now, period)
    return first
