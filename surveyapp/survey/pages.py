"""The questions of a new respondent's form page, rendered once and kept.

A questionnaire version never changes, so the questions of its form, as a new respondent sees
them (nothing answered, nothing refused), depend only on the version, the page's language and
the display modes. That block is most of the page's rendering; it is rendered once per process
for each such combination and kept, bounded. Everything that changes per request (the CSRF
token, the signed submission id, the header) is rendered around it as before. A form that
carries answers or messages is never served from here.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from threading import Lock
from typing import Any

from flask import current_app, render_template
from flask_babel import get_locale
from markupsafe import Markup

from surveyapp.survey import display
from surveyapp.survey.forms import ResponseFormBase

#: Kept blocks per application: a few versions in a few languages and display modes.
MAX_KEPT = 64
_EXTENSION = "surveyapp_question_pages"
_lock = Lock()
#: A line break, with the indentation around it, between two tags: the templates' layout only.
_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")


def compact(html: str) -> Markup:
    """The questions block without the templates' line breaks and indentation between tags.

    Every such break sits between blocks, or between the items of a flex container, where the
    browser draws nothing for it; gone, the page has half as many DOM nodes and fewer bytes.
    A textarea's answer (text, not layout, even if it is only line breaks) is kept as it is.
    """
    text = str(html)

    def join(found: re.Match[str]) -> str:
        opened = text.rfind("<", 0, found.start())
        return found.group(0) if text.startswith("<textarea", opened) else "><"

    return Markup(_BETWEEN_TAGS.sub(join, text))  # nosec B704 (autoescaped template's output)


def _store() -> OrderedDict[tuple[Any, ...], Markup]:
    return current_app.extensions.setdefault(_EXTENSION, OrderedDict())


def is_pristine(form: ResponseFormBase) -> bool:
    """Whether the form shows no answer and no message: what any new respondent would get."""
    if getattr(form, "_asked", None) is not None:
        return False
    return not any(field.data not in (None, "", []) or field.errors for field in form.question_fields())


def cache_key(form: ResponseFormBase) -> tuple[Any, ...]:
    """What the questions block depends on: the version and its content, language, display modes."""
    version = form._version
    modes = tuple(sorted(display.current_modes()))
    return (version.id, version.content_hash, form._language, str(get_locale()), modes)


def _render(form: ResponseFormBase) -> Markup:
    return compact(render_template("survey/_questions.html", form=form))


def pristine_questions(form: ResponseFormBase) -> Markup | None:
    """The rendered questions of an untouched form, kept; None for a form with answers or errors."""
    if form._version.id is None or not is_pristine(form):
        return None
    key = cache_key(form)
    store = _store()
    with _lock:
        found = store.get(key)
        if found is not None:
            store.move_to_end(key)
            return found
    made = _render(form)
    with _lock:
        store[key] = made
        store.move_to_end(key)
        while len(store) > MAX_KEPT:
            store.popitem(last=False)
    return made
