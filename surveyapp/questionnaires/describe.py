"""A stored questionnaire version as JSON for scripts (``surveyapp questionnaire show KEY --json``).

The shape is a public contract: ``id``, ``version`` (the integer sequence), ``form_version``
(the form's own string), ``title``, ``default_language``, ``languages``, ``introduction``,
``scale_list``, ``items`` (every group, note and question in order) and ``lists``.
"""

from __future__ import annotations

from typing import Any

from surveyapp.models import Question, QuestionGroup, QuestionnaireVersion, ScaleOption
from surveyapp.questionnaires.defaults import satisfied_flags
from surveyapp.questionnaires.spec import language_code
from surveyapp.questionnaires.texts import languages_of


def _texts(item: Any, field: str, default: str) -> dict[str, str]:
    """A text by language, the default language first."""
    stored = getattr(item, field, None)
    texts = {default: stored} if stored else {}
    texts.update((item.translations or {}).get(field) or {})
    return texts


def _choice(option: ScaleOption, satisfied: bool, default: str) -> dict[str, Any]:
    return {
        "code": option.code,
        "texts": _texts(option, "label", default),
        "weight": float(option.weight) if option.weight is not None else None,
        "counted": option.counted,
        "satisfied": satisfied,
    }


def _choices(version: QuestionnaireVersion, list_name: str | None, default: str) -> list[dict[str, Any]]:
    options = version.choice_list(list_name)
    flags = satisfied_flags(options) if any(o.weight is not None for o in options) else [False] * len(options)
    return [_choice(o, flag, default) for o, flag in zip(options, flags, strict=True)]


def _question(version: QuestionnaireVersion, question: Question, default: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "note" if question.is_note else "question",
        "number": question.number,
        "name": question.name,
        "type": question.type,
        "group": question.group.name if question.group else None,
        "texts": _texts(question, "text", default),
        "hint": _texts(question, "hint", default) or None,
        "required": question.required,
        "required_message": _texts(question, "required_message", default) or None,
        "relevant": question.relevant,
        "constraint": question.constraint,
        "constraint_message": _texts(question, "constraint_message", default) or None,
        "appearance": question.appearance,
        "parameters": question.parameters or None,
        "or_other": question.or_other,
        "scored": question.type == "scale",
        "points": float(question.points),
    }
    if question.type in ("scale", "select_one", "select_multiple"):
        data["list"] = question.list_name or version.scale_list
        data["choices"] = _choices(version, data["list"], default)
    return data


def _group(group: QuestionGroup, default: str) -> dict[str, Any]:
    return {
        "kind": "group",
        "name": group.name,
        "parent": group.parent.name if group.parent else None,
        "texts": _texts(group, "label", default),
        "relevant": group.relevant,
    }


def version_as_dict(version: QuestionnaireVersion) -> dict[str, Any]:
    """Everything a script needs to know about a stored version, in order."""
    default = language_code(version.language)
    items: list[dict[str, Any]] = []
    started: set[int] = set()
    groups = {g.id: g for g in version.groups}
    for question in version.items:
        chain: list[QuestionGroup] = []
        group_id = question.group_id
        while group_id is not None and group_id not in started:
            chain.insert(0, groups[group_id])
            group_id = groups[group_id].parent_id
        for group in chain:
            started.add(group.id)
            items.append(_group(group, default))
        items.append(_question(version, question, default))
    return {
        "id": version.key,
        "version": version.version,
        "form_version": version.form_version,
        "title": _texts(version, "title", default),
        "default_language": version.language,
        "languages": languages_of(version),
        "introduction": _texts(version, "introduction", default) or None,
        "published": version.is_published,
        "scale_list": version.scale_list,
        "left_out": [{"name": name, "type": kind} for name, kind in version.left_out or ()],
        "items": items,
        "questions": [item for item in items if item["kind"] == "question"],
    }
