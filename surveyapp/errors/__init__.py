"""One place that turns errors into answers: an HTML page in the user's language, or JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from surveyapp.accounts.permissions import OutOfReach
from surveyapp.domain import DomainError
from surveyapp.errors.unavailable import is_unavailable, unavailable_response
from surveyapp.extensions import db

bp = Blueprint("errors", __name__, template_folder="templates")


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please go back and try again.")),
        403: (_("Not allowed"), _("You do not have permission to open this page.")),
        404: (
            _("Page not found"),
            _("There is no page at this address. Please check the address or scan the QR code again."),
        ),
        405: (_("Not allowed"), _("This page cannot be used that way.")),
        413: (_("File too large"), _("The file you sent is too large.")),
        429: (_("Too many attempts"), _("Too many attempts. Please wait a moment and try again.")),
        500: (
            _("Something went wrong"),
            _(
                "Something went wrong on our side. Your answers are safe if you saw the thank-you page; "
                "otherwise please try again in a moment."
            ),
        ),
    }


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(code: int, detail: str | None = None) -> tuple[Response | str, int]:
    """Answer with an error page (or JSON) for an HTTP status code."""
    title, message = _messages().get(code, (_("Error"), detail or ""))
    if _wants_json():
        return jsonify(error={"status": code, "title": title, "message": detail or message}), code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    """A form was sent without a valid security token (often: the session expired)."""
    return error_response(400, _("This form has expired. Please go back, reload the page and send it again."))


@bp.app_errorhandler(OutOfReach)
def out_of_reach(error: OutOfReach) -> tuple[Response | str, int]:
    """Something beyond the user's areas: answered like an object that does not exist."""
    db.session.rollback()
    return error_response(404)


@bp.app_errorhandler(DomainError)
def domain_error(error: DomainError) -> tuple[Response | str, int]:
    """A service refused the request and no view showed why in its form: say why, translated."""
    db.session.rollback()
    return error_response(error.status, str(error))


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    """Any HTTP error raised by a view (or a failure after it, such as the commit)."""
    if is_unavailable(getattr(error, "original_exception", None)):
        return unavailable_response(_wants_json())
    return error_response(error.code or 500)


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception) -> Any:
    """Roll back and answer politely; the traceback goes to the log, never to the user."""
    if isinstance(error, HTTPException):
        return http_error(error)
    if is_unavailable(error):
        return unavailable_response(_wants_json())
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("unhandled error", exc_info=error)
    return error_response(InternalServerError.code)
