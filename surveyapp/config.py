"""Configuration read from the environment, with safe defaults for a single machine."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ENV_PREFIX = "SURVEYAPP_"

#: The time zone when none is configured (``SURVEYAPP_TIMEZONE``); read through ``i18n.local_zone``.
DEFAULT_TIMEZONE = "Asia/Shanghai"


def _secret_key(instance_path: Path) -> str:
    """Read the secret key from the environment, or from a file made on first start."""
    from_env = os.environ.get(f"{ENV_PREFIX}SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(48)
    # Create with owner-only permissions, and never overwrite one another worker made first.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def _seconds_or_off(value: str) -> float | None:
    """A number of seconds from the environment, or None for ``off``."""
    return None if value.strip().lower() == "off" else float(value)


def load_config(instance_path: Path) -> dict[str, Any]:
    """Build the Flask configuration from ``SURVEYAPP_*`` environment variables."""
    instance_path.mkdir(parents=True, exist_ok=True)
    default_db = f"sqlite:///{instance_path / 'surveyapp.sqlite3'}"
    env = os.environ.get
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": env(f"{ENV_PREFIX}DATABASE_URL", default_db),
        "BASE_URL": env(f"{ENV_PREFIX}BASE_URL", "").rstrip("/") or None,
        "REDIS_URL": env(f"{ENV_PREFIX}REDIS_URL") or None,
        # Hashes roster ID numbers and encrypts kept names and phones; never stored in the database.
        "ROSTER_KEY": env(f"{ENV_PREFIX}ROSTER_KEY") or None,
        # A beneficiary may take a long time on a slow phone: the token lives as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": False,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": env(f"{ENV_PREFIX}TIMEZONE", DEFAULT_TIMEZONE),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env(f"{ENV_PREFIX}SECURE_COOKIES", "").lower() in {"1", "true"},
        # How many reverse proxies to trust for X-Forwarded-* (see surveyapp/accounts/cookies.py).
        "PROXY_COUNT": int(env(f"{ENV_PREFIX}PROXY_COUNT", "0") or 0),
        # How long a process keeps a campaign's row for the public pages (surveyapp/survey/campaigns.py).
        "PUBLIC_CAMPAIGN_SECONDS": float(env(f"{ENV_PREFIX}PUBLIC_CAMPAIGN_SECONDS", "1") or 0),
        # The least seconds between two upkeeps of a campaign's kept aggregates in one process, after
        # requests that stored responses (surveyapp/scoring/upkeep.py); "off" for none.
        "KEPT_UPKEEP_SECONDS": _seconds_or_off(env(f"{ENV_PREFIX}KEPT_UPKEEP_SECONDS", "") or "60"),
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "LANGUAGES": ("zh_Hans_CN", "en"),
    }
