"""A checked, immutable specification of a questionnaire version, as both file formats give it.

YAML (:mod:`surveyapp.questionnaires.yaml_format`) and XLSForm
(:mod:`surveyapp.questionnaires.xlsform`) are read into the same :class:`QuestionnaireSpec`, so
both describe the same questionnaire and every later step (storing, asking, scoring, exporting)
has one input.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}\Z")
MIN_OPTIONS, MAX_OPTIONS = 2, 7
SCALE_LIST = "scale"
#: field -> {language: text}: the texts of an item in languages other than the default one
Translations = dict[str, dict[str, str]]


class QuestionnaireFileError(ValueError):
    """A questionnaire file has mistakes; ``problems`` lists each as ``(place, message)``."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        unique: list[tuple[str, str]] = []
        for problem in problems:
            if problem not in unique:
                unique.append(problem)
        self.problems = unique
        lines = [
            f"{source}: {place}: {message}" if place else f"{source}: {message}" for place, message in unique
        ]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class OptionSpec:
    """One option of a choice list."""

    code: str
    label: str
    weight: Decimal | None
    counted: bool = True
    satisfied: bool | None = None
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionSpec:
    """One item: a question of a registry type, or a note (``number`` None)."""

    number: int | None
    text: str
    points: Decimal
    type: str = "scale"
    required: bool = True
    name: str = ""
    list_name: str | None = None
    group: str | None = None
    hint: str | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: str | None = None
    required_message: str | None = None
    appearance: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    or_other: bool = False
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class GroupSpec:
    """A section: a heading over the items that name it."""

    name: str
    label: str | None
    relevant: str | None = None
    parent: str | None = None
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionnaireSpec:
    """A checked questionnaire version, ready to store."""

    key: str
    version: int
    title: str
    language: str
    introduction: str | None
    scale: tuple[OptionSpec, ...]
    questions: tuple[QuestionSpec, ...]
    lists: dict[str, tuple[OptionSpec, ...]] = field(default_factory=dict)
    groups: tuple[GroupSpec, ...] = ()
    form_version: str | None = None
    translations: Translations = field(default_factory=dict)
    #: what the preview must say: how questions are scored, what of the file was left out
    remarks: tuple[str, ...] = ()
    #: the rows of the file that are not asked, as (name, type): ODK device metadata
    left_out: tuple[tuple[str, str], ...] = ()

    def content_hash(self) -> str:
        """SHA-256 of the canonical content: equal for equal questionnaires.

        Fields that a questionnaire of the first file format cannot have are left out while they
        hold their defaults, so a version stored before they existed keeps its hash.
        """
        data = asdict(self)
        data.pop("remarks")
        data.pop("left_out")  # follows from the file's rows, like the remarks
        for key, empty in (("lists", {}), ("groups", []), ("form_version", None), ("translations", {})):
            if data[key] == empty:
                data.pop(key)
        for option in [*data["scale"], *(o for items in data.get("lists", {}).values() for o in items)]:
            _drop_defaults(option, {"translations": {}})
        for question in data["questions"]:
            _drop_defaults(question, {**QUESTION_DEFAULTS, "name": f"q{question['number']}"})
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def answerable(self) -> tuple[QuestionSpec, ...]:
        """The questions, notes left out."""
        return tuple(q for q in self.questions if q.number is not None)


QUESTION_DEFAULTS: dict[str, Any] = {
    "list_name": None,
    "group": None,
    "hint": None,
    "relevant": None,
    "constraint": None,
    "constraint_message": None,
    "required_message": None,
    "appearance": None,
    "parameters": {},
    "or_other": False,
    "translations": {},
}


def _drop_defaults(data: dict[str, Any], defaults: dict[str, Any]) -> None:
    for key, default in defaults.items():
        if key in data and data[key] == default:
            del data[key]


def language_code(name: str) -> str:
    """A language as XLSForm or YAML names it, as a short code.

    >>> [language_code(n) for n in ("Chinese (zh)", "English (en)", "english", "zh-CN", "中文", "fr")]
    ['zh', 'en', 'en', 'zh', 'zh', 'fr']
    """
    text = name.strip()
    match = re.search(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\)\s*$", text)
    if match:
        return match.group(1).lower()
    lowered = text.lower()
    names = {"english": "en", "chinese": "zh", "中文": "zh", "汉语": "zh", "英文": "en", "英语": "en"}
    if lowered in names:
        return names[lowered]
    return re.split(r"[-_ ]", lowered, maxsplit=1)[0] or lowered
