"""The respondent's pages that every new respondent gets alike, rendered once and kept.

A questionnaire version never changes, so the questions of its form, as a new respondent sees
them (nothing answered, nothing refused), depend only on the version, the page's language and
the display modes. That block is most of the page's rendering; it is rendered once per process
for each such combination and kept, bounded (:func:`pristine_questions`). A form that carries
answers or messages is never served from here.

The whole page of a new respondent's form, and the thank-you page, are kept the same way
(:func:`kept_page`): everything on them but a few per-request values (the CSRF token, the signed
submission id) depends only on the campaign, its version, the language, the display modes and
the address. The page is rendered once with this request's values, which are then cut out of
it; the next request gets the kept text with its own values put back. Pages for a visitor who
may be signed in are never kept nor served from here: they show who is signed in.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from threading import Lock
from typing import Any

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from surveyapp.models import Campaign
from surveyapp.survey import display
from surveyapp.survey.forms import ResponseFormBase
from surveyapp.web import may_be_signed_in

#: Kept blocks per application: a few versions in a few languages and display modes.
MAX_KEPT = 64
_EXTENSION = "surveyapp_question_pages"
#: Kept whole pages per application: campaigns x languages x display modes x addresses.
MAX_PAGES = 128
_PAGES = "surveyapp_kept_pages"
#: What a per-request value cut out of a kept page may hold (signed tokens): nothing to escape.
_CUTTABLE = re.compile(r"[A-Za-z0-9_.-]{16,}\Z")
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


def _found(store: OrderedDict[tuple[Any, ...], Any], key: tuple[Any, ...]) -> Any | None:
    """What ``store`` keeps under ``key`` (marked as just used), or None."""
    with _lock:
        found = store.get(key)
        if found is not None:
            store.move_to_end(key)
        return found


def _keep(store: OrderedDict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any, limit: int) -> None:
    """Keep ``value`` as the newest of at most ``limit`` entries (the least used go first)."""
    with _lock:
        store[key] = value
        store.move_to_end(key)
        while len(store) > limit:
            store.popitem(last=False)


def is_pristine(form: ResponseFormBase) -> bool:
    """Whether the form shows no answer and no message: what any new respondent would get."""
    if form._checked is not None:  # checked: it shows what was sent
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
    found = _found(_store(), key)
    if found is not None:
        return found
    made = _render(form)
    _keep(_store(), key, made, MAX_KEPT)
    return made


@dataclass(frozen=True, slots=True)
class KeptPage:
    """A rendered page with its per-request values cut out: ``parts`` around ``names``' slots."""

    parts: tuple[str, ...]
    names: tuple[str, ...]

    def filled(self, values: Mapping[str, str]) -> str:
        """The page with this request's values in their slots."""
        pieces = [self.parts[0]]
        for name, part in zip(self.names, self.parts[1:], strict=True):
            pieces += (values[name], part)
        return "".join(pieces)


def cut(html: str, values: Mapping[str, str]) -> KeptPage | None:
    """``html`` with every occurrence of each value made a slot; None if a value cannot be cut."""
    if len(set(values.values())) != len(values) or not all(_CUTTABLE.match(v) for v in values.values()):
        return None
    by_value = {value: name for name, value in values.items()}
    pieces = re.split("(" + "|".join(re.escape(v) for v in values.values()) + ")", html)
    return KeptPage(tuple(pieces[0::2]), tuple(by_value[v] for v in pieces[1::2]))


def _page_key(kind: str, campaign: Campaign) -> tuple[Any, ...] | None:
    if may_be_signed_in() or current_app.config.get("TEMPLATES_AUTO_RELOAD") or current_app.debug:
        return None
    modes = tuple(sorted(display.current_modes()))
    version = campaign.questionnaire_version_id
    return (kind, campaign.id, campaign.slug, version, str(get_locale()), modes, request.full_path)


def _pages() -> OrderedDict[tuple[Any, ...], KeptPage]:
    return current_app.extensions.setdefault(_PAGES, OrderedDict())


def kept_page(kind: str, campaign: Campaign, values: Mapping[str, str], render: Callable[[], str]) -> str:
    """The page ``render`` makes for ``campaign``, kept with ``values`` (this request's) cut out.

    ``kind`` names the page (its view); the page may depend on nothing else than the campaign's
    id, slug and version, the language, the display modes, the address and ``values``.
    """
    key = _page_key(kind, campaign)
    if key is None:
        return render()
    found = _found(_pages(), key)
    if found is not None:
        return found.filled(values)
    html = render()
    page = None if current_user.is_authenticated else cut(html, values)
    if page is not None:
        _keep(_pages(), key, page, MAX_PAGES)
    return html
