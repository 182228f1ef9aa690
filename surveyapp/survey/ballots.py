"""Checks that keep the public form to one response per respondent.

The public form's submission id is issued by the server: a random nonce signed with the app's
secret key, bound to the campaign and carrying its issue time (itsdangerous). A client cannot
mint new ids, and a replay of a used one stores nothing new (the unique constraint on
``(campaign_id, submission_id)`` decides). On top of that, a campaign may limit how many
responses one phone (a long-lived signed cookie) and one address (per 24 hours) can send.
The address itself is never stored: only a keyed hash of it, for the limit and the burst check.

Staff-side paths (data entry, imports, offline sync) keep their own ids and skip these checks.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Request, current_app
from itsdangerous import BadSignature, SignatureExpired, Signer, TimestampSigner
from sqlalchemy import Select, bindparam
from werkzeug.wrappers import Response as BaseResponse

from surveyapp.extensions import db
from surveyapp.models import Campaign, utcnow
from surveyapp.survey.services import SenderLimits, sent_from_address, sent_from_device

#: A form opened a week ago is stale: the respondent gets a fresh id, their answers kept.
TOKEN_MAX_AGE = 7 * 24 * 3600
#: The phone's cookie, kept two years so one phone stays one phone for a whole campaign.
DEVICE_COOKIE = "surveyapp_device"
DEVICE_COOKIE_AGE = 2 * 365 * 24 * 3600
#: The window of the per-address limit.
ADDRESS_WINDOW = timedelta(hours=24)


class BadSubmissionToken(ValueError):
    """The submission id was not issued by this server for this campaign, or is too old."""


class LimitReached(Exception):
    """The campaign takes no more responses from this phone or this address for now."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        #: ``device`` or ``address``
        self.kind = kind


@dataclass(frozen=True)
class IssuedId:
    """What a valid signed submission id carries."""

    #: the id stored with the response
    nonce: str
    #: when the server issued it (the form was opened)
    issued_at: datetime

    def seconds_open(self, now: datetime | None = None) -> int:
        """Whole seconds from issue to now, never negative."""
        return max(0, int(((now or utcnow()) - self.issued_at).total_seconds()))


def _signer(campaign: Campaign) -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=f"surveyapp.submission:{campaign.id}")


def issue_submission_id(campaign: Campaign) -> str:
    """A new signed submission id for the public form of ``campaign``."""
    return _signer(campaign).sign(secrets.token_urlsafe(12)).decode("ascii")


def read_submission_id(campaign: Campaign, token: str) -> IssuedId:
    """The nonce and issue time of a signed id; raise :class:`BadSubmissionToken` otherwise."""
    try:
        nonce, issued = _signer(campaign).unsign(token, max_age=TOKEN_MAX_AGE, return_timestamp=True)
    except SignatureExpired as error:
        raise BadSubmissionToken("expired") from error
    except BadSignature as error:
        raise BadSubmissionToken("not issued here") from error
    return IssuedId(nonce.decode("ascii"), issued.astimezone(UTC))


def _device_signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="surveyapp.device")


def device_id(request: Request) -> str | None:
    """The phone's id from its signed cookie, or None if it has none (or a forged one)."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        return _device_signer().unsign(value).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return None


def new_device_id() -> str:
    """A new random phone id."""
    return secrets.token_urlsafe(12)


def set_device_cookie(request: Request, response: BaseResponse, phone: str) -> None:
    """Give the phone its long-lived signed cookie."""
    value = _device_signer().sign(phone).decode("ascii")
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]) or request.is_secure,
    )


def address_hash(address: str | None) -> str | None:
    """A keyed hash of the sender's address: comparable, but not reversible without the key."""
    if not address:
        return None
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, b"address:" + address.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


#: Built once, on the table (Core statements: no ORM work per execution); asked only to tell a
#: respondent which limit refused the response (the insert counts the same itself).
_FROM_DEVICE = sent_from_device(bindparam("campaign_id"), bindparam("device"))
_FROM_ADDRESS = sent_from_address(bindparam("campaign_id"), bindparam("address"), bindparam("since"))


def _count(query: Select[Any], campaign: Campaign, **values: object) -> int:
    # Core on the session's connection: the session's own execution adds nothing to a count.
    return db.session.connection().scalar(query, {"campaign_id": campaign.id, **values}) or 0


def sender_limits(campaign: Campaign, now: datetime | None = None) -> SenderLimits:
    """The campaign's limits on one phone and one address, as the response's insert checks them.

    Two phones racing for the last place may both get it: the limits are a brake on stuffing,
    not an exact quota. The insert counts this sender's responses itself (see
    :func:`surveyapp.survey.services.submit_response`), so a new response costs no count of its own.
    """
    address_limit = campaign.address_daily_limit
    since = (now or utcnow()) - ADDRESS_WINDOW if address_limit is not None else None
    return SenderLimits(device=campaign.device_limit, address=address_limit, since=since)


def which_limit(campaign: Campaign, device: str | None, address: str | None) -> LimitReached:
    """The limit that refused a response: the phone's if it is reached, else the address's.

    Each costs one indexed count, asked only after the insert refused.
    """
    limit = campaign.device_limit
    if limit is not None and device is not None and _count(_FROM_DEVICE, campaign, device=device) >= limit:
        return LimitReached("device")
    if campaign.address_daily_limit is not None and address is not None:
        since = utcnow() - ADDRESS_WINDOW
        if _count(_FROM_ADDRESS, campaign, address=address, since=since) >= campaign.address_daily_limit:
            return LimitReached("address")
    return LimitReached("device")  # a response of this phone was taken back meanwhile
