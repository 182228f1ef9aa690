"""A stored questionnaire version written as an XLSForm workbook that reads back the same.

Texts go in one column per language (``label::Chinese (zh)``, ``label::English (en)``), the
shared scale is the choice list ``scale`` with its ``weight``, ``counted`` and ``satisfied``
columns, and the introduction is a note before everything, as :mod:`surveyapp.questionnaires.xlsform`
reads it.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from surveyapp.models import Question, QuestionnaireVersion
from surveyapp.questionnaires.question_types import number_text
from surveyapp.questionnaires.spec import language_code
from surveyapp.questionnaires.texts import languages_of
from surveyapp.questionnaires.walk import walk_items

LANGUAGE_NAMES = {"zh": "Chinese (zh)", "en": "English (en)"}
TYPE_NAMES = {"scale": "select_one", "select_one": "select_one", "select_multiple": "select_multiple"}


def _column(field: str, language: str) -> str:
    return f"{field}::{LANGUAGE_NAMES.get(language, f'{language} ({language})')}"


def _texts(
    item: Any, field: str, default: str, languages: list[str], stored_as: str | None = None
) -> list[Any]:
    stored = getattr(item, stored_as or field, None)
    translated = (item.translations or {}).get(stored_as or field) or {}
    return [stored if language == default else translated.get(language) for language in languages]


def _type(version: QuestionnaireVersion, question: Question) -> str:
    kind = TYPE_NAMES.get(question.type)
    if kind is None:
        return question.type
    list_name = question.list_name or version.scale_list
    return f"{kind} {list_name}" + (" or_other" if question.or_other else "")


def _parameters(question: Question) -> str | None:
    if not question.parameters:
        return None
    return " ".join(f"{k}={number_text(Decimal(str(v)))}" for k, v in question.parameters.items())


def _survey(version: QuestionnaireVersion, default: str, languages: list[str]) -> list[list[Any]]:
    fields = ("label", "hint", "constraint_message", "required_message")
    header = ["type", "name", *(_column(f, lang) for f in fields for lang in languages)]
    header += ["relevant", "constraint", "required", "appearance", "parameters", "points"]
    rows: list[list[Any]] = [header]
    blank = [None] * (len(fields) * len(languages))

    def row(kind: str, name: str, texts: list[Any], rest: list[Any]) -> list[Any]:
        return [kind, name, *texts, *rest]

    if version.introduction:
        texts = _texts(version, "introduction", default, languages) + blank[len(languages) :]
        rows.append(row("note", "intro", texts, [None] * 6))
    for step, question in walk_items(version):
        if step == "close":
            rows.append(row("end group", "", blank, [None] * 6))
            continue
        if step == "open":
            texts = _texts(question, "label", default, languages) + blank[len(languages) :]
            rows.append(
                row("begin group", question.name, texts, [question.relevant, None, None, None, None, None])
            )
            continue
        texts = [
            t for f in fields for t in _texts(question, f, default, languages, "text" if f == "label" else f)
        ]
        rest = [
            question.relevant,
            question.constraint,
            "yes" if question.required else "no",
            question.appearance,
            _parameters(question),
            number_text(question.points) if question.type == "scale" else None,
        ]
        rows.append(row("note" if question.is_note else _type(version, question), question.name, texts, rest))
    return rows


def _choices(version: QuestionnaireVersion, default: str, languages: list[str]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [
            "list_name",
            "name",
            *(_column("label", lang) for lang in languages),
            "weight",
            "counted",
            "satisfied",
        ]
    ]
    for option in version.options:
        if option.list_name == version.scale_list and not version.scored_questions:
            continue
        rows.append(
            [
                option.list_name,
                option.code,
                *_texts(option, "label", default, languages),
                number_text(option.weight) if option.weight is not None else None,
                "yes" if option.counted else "no",
                None if option.satisfied is None else ("yes" if option.satisfied else "no"),
            ]
        )
    return rows


def xlsform_bytes(version: QuestionnaireVersion) -> bytes:
    """The version as an ``.xlsx`` XLSForm workbook."""
    default = language_code(version.language)
    languages = languages_of(version)
    book = Workbook()
    book.remove(book.active)
    sheets = {
        "survey": _survey(version, default, languages),
        "choices": _choices(version, default, languages),
        "settings": [
            ["form_id", "version", "form_title", "default_language"],
            [
                version.key,
                version.form_version or str(version.version),
                version.title,
                LANGUAGE_NAMES.get(default, default),
            ],
        ],
    }
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for values in rows:
            sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
