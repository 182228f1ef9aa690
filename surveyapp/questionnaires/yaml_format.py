"""Read the YAML questionnaire format (a public contract) into a :class:`QuestionnaireSpec`.

The first format (``scale`` and numbered ``questions``) is still read as it was. It grows the
way XLSForm does::

    id: kunming-2022-pension-survey        # lowercase letters, digits, hyphens
    version: 1                             # the integer sequence; form_version: any string
    title: ...
    language: zh-CN                        # the default language of the texts
    translations: {en: {title: ..., introduction: ...}}
    scale: [{code: A, label: 非常满意, weight: 1.0, translations: {en: {label: Very satisfied}}}]
    lists:                                 # choice lists of select_one / select_multiple
      gender: [{code: m, label: 男}, {code: f, label: 女}]
    questions:
      - {group: profile, label: 基本信息, questions: [...]}   # a section with a heading
      - {type: select_one, list: gender, name: gender, text: 您的性别}
      - {type: note, text: ...}
      - {number: 1, text: ..., points: 10, hint: ..., relevant: "${q1} = 'D'"}

Every problem of a file is reported in one round, in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from flask_babel import gettext as _

from surveyapp.questionnaires.defaults import default_weights
from surveyapp.questionnaires.expressions import ExpressionError, parse
from surveyapp.questionnaires.question_types import QUESTION_TYPES
from surveyapp.questionnaires.spec import (
    ID_PATTERN,
    MAX_OPTIONS,
    MIN_OPTIONS,
    NAME_PATTERN,
    SCALE_LIST,
    GroupSpec,
    OptionSpec,
    QuestionnaireFileError,
    QuestionnaireSpec,
    QuestionSpec,
    Translations,
    language_code,
)

TOP_KEYS = {
    "id",
    "version",
    "form_version",
    "title",
    "language",
    "introduction",
    "scale",
    "lists",
    "questions",
    "translations",
}
OPTION_KEYS = {"code", "label", "weight", "counted", "satisfied", "translations"}
QUESTION_KEYS = {
    "number",
    "text",
    "label",
    "points",
    "type",
    "required",
    "name",
    "list",
    "hint",
    "relevant",
    "constraint",
    "constraint_message",
    "required_message",
    "appearance",
    "or_other",
    "start",
    "end",
    "step",
    "translations",
}
GROUP_KEYS = {"group", "label", "relevant", "questions", "translations"}
TEXT_FIELDS = ("text", "hint", "constraint_message", "required_message")


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
        at = f"{place}.{key}" if place else key
        if value is None:
            if required:
                self.fail(place, _("missing key “%(key)s”", key=key))
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(at, _("must be text"))
            return None
        value = str(value).strip()
        if required and not value:
            self.fail(at, _("must not be empty"))
        if len(value) > max_length:
            self.fail(at, _("is longer than %(count)d characters", count=max_length))
        return value or None

    def number(self, data: Mapping[str, Any], key: str, place: str) -> Decimal | None:
        value = data.get(key)
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise InvalidOperation
            number = Decimal(str(value))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.fail(f"{place}.{key}", _("must be a number (found “%(value)s”)", value=value))
            return None
        return number

    def flag(self, data: Mapping[str, Any], key: str, place: str, default: bool | None) -> bool | None:
        value = data.get(key, default)
        if value is not None and not isinstance(value, bool):
            self.fail(f"{place}.{key}", _("must be true or false (found “%(value)s”)", value=value))
            return default
        return value

    def unknown_keys(self, data: Mapping[str, Any], allowed: set[str], place: str) -> None:
        for key in sorted(set(data) - allowed, key=str):
            self.fail(
                place,
                _(
                    "unknown key “%(key)s” (allowed: %(allowed)s)",
                    key=key,
                    allowed=", ".join(sorted(allowed)),
                ),
            )

    def expression(self, data: Mapping[str, Any], key: str, place: str) -> str | None:
        text = self.text(data, key, place, required=False)
        if text is not None:
            try:
                parse(text)
            except ExpressionError as error:
                self.fail(f"{place}.{key}", _("cannot be read: %(reason)s", reason=str(error)))
        return text

    def translations(self, data: Mapping[str, Any], place: str, fields: tuple[str, ...]) -> Translations:
        raw = data.get("translations")
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.fail(f"{place}.translations", _("must map languages to texts, e.g. {en: {text: ...}}"))
            return {}
        result: Translations = {}
        for language, texts in raw.items():
            at = f"{place}.translations.{language}"
            if not isinstance(texts, Mapping):
                self.fail(at, _("must map fields to texts"))
                continue
            self.unknown_keys(texts, set(fields), at)
            for key in fields:
                text = self.text(texts, key, at, required=False)
                if text:
                    result.setdefault(key, {})[language_code(str(language))] = text
        return result


def _option(check: _Checker, raw: Any, place: str) -> OptionSpec | None:
    if not isinstance(raw, Mapping):
        check.fail(place, _("each option must be a mapping with code and label"))
        return None
    check.unknown_keys(raw, OPTION_KEYS, place)
    code = check.text(raw, "code", place, max_length=64)
    label = check.text(raw, "label", place, max_length=500)
    weight = check.number(raw, "weight", place) if raw.get("weight") is not None else None
    if weight is not None and not Decimal(0) <= weight <= Decimal(1):
        check.fail(
            f"{place}.weight", _("weight must be between 0 and 1 (found “%(value)s”)", value=raw["weight"])
        )
    counted = check.flag(raw, "counted", place, True)
    satisfied = check.flag(raw, "satisfied", place, None)
    translations = check.translations(raw, place, ("label",))
    if code is None or label is None:
        return None
    return OptionSpec(code, label, weight, bool(counted), satisfied, translations)


def _choice_list(check: _Checker, raw: Any, place: str, *, scale: bool) -> tuple[OptionSpec, ...]:
    if not isinstance(raw, list) or not raw:
        check.fail(place, _("missing or not a list of options"))
        return ()
    options = [_option(check, item, f"{place}[{i}]") for i, item in enumerate(raw)]
    seen: set[str] = set()
    for i, option in enumerate(options):
        if option is not None and option.code in seen:
            check.fail(f"{place}[{i}].code", _("duplicate option code “%(code)s”", code=option.code))
        if option is not None:
            seen.add(option.code)
    kept = tuple(o for o in options if o is not None)
    return _as_scale(check, kept, place) if scale else kept


def _as_scale(check: _Checker, kept: tuple[OptionSpec, ...], place: str) -> tuple[OptionSpec, ...]:
    """A list that scale questions are scored on: 2 to 7 counted options, each with a weight."""
    counted = [o for o in kept if o.counted]
    if not MIN_OPTIONS <= len(counted) <= MAX_OPTIONS:
        check.fail(
            place,
            _(
                "a scale has %(low)d to %(high)d counted options (has %(count)d)",
                low=MIN_OPTIONS,
                high=MAX_OPTIONS,
                count=len(counted),
            ),
        )
    if kept and any(o.weight is None for o in counted):
        filled = default_weights(kept)
        if filled is None:
            check.fail(place, _("give every counted option of the scale a weight between 0 and 1"))
        else:
            kept = filled
    return kept


def _scored_lists(
    check: _Checker, items: list[QuestionSpec], lists: dict[str, tuple[OptionSpec, ...]]
) -> None:
    """Check (and weigh by default) every list of its own that a scale question is scored on."""
    for name in dict.fromkeys(i.list_name for i in items if i.type == "scale" and i.list_name != SCALE_LIST):
        if name in lists:
            lists[name] = _as_scale(check, lists[name], f"lists.{name}")


class _Items:
    """Walks the (possibly grouped) question list, numbering questions and naming items."""

    def __init__(self, check: _Checker, scale_count: int, weighted: frozenset[str] = frozenset()) -> None:
        self.check = check
        #: lists whose every counted option has a weight: a select_one on one of them is scored
        self.weighted = weighted
        self.items: list[QuestionSpec] = []
        self.groups: list[GroupSpec] = []
        self.numbers: set[int] = set()
        self.names: set[str] = set()
        self.next_number = 1
        self.default_points = (
            (Decimal(100) / scale_count).quantize(Decimal("0.0001")) if scale_count else Decimal(0)
        )

    def walk(self, raw: Any, place: str, group: str | None) -> None:
        if not isinstance(raw, list) or not raw:
            self.check.fail(place, _("missing or not a non-empty list of questions"))
            return
        for i, item in enumerate(raw):
            at = f"{place}[{i}]"
            if isinstance(item, Mapping) and "group" in item:
                self.group(item, at, group)
            else:
                self.question(item, at, group)

    def group(self, raw: Mapping[str, Any], place: str, parent: str | None) -> None:
        self.check.unknown_keys(raw, GROUP_KEYS, place)
        name = self.check.text(raw, "group", place, max_length=64)
        if name is not None and not NAME_PATTERN.match(name):
            self.check.fail(f"{place}.group", _("“%(name)s” is not a valid name", name=name))
        label = self.check.text(raw, "label", place, required=False)
        relevant = self.check.expression(raw, "relevant", place)
        translations = self.check.translations(raw, place, ("label",))
        name = name or f"group{len(self.groups) + 1}"
        if name in self.names:
            self.check.fail(f"{place}.group", _("duplicate name “%(name)s”", name=name))
        self.names.add(name)
        self.groups.append(GroupSpec(name, label, relevant, parent, translations))
        self.walk(raw.get("questions"), f"{place}.questions", name)

    def question(self, raw: Any, place: str, group: str | None) -> None:
        check = self.check
        if not isinstance(raw, Mapping):
            check.fail(place, _("each question must be a mapping with number and text"))
            return
        check.unknown_keys(raw, QUESTION_KEYS, place)
        kind = _kind(raw, self.weighted)
        if kind not in QUESTION_TYPES:
            check.fail(
                f"{place}.type",
                _(
                    "unknown question type “%(type)s” (known: %(known)s)",
                    type=kind,
                    known=", ".join(QUESTION_TYPES),
                ),
            )
            return
        number = self.number(raw, place, answerable=kind != "note")
        text = check.text(raw, "label" if "label" in raw and "text" not in raw else "text", place)
        name = check.text(raw, "name", place, required=False, max_length=64)
        name = name or (f"q{number}" if number is not None else f"note{len(self.items) + 1}")
        if not NAME_PATTERN.match(name):
            check.fail(f"{place}.name", _("“%(name)s” is not a valid name", name=name))
        if name in self.names:
            check.fail(f"{place}.name", _("duplicate name “%(name)s”", name=name))
        self.names.add(name)
        points = check.number(raw, "points", place) if "points" in raw else None
        if points is not None and points < 0:
            check.fail(
                f"{place}.points", _("points must not be negative (found “%(value)s”)", value=raw["points"])
            )
        if points is None:
            points = self.default_points if kind == "scale" else Decimal(0)
        parameters = {key: raw[key] for key in ("start", "end", "step") if key in raw}
        list_name = check.text(raw, "list", place, required=False, max_length=64)
        if kind == "scale":
            list_name = list_name or SCALE_LIST
        if text is None:
            return
        self.items.append(
            QuestionSpec(
                number=number,
                text=text,
                points=points,
                type=kind,
                required=bool(check.flag(raw, "required", place, kind != "note")) and kind != "note",
                name=name,
                list_name=list_name,
                group=group,
                hint=check.text(raw, "hint", place, required=False),
                relevant=check.expression(raw, "relevant", place),
                constraint=check.expression(raw, "constraint", place),
                constraint_message=check.text(raw, "constraint_message", place, required=False),
                required_message=check.text(raw, "required_message", place, required=False),
                appearance=check.text(raw, "appearance", place, required=False, max_length=100),
                parameters=parameters,
                or_other=bool(check.flag(raw, "or_other", place, False)),
                translations=check.translations(raw, place, TEXT_FIELDS),
            )
        )

    def number(self, raw: Mapping[str, Any], place: str, *, answerable: bool) -> int | None:
        if not answerable:
            return None
        number = raw.get("number", self.next_number)
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            self.check.fail(
                f"{place}.number", _("number must be a whole number from 1 (found “%(value)s”)", value=number)
            )
            return None
        if number in self.numbers:
            self.check.fail(f"{place}.number", _("duplicate question number %(number)d", number=number))
        self.numbers.add(number)
        self.next_number = max(self.next_number, number + 1)
        return number


def _kind(raw: Mapping[str, Any], weighted: frozenset[str]) -> str:
    """A question's type; a ``select_one`` on a list whose options all carry weights is scored."""
    kind = str(raw.get("type", "scale"))
    return "scale" if kind == "select_one" and str(raw.get("list")) in weighted else kind


def _weighted_lists(lists: Mapping[str, tuple[OptionSpec, ...]]) -> frozenset[str]:
    return frozenset(
        name
        for name, options in lists.items()
        if any(o.counted for o in options) and all(o.weight is not None for o in options if o.counted)
    )


def _count_scale_questions(raw: Any, weighted: frozenset[str] = frozenset()) -> int:
    if not isinstance(raw, list):
        return 0
    count = 0
    for item in raw:
        if isinstance(item, Mapping) and "group" in item:
            count += _count_scale_questions(item.get("questions"), weighted)
        elif isinstance(item, Mapping) and _kind(item, weighted) == "scale":
            count += 1
    return count


def check_references(
    check: _Checker, items: list[QuestionSpec], lists: dict[str, tuple[OptionSpec, ...]], has_scale: bool
) -> None:
    """Choice lists that exist, and ``relevant`` naming only earlier questions."""
    for i, item in enumerate(items):
        needs_list = QUESTION_TYPES[item.type].has_choices
        if item.type == "scale" and item.list_name == SCALE_LIST and not has_scale:
            check.fail(f"questions[{i}]", _("a scale question needs the questionnaire's scale"))
        elif needs_list and item.list_name != SCALE_LIST and item.list_name not in lists:
            check.fail(
                f"questions[{i}].list", _("no choice list named “%(list)s”", list=item.list_name or "")
            )


def parse_questionnaire_data(data: Any, source: str) -> QuestionnaireSpec:
    """Check a questionnaire given as parsed YAML; raise ``QuestionnaireFileError`` listing every problem."""
    check = _Checker()
    if not isinstance(data, Mapping):
        raise QuestionnaireFileError(
            source, [("", _("the file must hold a mapping with id, version, title and questions"))]
        )
    check.unknown_keys(data, TOP_KEYS, "")
    key = check.text(data, "id", "", max_length=64)
    if key is not None and not ID_PATTERN.match(key):
        check.fail("id", _("“%(id)s” is not a valid id: use lowercase letters, digits and hyphens", id=key))
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        check.fail(
            "version",
            _("must be a whole number from 1 (found “%(value)s”)", value=version)
            if "version" in data
            else _("missing key “%(key)s”", key="version"),
        )
    form_version = check.text(data, "form_version", "", required=False, max_length=255)
    title = check.text(data, "title", "", max_length=300)
    language = check.text(data, "language", "", required=False, max_length=16) or "zh-CN"
    introduction = check.text(data, "introduction", "", required=False)
    translations = check.translations(data, "", ("title", "introduction"))
    scale = _choice_list(check, data["scale"], "scale", scale=True) if "scale" in data else ()
    lists: dict[str, tuple[OptionSpec, ...]] = {}
    raw_lists = data.get("lists") or {}
    if not isinstance(raw_lists, Mapping):
        check.fail("lists", _("must map list names to lists of options"))
        raw_lists = {}
    for name, options in raw_lists.items():
        lists[str(name)] = _choice_list(check, options, f"lists.{name}", scale=False)
    weighted = _weighted_lists(lists)
    walker = _Items(check, _count_scale_questions(data.get("questions"), weighted), weighted)
    walker.walk(data.get("questions"), "questions", None)
    check_references(check, walker.items, lists, bool(scale))
    _scored_lists(check, walker.items, lists)
    if check.problems:
        raise QuestionnaireFileError(source, check.problems)
    assert key is not None and title is not None and isinstance(version, int)
    return QuestionnaireSpec(
        key,
        version,
        title,
        language,
        introduction,
        scale,
        tuple(walker.items),
        lists,
        tuple(walker.groups),
        form_version,
        translations,
    )


class NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a questionnaire needs none, and nested aliases make a
    small file expand into billions of values ("billion laughs") when anything walks it."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Refuse an alias before it is resolved."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)
        return super().compose_node(parent, index)


def parse_yaml_text(text: str, source: str) -> QuestionnaireSpec:
    """Check a questionnaire given as YAML text."""
    try:
        data = yaml.load(text, Loader=NoAliasLoader)  # nosec B506 - a SafeLoader that also refuses aliases
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        place = (
            _("line %(line)d, column %(column)d", line=mark.line + 1, column=mark.column + 1) if mark else ""
        )
        problem = getattr(error, "problem", None) or str(error)
        raise QuestionnaireFileError(
            source, [(place, _("not valid YAML: %(problem)s", problem=problem))]
        ) from error
    return parse_questionnaire_data(data, source)
