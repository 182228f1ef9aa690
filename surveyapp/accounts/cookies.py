"""Session cookies: HttpOnly, SameSite=Lax, and Secure whenever the request came over HTTPS.

Behind a reverse proxy that terminates TLS, set ``SURVEYAPP_PROXY_COUNT`` to the number of proxies
in front of the application: their ``X-Forwarded-For``/``-Proto``/``-Host`` headers are then
trusted (and only then), so ``request.is_secure`` and the client address are right. Set
``SURVEYAPP_SECURE_COOKIES=1`` to mark cookies Secure on every request regardless.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure when served over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure if configured so, or if this request arrived over HTTPS."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, made once per key set (Flask makes one per request, twice).

        A serializer holds nothing of a request: the keys, the salt and the methods only. It is
        made again whenever the secret key or its fallbacks change.
        """
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept: tuple[Any, URLSafeTimedSerializer | None] | None = app.extensions.get(_SERIALIZER)
        if kept is None or kept[0] != keys:
            kept = (keys, super().get_signing_serializer(app))
            app.extensions[_SERIALIZER] = kept
        return kept[1]


_SERIALIZER = "surveyapp_session_serializer"


def init_app(app: Flask) -> None:
    """Install the session interface, and trust the configured number of proxies."""
    app.session_interface = SessionInterface()
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )
