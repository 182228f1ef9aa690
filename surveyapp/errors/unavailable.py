"""The database away for a while (locked, read-only, restarting): answer 503, keep the answers.

A busy SQLite file, a PostgreSQL server that restarts or refuses connections, a read-only
database: none of these is the request's fault, and each passes by itself. The answer is a 503
"please try again in a moment" page with ``Retry-After``; on the public form it is the form
itself, every answer still selected and the same signed submission id, so pressing "Submit"
again stores the response once. The pool pre-pings connections and SQLAlchemy invalidates the
ones a restart broke, so the service recovers without a restart of its own.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import g, render_template, request
from flask_babel import gettext as _
from sqlalchemy import exc

from surveyapp.extensions import db, login_manager
from surveyapp.survey import snapshot
from surveyapp.survey.forms import public_form_class

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER = 5
#: PostgreSQL's SQLSTATE classes and codes that mean "not now": connection errors, shutdown,
#: starting up, read-only transaction, lock not available, too many connections.
_UNAVAILABLE_SQLSTATES = ("08", "57P", "25006", "55P03", "53300")


_SQLITE_AWAY = ("database is locked", "readonly database", "unable to open database", "disk i/o error")


def _sqlstate(error: exc.DBAPIError) -> str:
    return str(getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None) or "")


def is_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` means the database is away for now rather than a fault of the request."""
    if isinstance(error, exc.TimeoutError | exc.DisconnectionError):
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, exc.InterfaceError):
        return True
    state = _sqlstate(error)
    if state:
        return state.startswith(_UNAVAILABLE_SQLSTATES)
    if not isinstance(error, exc.OperationalError):
        return False
    if not isinstance(error.orig, sqlite3.Error):
        return True  # a server driver's error without a SQLSTATE: the connection itself failed
    # SQLite's exceptions carry no codes; these messages are the "not now" ones.
    message = str(error.orig).lower()
    return any(text in message for text in _SQLITE_AWAY)


def _forget_session() -> None:
    """Drop the request's database work without touching the database if it is gone."""
    try:
        db.session.rollback()
    except exc.SQLAlchemyError:
        db.session().invalidate()
    # Pages look at the signed-in user; loading it would hit the database again.
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()


def _form_again() -> str | None:
    """The public form as it was sent, from this process's copy of it, or None."""
    slug = (request.view_args or {}).get("slug")
    campaign = snapshot.recall(str(slug)) if slug else None
    if campaign is None:
        return None
    form = public_form_class(campaign.questionnaire_version)(formdata=request.form)
    return render_template("survey/unavailable.html", campaign=campaign, form=form)


def unavailable_response(wants_json: bool) -> tuple[Any, int, dict[str, str]]:
    """The 503 answer: the form again for a respondent, a short page or JSON for anyone else."""
    from flask import jsonify

    _forget_session()
    headers = {"Retry-After": str(RETRY_AFTER)}
    title = _("Please try again in a moment")
    message = _("The service is very busy just now. Nothing is lost: please try again in a moment.")
    if request.method == "POST" and request.endpoint == "survey.submit":
        page = _form_again()
        if page is not None:
            return page, 503, headers
    if wants_json:
        return jsonify(error={"status": 503, "title": title, "message": message}), 503, headers
    return render_template("errors/error.html", code=503, title=title, message=message), 503, headers
