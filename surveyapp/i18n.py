"""Languages: Simplified Chinese by default, English available."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale

from surveyapp.extensions import babel

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"zh_Hans_CN": "中文", "en": "English"}


def select_locale() -> str:
    """An explicit choice (cookie) wins, then the browser's preference, then Chinese."""
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    if not has_request_context():
        return "en"  # the command line speaks English, as its documentation does
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    matches = {"zh": "zh_Hans_CN", "en": "en"}
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    if best:
        return matches.get(best.split("-")[0].lower(), languages[0])
    return languages[0]


def html_lang() -> str:
    """The ``lang`` attribute of the page: ``zh-CN`` or ``en``."""
    return "en" if str(get_locale()).startswith("en") else "zh-CN"


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with the project's locale selector."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(html_lang=html_lang, LANGUAGE_NAMES=LANGUAGE_NAMES)
