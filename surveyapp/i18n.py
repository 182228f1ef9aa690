"""Languages: Simplified Chinese by default, English available."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from surveyapp import labels
from surveyapp.config import DEFAULT_TIMEZONE
from surveyapp.extensions import babel

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"zh_Hans_CN": "中文", "en": "English"}


def local_zone() -> ZoneInfo:
    """The configured time zone: the one place it is read (dates typed, shown, exported, grouped)."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE)


def select_locale() -> str:
    """An explicit choice (cookie) wins, then the browser's preference, then Chinese.

    Outside a request (the command line) it is the default language, Chinese.
    """
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    if not has_request_context():
        return languages[0]
    cookie, accepted = request.cookies.get(LANGUAGE_COOKIE), request.headers.get("Accept-Language")
    return _chosen(tuple(languages), cookie, accepted)


@lru_cache(maxsize=256)
def _chosen(languages: tuple[str, ...], cookie: str | None, accepted: str | None) -> str:
    """The language for this cookie and ``Accept-Language`` header (a few distinct ones a day)."""
    if cookie is not None and cookie in languages:
        return cookie
    matches = {"zh": "zh_Hans_CN", "en": "en"}
    best = parse_accept_header(accepted, LanguageAccept).best_match(["zh", "zh-CN", "zh-Hans", "en"])
    if best:
        return matches.get(best.split("-")[0].lower(), languages[0])
    return languages[0]


def html_lang() -> str:
    """The ``lang`` attribute of the page: ``zh-CN`` or ``en``."""
    return "en" if str(get_locale()).startswith("en") else "zh-CN"


def _has_chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def text_lang(text: object) -> Markup:
    """`` lang="zh-CN"`` for Chinese text (question texts, names) on an English page, else nothing.

    Screen readers then read the text with a Chinese voice instead of spelling it out.
    """
    if html_lang() == "en" and isinstance(text, str) and _has_chinese(text):
        return Markup(' lang="zh-CN"')
    return Markup("")


@lru_cache(maxsize=16)
def _parsed(identifier: str) -> Locale:
    """The locale named ``identifier``, parsed once per process (Flask-Babel parses it per request)."""
    return Locale.parse(identifier)


def _selected_locale() -> Locale:
    """:func:`select_locale`'s choice as a locale, which Flask-Babel takes as it is."""
    return _parsed(select_locale())


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with the project's locale selector."""
    babel.init_app(app, locale_selector=_selected_locale)
    app.jinja_env.globals.update(
        html_lang=html_lang, LANGUAGE_NAMES=LANGUAGE_NAMES, labels=labels, text_lang=text_lang
    )
