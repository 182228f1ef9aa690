"""The questionnaire's own texts in the respondent's language.

A version stores its texts in its default language (``QuestionnaireVersion.language``) and the
other languages its file gives in ``translations`` (``{field: {language: text}}``). The page's
中文/English switch picks the language; a text missing in it falls back to the default one.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_babel import get_locale

from surveyapp.questionnaires.spec import language_code


def current_language() -> str | None:
    """The short code of the interface language (``zh`` or ``en``), None outside a request."""
    if not has_request_context():
        return None
    return language_code(str(get_locale()).replace("_", "-"))


def text_of(item: Any, field: str, language: str | None, default_language: str) -> str | None:
    """``item``'s ``field`` in ``language``, else as stored."""
    stored = getattr(item, field, None)
    if language is None or language == language_code(default_language):
        return stored
    translated = ((item.translations or {}).get(field) or {}).get(language)
    return translated or stored


def languages_of(version: Any) -> list[str]:
    """Every language the version's texts are given in, the default one first."""
    found = [language_code(version.language)]
    items = [version, *version.items, *version.options, *version.groups]
    for item in items:
        for texts in (item.translations or {}).values():
            found.extend(code for code in texts if code not in found)
    return found
