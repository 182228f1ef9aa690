"""Who may do what: roles, and the areas each user reaches."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from surveyapp.areas.tree import area_subtree, area_within
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


def reaches_everything(user: Any) -> bool:
    """Whether ``user`` is bound to no area, or to the root of the tree (the whole city)."""
    return user.area_id is None or (user.area is not None and user.area.parent_id is None)


def reachable_area_ids(user: Any) -> set[int] | None:
    """The ids of the areas ``user`` reaches; None means every area and city-wide data too."""
    if reaches_everything(user):
        return None
    return area_subtree(user.area_id)


def reaches_area(user: Any, area_id: int | None) -> bool:
    """Whether ``user`` may see data of the area ``area_id`` (None: the whole city).

    A user bound to no area (or to the city at the root) reaches everything; a user bound to an
    area reaches it and the areas below it, and nothing city-wide.
    """
    return reaches_everything(user) or area_within(area_id, user.area_id)


class OutOfReach(ValueError):
    """The acting user asked to make or change something beyond the areas it reaches."""

    def __init__(self) -> None:
        super().__init__(str(_l("This area is beyond the areas you are responsible for.")))


def acting_user() -> Any | None:
    """The signed-in user of this web request; None on the command line, which reaches everything."""
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def check_reach(*area_ids: int | None, user: Any | None = None) -> None:
    """Raise :class:`OutOfReach` unless the acting user reaches every one of ``area_ids``.

    The one check every service that makes, changes or unbinds something with an area calls
    (None means the whole city, which only city-wide users reach). Outside a request (the command
    line, run by whoever runs the server) nothing is refused.
    """
    user = user if user is not None else acting_user()
    if user is None:
        return
    if any(not reaches_area(user, area_id) for area_id in area_ids):
        raise OutOfReach()


def has_role(user: Any, *roles: str) -> bool:
    """Whether a signed-in ``user`` has one of ``roles`` (administrators have every role)."""
    return bool(user.is_authenticated) and (user.role == ADMIN or user.role in roles)
