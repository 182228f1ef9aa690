"""The public form's gate for personal codes: who may open and submit a campaign's form.

The survey views call :func:`refusal` before showing or storing the form and
:func:`submit_with_code` to store a response; everything else about codes stays here. The code
travels from ``?code=`` to the POST in the signed session, and is used in the same transaction
that stores the response, so a code gives at most one response (the database decides).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template, request, session

from surveyapp.accounts.throttle import failure_store
from surveyapp.distribution.codes import (
    CodeUsedError,
    find_code,
    is_used,
    mark_opened,
    normalise_code,
    store_with_code,
)
from surveyapp.models import Campaign, PersonalCode, Response, utcnow
from surveyapp.survey.services import Submission

__all__ = ["CodeUsedError", "refusal", "submit_with_code", "used_page"]

DEFAULTS = {"CODE_GUESS_LIMIT": 20, "CODE_GUESS_WINDOW_SECONDS": 15 * 60}
Page = tuple[str, int]


def _setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def _session_key(campaign: Campaign) -> str:
    return f"code:{campaign.slug}"


def _guess_key() -> str:
    return f"code-guess:{request.remote_addr or 'unknown'}"


def _throttled() -> bool:
    window = timedelta(seconds=_setting("CODE_GUESS_WINDOW_SECONDS"))
    return len(failure_store().recent(_guess_key(), utcnow(), window)) >= _setting("CODE_GUESS_LIMIT")


def _count_guess() -> None:
    failure_store().add(_guess_key(), utcnow(), timedelta(seconds=_setting("CODE_GUESS_WINDOW_SECONDS")))


def _code_page(campaign: Campaign, problem: str | None, status: int = 200) -> Page:
    return render_template("distribution/code_entry.html", campaign=campaign, problem=problem), status


def used_page(campaign: Campaign) -> Page:
    """The kind page for a code that has already answered."""
    return render_template("distribution/code_used.html", campaign=campaign), 200


def _held_code(campaign: Campaign) -> PersonalCode | None:
    held = session.get(_session_key(campaign))
    return find_code(campaign, str(held)) if held else None


def _check_given(campaign: Campaign, given: str) -> Page | None:
    if _throttled():
        return _code_page(campaign, "throttled", 429)
    code = find_code(campaign, normalise_code(given))
    if code is None:
        _count_guess()
        # The same words for any unknown code: nothing says whether other codes exist.
        return _code_page(campaign, "unknown")
    if is_used(code):
        return used_page(campaign)
    mark_opened(code)
    session[_session_key(campaign)] = code.code
    return None


def refusal(campaign: Campaign) -> Page | None:
    """A page instead of the form when the code is missing, unknown or used; None to go on."""
    if campaign.access == "anyone":
        return None
    given = request.args.get("code") if request.method == "GET" else None
    if given is not None:
        return _check_given(campaign, given)
    held = _held_code(campaign)
    if held is not None and is_used(held) and request.method == "GET":
        return used_page(campaign)
    if campaign.access == "code" and held is None:
        return _code_page(campaign, None)
    return None


def submit_with_code(
    campaign: Campaign, submission: Submission, *, look_up: bool = True
) -> tuple[Response, bool]:
    """Store the response and use the held code with it, both or neither.

    Raises ``CodeUsedError`` (and stores nothing) when the code was used meanwhile, for example
    on another phone.
    """
    return store_with_code(
        campaign,
        submission,
        _held_code(campaign) if campaign.access != "anyone" else None,
        look_up=look_up,
    )
