"""Cross-cutting HTTP behaviour: security headers, compression, template helpers."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from functools import cache
from pathlib import Path

from flask import Flask, Response, abort, request
from markupsafe import Markup

COMPRESSIBLE = (
    "text/html",
    "text/css",
    "image/svg+xml",
    "application/json",
    "text/csv",
    "application/javascript",
    "text/javascript",
)
MIN_COMPRESS_BYTES = 1024

#: The respondent's style sheet, inlined in every page so nothing blocks the first paint.
CRITICAL_CSS = Path(__file__).parent / "static" / "survey.css"


@cache
def critical_css() -> str:
    """The style sheet without comments and runs of spaces, as the pages inline it."""
    text = re.sub(r"/\*.*?\*/", "", CRITICAL_CSS.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ?([{};]) ?", r"\1", text).strip()


def inline_css() -> Markup:
    """The ``<style>`` content of the pages (allowed by its hash in the policy)."""
    # The project's own style sheet, read from its package: no outside text in it.
    return Markup(critical_css())  # nosec B704


@cache
def content_security_policy() -> str:
    """Same-origin everything; the one inline style sheet is allowed by its SHA-256 hash."""
    digest = base64.b64encode(hashlib.sha256(critical_css().encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'self'; img-src 'self' data:; style-src 'self' 'sha256-{digest}'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


#: Two years, the preload list's minimum; sent only on HTTPS answers, as the standard requires.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"
#: Respondents' pages (the public form) and static files may be cached; nothing else may.
CACHEABLE_BLUEPRINTS = frozenset({"survey"})


def may_be_signed_in() -> bool:
    """Whether this visitor may be signed in, told without loading any user."""
    from flask import current_app, session

    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return "_user_id" in session or remember in request.cookies


def _is_staff_answer() -> bool:
    """Whether this answer is a staff page or download (everything but public pages and files)."""
    from flask_login import current_user

    if request.endpoint == "static":
        return False
    if request.blueprint not in CACHEABLE_BLUEPRINTS:
        return True
    # Nobody can be signed in: no need to load a user to know it.
    return may_be_signed_in() and bool(current_user.is_authenticated)


def _security_headers(response: Response) -> Response:
    present = {name.lower() for name, _value in response.headers}  # a view's own value wins
    wanted = [
        ("Content-Security-Policy", content_security_policy()),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]
    if request.is_secure:
        wanted.append(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
    for name, value in wanted:
        if name.lower() not in present:
            response.headers.add(name, value)
    if _is_staff_answer():
        # Staff pages and downloads hold respondents' data: no browser or proxy may keep a copy.
        response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Server", None)
    return response


def _compress(response: Response) -> Response:
    """Gzip text answers: respondents are often on slow, metered mobile networks."""
    if (
        response.direct_passthrough
        and request.endpoint == "static"
        and response.status_code == 200
        and (response.mimetype or "").startswith(COMPRESSIBLE)
    ):
        # The app's own small scripts and style sheets: read the file to compress it.
        response.direct_passthrough = False
        wrapper = response.response
        response.set_data(response.get_data())
        if hasattr(wrapper, "close"):
            wrapper.close()
    if (
        response.direct_passthrough
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def _refuse_nul() -> None:
    """NUL never belongs in an address or a form, and PostgreSQL refuses it in text: answer 400."""
    values = [request.path, *request.args.values()]
    if request.content_length or request.headers.get("Transfer-Encoding"):
        values += request.form.values()  # only a request with a body has a form to read
    if any("\x00" in value for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    """Install the request and response hooks."""
    app.before_request(_refuse_nul)
    app.after_request(_compress)
    app.after_request(_security_headers)
    app.add_template_global(inline_css, "inline_css")
