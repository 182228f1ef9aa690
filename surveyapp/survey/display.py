"""How the respondent's pages are shown: large text, high contrast, faces, one question per screen.

The choice is made with buttons named ``display`` inside the answer form (they send the answers
given so far, which come back on the page unchecked and unsaved) or in a small GET form on the
other pages, and is kept for a year in an HttpOnly cookie, so it works without JavaScript and on
the next visit. The page's root element gets one ``mode-<name>`` class per chosen mode.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, after_this_request, current_app, g, has_request_context, redirect, request
from werkzeug.wrappers import Response as BaseResponse

DISPLAY_COOKIE = "display"
ONE_YEAR = 365 * 24 * 3600
#: The modes a respondent can switch on and off, in the order of the control.
MODES = ("large", "contrast", "faces", "steps")
#: Switches every mode off.
STANDARD = "standard"
_SEPARATOR = "."


def parse(value: str | None) -> frozenset[str]:
    """The known modes named in a cookie value; anything else is ignored."""
    if not value:
        return frozenset()
    return frozenset(part for part in value.split(_SEPARATOR) if part in MODES)


def serialise(modes: frozenset[str]) -> str:
    """The cookie value of a set of modes, in the control's order."""
    return _SEPARATOR.join(mode for mode in MODES if mode in modes)


def toggled(modes: frozenset[str], choice: str) -> frozenset[str] | None:
    """The modes after pressing ``choice`` (a mode switches on or off), or None if unknown."""
    if choice == STANDARD:
        return frozenset()
    if choice not in MODES:
        return None
    return modes ^ {choice}


def current_modes() -> frozenset[str]:
    """The modes of this page: the one just chosen, else the remembered one."""
    chosen = g.get("display_modes")
    if chosen is not None:
        return frozenset(chosen)
    return parse(request.cookies.get(DISPLAY_COOKIE))


def _remember(modes: frozenset[str]) -> None:
    g.display_modes = modes

    @after_this_request
    def _set(response: BaseResponse) -> BaseResponse:
        set_cookie(response, modes)
        return response


def set_cookie(response: BaseResponse, modes: frozenset[str]) -> None:
    """Keep the modes for a year (or forget them when none is chosen)."""
    if not modes:
        response.delete_cookie(DISPLAY_COOKIE, samesite="Lax", httponly=True)
        return
    response.set_cookie(
        DISPLAY_COOKIE,
        serialise(modes),
        max_age=ONE_YEAR,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def chosen_in_form() -> bool:
    """Whether this POST is a press on a display button; if so the new modes are applied.

    The view then shows the same form again with the answers sent, without storing or checking.
    """
    choice = request.form.get("display")
    if choice is None:
        return False
    modes = toggled(current_modes(), choice)
    if modes is not None:
        _remember(modes)
    return True


def _root_classes() -> str:
    return " ".join(f"mode-{mode}" for mode in MODES if mode in current_modes())


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def switch() -> BaseResponse:
    """``GET /display?display=…&next=…``: the control of the pages without a form."""
    response = redirect(_safe_next(request.args.get("next")), code=303)
    modes = toggled(current_modes(), request.args.get("display", ""))
    if modes is not None:
        set_cookie(response, modes)
    return response


def install(bp: Blueprint) -> None:
    """Add the link route to the respondent's blueprint and the modes to every template."""
    bp.add_url_rule("/display", "display", switch, methods=["GET"])

    bp.app_context_processor(_context)
    bp.add_app_template_global(faces, "option_faces")


def _context() -> dict[str, object]:
    if not has_request_context():
        return {"display_modes": frozenset(), "display_classes": "", "display_in_form": False}
    return {
        "display_modes": current_modes(),
        "display_classes": _root_classes(),
        "display_in_form": request.endpoint in FORM_ENDPOINTS,
    }


#: The endpoints whose form handles a press on a display button.
FORM_ENDPOINTS = frozenset({"survey.form", "survey.submit", "fieldwork.entry", "fieldwork.save"})
#: Faces from very happy (0) to very unhappy (4).
FACES = 5


def faces(version: Any, question: Any) -> dict[str, int]:
    """The face of each weighted option of a question, from very happy (0) to very unhappy (4).

    Options are ranked by weight, highest first, and the ranks spread over the five faces, so
    the face says what the words say whatever the order of the list. Options without a weight,
    or left out of the score (such as "don't know"), get no face.
    """
    options = version.choice_list(question.list_name or version.scale_list)
    weights = sorted({float(o.weight) for o in options if o.weight is not None and o.counted}, reverse=True)
    if len(weights) < 2:
        return {}
    last = len(weights) - 1
    return {
        o.code: round(weights.index(float(o.weight)) * (FACES - 1) / last)
        for o in options
        if o.weight is not None and o.counted
    }
