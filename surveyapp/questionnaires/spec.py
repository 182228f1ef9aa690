"""Read a questionnaire file into a checked, immutable specification.

The file format (YAML) is a public contract::

    id: kunming-2022-pension-satisfaction
    version: 1
    title: ...
    language: zh-CN
    scale:
      - {code: A, label: 非常满意, weight: 1.0}
    questions:
      - {number: 1, text: "...", points: 10}
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from surveyapp.questionnaires.question_types import QUESTION_TYPES

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
MIN_OPTIONS, MAX_OPTIONS = 2, 7
TOP_KEYS = {"id", "version", "title", "language", "introduction", "scale", "questions"}
OPTION_KEYS = {"code", "label", "weight", "counted", "satisfied"}
QUESTION_KEYS = {"number", "text", "points", "type", "required"}


class QuestionnaireFileError(ValueError):
    """A questionnaire file has mistakes; ``problems`` lists each as ``(place, message)``."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [
            f"{source}: {place}: {message}" if place else f"{source}: {message}"
            for place, message in problems
        ]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class OptionSpec:
    """One option of the answer scale."""

    code: str
    label: str
    weight: Decimal
    counted: bool = True
    satisfied: bool | None = None


@dataclass(frozen=True)
class QuestionSpec:
    """One question."""

    number: int
    text: str
    points: Decimal
    type: str = "scale"
    required: bool = True


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

    def content_hash(self) -> str:
        """SHA-256 of the canonical content: equal for equal questionnaires."""
        canonical = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Checker:
    """Collects every problem in a file, so the author can fix them in one go."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, place: str, message: str) -> None:
        self.problems.append((place, message))

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        place: str,
        *,
        required: bool = True,
        max_length: int = 10_000,
    ) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(place, f"missing key '{key}'")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(f"{place}.{key}" if place else key, "must be text")
            return None
        value = str(value).strip()
        if required and not value:
            self.fail(f"{place}.{key}" if place else key, "must not be empty")
        if len(value) > max_length:
            self.fail(f"{place}.{key}" if place else key, f"is longer than {max_length} characters")
        return value

    def number(self, data: Mapping[str, Any], key: str, place: str) -> Decimal | None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(f"{place}.{key}", f"must be a number (got {value!r})")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"{place}.{key}", f"must be a number (got {value!r})")
            return None
        if not number.is_finite():
            self.fail(f"{place}.{key}", f"must be a finite number (got {value!r})")
            return None
        return number

    def flag(self, data: Mapping[str, Any], key: str, place: str, default: bool | None) -> bool | None:
        value = data.get(key, default)
        if value is not None and not isinstance(value, bool):
            self.fail(f"{place}.{key}", f"must be true or false (got {value!r})")
            return default
        return value

    def unknown_keys(self, data: Mapping[str, Any], allowed: set[str], place: str) -> None:
        for key in sorted(set(data) - allowed, key=str):
            self.fail(place, f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")


def _check_option(check: _Checker, raw: Any, place: str) -> OptionSpec | None:
    if not isinstance(raw, Mapping):
        check.fail(place, "each scale option must be a mapping with code, label and weight")
        return None
    check.unknown_keys(raw, OPTION_KEYS, place)
    code = check.text(raw, "code", place, max_length=8)
    label = check.text(raw, "label", place, max_length=100)
    weight = check.number(raw, "weight", place) if "weight" in raw else None
    if "weight" not in raw:
        check.fail(place, "missing key 'weight'")
    elif weight is not None and not Decimal(0) <= weight <= Decimal(1):
        check.fail(f"{place}.weight", f"weight must be between 0 and 1 (got {raw['weight']!r})")
    counted = check.flag(raw, "counted", place, True)
    satisfied = check.flag(raw, "satisfied", place, None)
    if code is None or label is None or weight is None:
        return None
    return OptionSpec(code, label, weight, bool(counted), satisfied)


def _check_scale(check: _Checker, raw: Any) -> tuple[OptionSpec, ...]:
    if not isinstance(raw, list):
        check.fail("scale", "missing or not a list of options")
        return ()
    if not MIN_OPTIONS <= len(raw) <= MAX_OPTIONS:
        check.fail("scale", f"must have {MIN_OPTIONS} to {MAX_OPTIONS} options (has {len(raw)})")
    options = [_check_option(check, item, f"scale[{i}]") for i, item in enumerate(raw)]
    seen: set[str] = set()
    for i, option in enumerate(options):
        if option is not None and option.code in seen:
            check.fail(f"scale[{i}].code", f"duplicate option code '{option.code}'")
        if option is not None:
            seen.add(option.code)
    if options and not any(o is not None and o.counted for o in options):
        check.fail("scale", "at least one option must be counted")
    return tuple(o for o in options if o is not None)


def _check_question(check: _Checker, raw: Any, place: str, default_points: Decimal) -> QuestionSpec | None:
    if not isinstance(raw, Mapping):
        check.fail(place, "each question must be a mapping with number and text")
        return None
    check.unknown_keys(raw, QUESTION_KEYS, place)
    number = raw.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        check.fail(
            f"{place}.number" if "number" in raw else place,
            f"number must be a whole number from 1 (got {number!r})"
            if "number" in raw
            else "missing key 'number'",
        )
        number = None
    text = check.text(raw, "text", place)
    points = check.number(raw, "points", place) if "points" in raw else default_points
    if points is not None and points < 0:
        check.fail(f"{place}.points", f"points must not be negative (got {raw['points']!r})")
    qtype = raw.get("type", "scale")
    if qtype not in QUESTION_TYPES:
        check.fail(f"{place}.type", f"unknown question type {qtype!r} (known: {', '.join(QUESTION_TYPES)})")
    required = check.flag(raw, "required", place, True)
    if number is None or text is None or points is None:
        return None
    return QuestionSpec(number, text, points, str(qtype), bool(required))


def _check_questions(check: _Checker, raw: Any) -> tuple[QuestionSpec, ...]:
    if not isinstance(raw, list) or not raw:
        check.fail("questions", "missing or not a non-empty list of questions")
        return ()
    default_points = (Decimal(100) / len(raw)).quantize(Decimal("0.0001"))
    questions = [
        _check_question(check, item, f"questions[{i}]", default_points) for i, item in enumerate(raw)
    ]
    seen: set[int] = set()
    for i, question in enumerate(questions):
        if question is not None and question.number in seen:
            check.fail(f"questions[{i}].number", f"duplicate question number {question.number}")
        if question is not None:
            seen.add(question.number)
    return tuple(q for q in questions if q is not None)


def parse_questionnaire(data: Any, source: str) -> QuestionnaireSpec:
    """Check a questionnaire given as parsed YAML; raise ``QuestionnaireFileError`` listing every problem."""
    check = _Checker()
    if not isinstance(data, Mapping):
        raise QuestionnaireFileError(
            source, [("", "the file must hold a mapping with id, version, title, scale and questions")]
        )
    check.unknown_keys(data, TOP_KEYS, "")
    key = check.text(data, "id", "", max_length=64)
    if key is not None and not ID_PATTERN.match(key):
        check.fail("id", f"'{key}' is not a valid id: use lowercase letters, digits and hyphens")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        check.fail(
            "version",
            f"must be a whole number from 1 (got {version!r})"
            if "version" in data
            else "missing key 'version'",
        )
    title = check.text(data, "title", "", max_length=300)
    language = check.text(data, "language", "", required=False, max_length=16) or "zh-CN"
    introduction = check.text(data, "introduction", "", required=False)
    scale = _check_scale(check, data.get("scale"))
    questions = _check_questions(check, data.get("questions"))
    if check.problems:
        raise QuestionnaireFileError(source, check.problems)
    assert key is not None and title is not None and isinstance(version, int)
    return QuestionnaireSpec(key, version, title, language, introduction or None, scale, questions)


def read_questionnaire_file(path: Path) -> QuestionnaireSpec:
    """Read and check one YAML questionnaire file."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionnaireFileError(source, [("", f"cannot be read: {error}")]) from error
    return parse_questionnaire_text(text, source)


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a questionnaire needs none, and nested aliases make a
    small file expand into billions of values ("billion laughs") when anything walks it."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Refuse an alias before it is resolved."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)
        return super().compose_node(parent, index)


def parse_questionnaire_text(text: str, source: str) -> QuestionnaireSpec:
    """Check a questionnaire given as YAML text (an uploaded file, for instance)."""
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise QuestionnaireFileError(source, [(place, f"not valid YAML: {problem}")]) from error
    return parse_questionnaire(data, source)
