"""Errors the services raise when they refuse a request: typed, with a message in the user's language.

A service raises a subclass of :class:`DomainError` carrying a lazily translated message (and the
form field it is about, when there is one). Views that show the message next to a field catch
the feature's error class; anything else reaches the one handler in :mod:`surveyapp.errors`,
which rolls back and answers with the message, translated, on an error page (422). Outside a
web request (the command line, logs) the message is English. Nothing compares message texts.

This module imports nothing of the application (only Flask), so every service can import it.
"""

from __future__ import annotations

from typing import Any

from flask import has_app_context, has_request_context
from flask_babel import force_locale


class DomainError(ValueError):
    """A request the application refuses; ``str()`` is the message in the current language."""

    #: The HTTP status a page answers with when no view shows the message in its form.
    status = 422

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        """In a web request, the request's language; elsewhere (command line, logs), English."""
        if has_request_context() or not has_app_context():
            return str(self.message)
        with force_locale("en"):
            return str(self.message)
