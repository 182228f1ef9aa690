"""Who may do what: roles, and the areas each user reaches."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from surveyapp.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

ADMIN, EVALUATOR, FIELD_STAFF = "admin", "evaluator", "field_staff"


def role_required(*roles: str) -> Callable[[F], F]:
    """Let signed-in users with one of ``roles`` in (administrators always); send others to sign in."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role != ADMIN and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
