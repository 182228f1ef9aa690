"""Sign-in throttling per account and per address, shared by every worker and server.

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
from sqlalchemy import delete, insert, select

from surveyapp.extensions import db
from surveyapp.models import SignInFailure, utcnow

DEFAULTS = {
    "SIGN_IN_ACCOUNT_LIMIT": 5,
    "SIGN_IN_ADDRESS_LIMIT": 20,
    "SIGN_IN_WINDOW_SECONDS": 15 * 60,
    "SIGN_IN_REDIS_PREFIX": "surveyapp:sign-in:",
}


class FailureStore(Protocol):
    """Where failed attempts are counted."""

    def add(self, key: str, now: datetime, window: timedelta) -> None:
        """Count one failure under ``key``."""

    def recent(self, key: str, now: datetime, window: timedelta) -> list[datetime]:
        """The failures under ``key`` within the window, oldest first."""

    def reset(self, key: str) -> None:
        """Forget the failures under ``key``."""


class DatabaseStore:
    """Failures as rows of ``sign_in_failure``."""

    def add(self, key: str, now: datetime, window: timedelta) -> None:
        """Insert in a transaction of its own, so a rolled-back request still counts."""
        with db.engine.begin() as connection:
            connection.execute(delete(SignInFailure).where(SignInFailure.failed_at < now - window))
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


def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(f"account:{username.strip().lower()}", int(_setting("SIGN_IN_ACCOUNT_LIMIT")))]
    if address:
        keys.append((f"address:{address}", int(_setting("SIGN_IN_ADDRESS_LIMIT"))))
    return keys


def _window() -> timedelta:
    return timedelta(seconds=int(_setting("SIGN_IN_WINDOW_SECONDS")))


def seconds_blocked(username: str, address: str | None) -> int:
    """How long sign-in stays refused for this account or address; 0 when it is allowed.

    Checked before the password is, so a blocked guesser learns nothing and costs no hashing.
    """
    store, now, window = failure_store(), utcnow(), _window()
    wait = 0.0
    for key, limit in _keys(username, address):
        failures = store.recent(key, now, window)
        if len(failures) >= limit:
            # Allowed again once enough failures have left the sliding window.
            freed_at = failures[len(failures) - limit] + window
            wait = max(wait, (freed_at - now).total_seconds())
    return max(1, math.ceil(wait)) if wait > 0 else 0


def count_failure(username: str, address: str | None) -> None:
    """Count a failed sign-in against the account name and the address."""
    store, now, window = failure_store(), utcnow(), _window()
    for key, _limit in _keys(username, address):
        store.add(key, now, window)


def clear_account(username: str) -> None:
    """A successful sign-in forgets the account's failures (not the address's)."""
    failure_store().reset(f"account:{username.strip().lower()}")
