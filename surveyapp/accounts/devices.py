"""Devices an account has signed in from: a signed cookie naming the accounts, kept for a year.

Sign-in throttling trusts such a device more (see :mod:`surveyapp.accounts.throttle`): a guesser
elsewhere can then slow down the account, but not keep its owner out. The cookie holds no secret
of the account; it is signed, so it cannot be made up, and it alone never signs anyone in.
"""

from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response as BaseResponse

COOKIE = "surveyapp_device"
MAX_AGE = 365 * 24 * 60 * 60
#: A shared phone may sign in several accounts; the cookie stays small.
MAX_ACCOUNTS = 8


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="surveyapp-sign-in-device")


def known_accounts() -> list[str]:
    """The account names (lowercased) that signed in from this browser before."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        names = _serializer().loads(raw)
    except BadSignature:
        return []
    return [str(name) for name in names][:MAX_ACCOUNTS] if isinstance(names, list) else []


def is_known(username: str) -> bool:
    """Whether ``username`` signed in from this browser before."""
    return username.strip().lower() in known_accounts()


def remember(response: BaseResponse, username: str) -> BaseResponse:
    """Add ``username`` to this browser's device cookie."""
    name = username.strip().lower()
    names = [name, *(n for n in known_accounts() if n != name)][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(names),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure,
    )
    return response
