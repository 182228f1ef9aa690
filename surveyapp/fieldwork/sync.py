"""The offline device's side of the server: its sync endpoint, a fresh CSRF token, the service worker.

A device sends each queued entry as the same form fields the page posts, with the CSRF token in
the ``X-CSRFToken`` header (Flask-WTF checks it before the view runs). Every answer is JSON, so the
page can tell a stored entry (201), a repeat of one already stored (200, the same response), a
refusal to keep and show (4xx with a reason) and a signed-out session (401) apart.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from surveyapp.accounts.permissions import ADMIN, FIELD_STAFF
from surveyapp.fieldwork.capture import Refusal, accept
from surveyapp.fieldwork.services import entry_campaign_or_404

STATIC = Path(__file__).resolve().parent.parent / "static" / "fieldwork"
NO_STORE = {"Cache-Control": "no-store"}


def _signed_out() -> tuple[Response, int, dict[str, str]]:
    message = _("You are signed out. Sign in again to send the entries waiting on this device.")
    return jsonify(status="signed_out", reason=message), 401, NO_STORE


def _not_staff() -> bool:
    return current_user.role not in (ADMIN, FIELD_STAFF)


def token() -> tuple[Response, int, dict[str, str]]:
    """A CSRF token for the device's next sync, and the account its ids must carry."""
    if not current_user.is_authenticated:
        return _signed_out()
    if _not_staff():
        return (
            jsonify(status="refused", reason=_("You do not have permission to open this page.")),
            403,
            NO_STORE,
        )
    return jsonify(status="ok", csrf_token=generate_csrf(), user_id=current_user.id), 200, NO_STORE


def sync(slug: str) -> tuple[Response, int, dict[str, str]]:
    """Store one queued entry; a repeat of its submission id answers as the first time did."""
    if not current_user.is_authenticated:
        return _signed_out()
    if _not_staff():
        return (
            jsonify(status="refused", reason=_("You do not have permission to open this page.")),
            403,
            NO_STORE,
        )
    campaign = entry_campaign_or_404(current_user, slug)
    result = accept(campaign, current_user, request.args.get("kind", ""), request.form)
    if isinstance(result, Refusal):
        body = jsonify(status="refused", reason=result.reason, errors=result.errors)
        return body, result.status, NO_STORE
    response, created = result
    body = jsonify(
        status="stored" if created else "duplicate", id=response.id, submission_id=response.submission_id
    )
    return body, 201 if created else 200, NO_STORE


_VERSION = re.compile(r'var VERSION = "(v\d+)";')
_CACHED_FILES = re.compile(r"var STATIC_FILES = \[(.*?)\];", re.S)


def worker_digest(text: str, static_folder: Path) -> str:
    """A digest of the service worker and every static file it keeps in its cache.

    The worker serves those files from its cache first, so a device would keep an old copy until
    the worker's version changed: the version carries this digest, and any change to one of them
    renames the caches on every device at its next visit.
    """
    digest = hashlib.sha256(text.encode())
    listed = _CACHED_FILES.search(text)
    for name in re.findall(r'"/static/([^"]+)"', listed[1] if listed else ""):
        path = static_folder / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
    return digest.hexdigest()[:12]


def service_worker() -> Response:
    """The service worker, served from /entry/ so it may control the entry pages.

    Its version is completed with :func:`worker_digest` as it is served.
    """
    text = (STATIC / "sw.js").read_text(encoding="utf-8")
    digest = worker_digest(text, Path(current_app.static_folder or STATIC.parent))
    text = _VERSION.sub(lambda m: f'var VERSION = "{m[1]}-{digest}";', text, count=1)
    response = current_app.response_class(text, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(digest)
    response.make_conditional(request)
    return response
