"""Read an XLSForm workbook (``.xlsx`` or ``.xls``) through pyxform, the converter ODK and
KoboToolbox use, so whatever pyxform accepts is read the same way: legacy spellings
(``select one from``, ``list name``, ``label:English``), upper-case sheet names, ``or_other``,
a missing settings sheet (form_id and title then come from the file name).

What is read: ``select_one`` (a *scale* question when its list carries weights or reads as a
satisfaction scale, see :mod:`surveyapp.questionnaires.defaults`), ``select_multiple``,
``text``, ``integer``, ``decimal``, ``date``, ``range``, ``note``, groups, hints, ``relevant``,
``constraint``, ``required`` and their messages, ``appearance``, every language of every text,
the choices' optional ``weight``, ``counted`` and ``satisfied`` columns, and the survey's
optional ``points`` column. Metadata (``start``, ``end``, ``today``, ``deviceid``,
``calculate``, ...) is left out and the preview says so. Types the platform cannot ask
(``geopoint``, ``image``, ``repeat``, ...) refuse the file naming their row. Every problem is
reported in one round, with sheet, row and column.
"""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from surveyapp.questionnaires.defaults import default_weights, is_dont_know, left_out_remarks, scale_direction
from surveyapp.questionnaires.expressions import ExpressionError, parse
from surveyapp.questionnaires.spec import (
    ID_PATTERN,
    SCALE_LIST,
    GroupSpec,
    OptionSpec,
    QuestionnaireFileError,
    QuestionnaireSpec,
    QuestionSpec,
    Translations,
    language_code,
)
from surveyapp.questionnaires.xlsform_checks import (
    LEFT_OUT,
    check_workbook,
    has_or_other,
    pyxform_spelling,
    read_sheets,
    text_of,
)

TYPES = {
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "range": "range",
    "note": "note",
}
YES = {"yes", "true", "1", "true()", "y"}
MAX_INT = 2_147_483_647


class _Problems:
    """Problems with their place in the workbook, once each."""

    def __init__(self, rows: dict[str, int]) -> None:
        self.items: list[tuple[str, str]] = []
        self.rows = rows

    def at(self, name: str | None, column: str | None, message: str, sheet: str = "survey") -> None:
        row = self.rows.get(name or "")
        if row is not None and column:
            place = _(
                "sheet “%(sheet)s”, row %(row)d, column “%(column)s”", sheet=sheet, row=row, column=column
            )
        elif row is not None:
            place = _("sheet “%(sheet)s”, row %(row)d", sheet=sheet, row=row)
        else:
            place = _("sheet “%(sheet)s”", sheet=sheet)
        self.items.append((place, message))


def _texts(value: Any, default: str | None) -> tuple[str | None, dict[str, str]]:
    """The text in the default language and the others by language code."""
    if value is None:
        return None, {}
    if not isinstance(value, dict):
        return str(value).strip() or None, {}
    by_code = {
        language_code(k) if k != "default" else "default": str(v).strip() for k, v in value.items() if v
    }
    main = by_code.get(default or "") or by_code.get("default") or next(iter(by_code.values()), None)
    return main, {k: v for k, v in by_code.items() if k not in (default, "default")}


class _Reader:
    def __init__(self, form: dict[str, Any], problems: _Problems, default: str | None) -> None:
        self.form = form
        self.problems = problems
        self.default = default
        self.items: list[QuestionSpec] = []
        self.groups: list[GroupSpec] = []
        self.remarks: list[str] = []
        self.left_out: list[tuple[str, str]] = []
        self.lists: dict[str, tuple[OptionSpec, ...]] = {}
        #: names of the questions whose type ends in ``or_other`` in the survey sheet
        self.or_other: set[str] = set()

    def translated(
        self, node: dict[str, Any], fields: dict[str, str]
    ) -> tuple[dict[str, str | None], Translations]:
        main: dict[str, str | None] = {}
        others: Translations = {}
        for ours, theirs in fields.items():
            text, rest = _texts(node.get(theirs), self.default)
            main[ours] = text
            if rest:
                others[ours] = rest
        return main, others

    def expression(self, node: dict[str, Any], key: str, column: str) -> str | None:
        text = (node.get("bind") or {}).get(key)
        if not text:
            return None
        try:
            parse(str(text))
        except ExpressionError as error:
            self.problems.at(node.get("name"), column, _("cannot be read: %(reason)s", reason=str(error)))
        return str(text)

    def walk(self, children: list[dict[str, Any]], group: str | None) -> None:
        previous: QuestionSpec | None = None
        for node in children:
            kind, name = node.get("type", ""), node.get("name", "")
            if kind == "group" and (node.get("control") or {}).get("bodyless"):
                continue  # pyxform's own meta block
            if previous is not None and previous.or_other and name == f"{previous.name}_other":
                continue  # the text box pyxform adds for "or_other": asked with its question
            if kind == "group":
                self.group(node, group)
            elif kind in TYPES or pyxform_spelling(kind):
                previous = self.question(node, group)
            elif kind in LEFT_OUT:
                self.left_out.append((name, kind))
                self.remarks += left_out_remarks([(name, kind)])
            else:
                self.problems.at(
                    name,
                    "type",
                    _(
                        "the question type “%(type)s” cannot be asked here (supported: %(known)s)",
                        type=kind,
                        known=", ".join(sorted(TYPES)),
                    ),
                )

    def group(self, node: dict[str, Any], parent: str | None) -> None:
        main, translations = self.translated(node, {"label": "label"})
        name = node.get("name") or f"group{len(self.groups) + 1}"
        relevant = self.expression(node, "relevant", "relevant")
        self.groups.append(
            GroupSpec(
                name,
                main["label"],
                relevant,
                parent,
                {"label": translations["label"]} if "label" in translations else {},
            )
        )
        self.walk(node.get("children") or [], name)

    def question(self, node: dict[str, Any], group: str | None) -> QuestionSpec:
        spelling = None if node["type"] in TYPES else pyxform_spelling(node["type"])
        kind = TYPES[node["type"]] if spelling is None else spelling[0]
        bind = node.get("bind") or {}
        if spelling and spelling[1] and not bind.get("constraint"):
            bind = {**bind, "constraint": spelling[1]}  # e.g. "phone number": digits only
            node = {**node, "bind": bind}
        name = node["name"]
        main, translations = self.translated(node, {"text": "label", "hint": "hint"})
        if not main["text"] and main["hint"]:
            # a question written with its hint only: ODK shows the hint as its text
            main["text"], main["hint"] = main["hint"], None
            if "hint" in translations:
                translations["text"] = translations.pop("hint")
        messages = {
            "constraint_message": bind.get("jr:constraintMsg"),
            "required_message": bind.get("jr:requiredMsg"),
        }
        for key, value in messages.items():
            text, rest = _texts(value, self.default)
            main[key] = text
            if rest:
                translations[key] = rest
        if not main["text"] and kind != "note":
            self.problems.at(name, "label", _("the question has no label"))
        list_name = node.get("list_name") or node.get("itemset")
        choices = node.get("choices") or []
        or_other = name in self.or_other
        if list_name and list_name not in self.lists:
            self.lists[list_name] = self.options(
                list_name, [c for c in choices if not (or_other and c.get("name") == "other")]
            )
        parameters = {
            k: v for k, v in (node.get("parameters") or {}).items() if k in ("start", "end", "step")
        }
        points = node.get("points")
        spec = QuestionSpec(
            number=None if kind == "note" else sum(1 for q in self.items if q.number is not None) + 1,
            text=main["text"] or name,
            points=self.points(name, points),
            type=kind,
            required=str(bind.get("required", "")).strip().lower() in YES and kind != "note",
            name=name,
            list_name=list_name,
            group=group,
            hint=main["hint"],
            relevant=self.expression(node, "relevant", "relevant"),
            constraint=self.expression(node, "constraint", "constraint"),
            constraint_message=main["constraint_message"],
            required_message=main["required_message"],
            appearance=(node.get("control") or {}).get("appearance"),
            parameters=parameters,
            or_other=or_other,
            translations=translations,
        )
        self.items.append(spec)
        return spec

    def points(self, name: str, value: Any) -> Decimal:
        if value in (None, ""):
            return Decimal(-1)  # filled in once the scored questions are known
        try:
            points = Decimal(str(value))
            if points < 0 or not points.is_finite():
                raise InvalidOperation
            return points
        except InvalidOperation:
            self.problems.at(name, "points", _("“%(value)s” is not a number of points", value=value))
            return Decimal(0)

    def options(self, list_name: str, choices: list[dict[str, Any]]) -> tuple[OptionSpec, ...]:
        options = []
        for choice in choices:
            label, rest = _texts(choice.get("label"), self.default)
            code = str(choice.get("name", "")).strip()
            weight = self.weight(list_name, code, choice.get("weight"))
            counted_text = str(choice.get("counted", "")).strip().lower()
            counted = counted_text in YES if counted_text else not is_dont_know(label or "")
            satisfied_text = str(choice.get("satisfied", "")).strip().lower()
            satisfied = (satisfied_text in YES) if satisfied_text else None
            options.append(
                OptionSpec(code, label or code, weight, counted, satisfied, {"label": rest} if rest else {})
            )
        return tuple(options)

    def weight(self, list_name: str, code: str, value: Any) -> Decimal | None:
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        try:
            weight = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
        except InvalidOperation:
            weight = Decimal(-1)
        if not Decimal(0) <= weight <= Decimal(1):
            self.problems.items.append(
                (
                    _(
                        "sheet “%(sheet)s”, list “%(list)s”, option “%(code)s”, column “%(column)s”",
                        sheet="choices",
                        list=list_name,
                        code=code,
                        column="weight",
                    ),
                    _("weights are between 0 and 1, e.g. 0.9 or 90%% (found “%(value)s”)", value=text),
                )
            )
            return None
        return weight


def _scored_lists(reader: _Reader) -> list[str]:
    """The choice lists select_one questions are scored on, the most used first.

    A list is scored when every counted option carries a weight, or when it reads as a
    satisfaction scale (2 to 7 levels, either order; it then takes the default weights).
    """
    uses: dict[str, int] = {}
    for q in reader.items:
        if q.type == "select_one" and q.list_name:
            uses[q.list_name] = uses.get(q.list_name, 0) + 1
    candidates = []
    for position, (name, options) in enumerate(reader.lists.items()):
        counted = [o for o in options if o.counted]
        weighted = counted and all(o.weight is not None for o in counted)
        if name in uses and (weighted or scale_direction([o.label for o in counted])):
            candidates.append((-uses[name], position, name))
    return [name for _uses, _position, name in sorted(candidates)]


def _weighted(options: tuple[OptionSpec, ...]) -> tuple[OptionSpec, ...]:
    """The options with the default weights filled in where the file gives none."""
    if any(o.weight is None for o in options if o.counted):
        filled = default_weights(options)
        if filled is not None:
            return filled
    return options


def _key(form: dict[str, Any], filename: str) -> str:
    raw = str(form.get("id_string") or Path(filename).stem)
    key = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")[:64].strip("-")
    return key or "questionnaire"


def read_xlsform(data: bytes, filename: str, source: str | None = None) -> QuestionnaireSpec:
    """Read and check an XLSForm workbook; raise ``QuestionnaireFileError`` listing every problem."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    source = source or filename
    suffix = ".xls" if filename.lower().endswith(".xls") else ".xlsx"
    sheets = read_sheets(data, xls=suffix == ".xls")
    if sheets is None:
        raise QuestionnaireFileError(source, [("", _("this is not an Excel workbook (.xlsx or .xls)"))])
    found = check_workbook(sheets)
    if found:
        raise QuestionnaireFileError(source, found)
    with tempfile.TemporaryDirectory() as folder:
        # pyxform takes form_id and title from the file name when the settings sheet lacks them
        path = Path(folder) / ((re.sub(r"[^\w\-]", "_", Path(filename).stem) or "form") + suffix)
        path.write_bytes(data)
        try:
            form = parse_file_to_json(str(path), warnings=[])
        except PyXFormError as error:
            raise QuestionnaireFileError(
                source, [("", _("pyxform refuses the file: %(reason)s", reason=str(error)))]
            ) from error
        except Exception as error:
            raise QuestionnaireFileError(
                source, [("", _("this is not an Excel workbook (.xlsx or .xls)"))]
            ) from error
    form = _restore_quotes(form, sheets)
    survey = sheets["survey"]
    rows = {text_of(c.get("name")): row for row, c in survey.rows if text_of(c.get("name"))}
    problems = _Problems(rows)
    default = form.get("default_language")
    languages = _languages(form)
    default_code = language_code(default) if default and default != "default" else _preferred(languages)
    reader = _Reader(form, problems, default_code)
    reader.or_other = {
        text_of(c.get("name")) for _row, c in survey.rows if has_or_other(text_of(c.get("type")))
    }
    reader.walk(form.get("children") or [], None)
    # The most used scored list is the shared scale; the others stay lists of their own.
    scored_lists = _scored_lists(reader)
    scale_name = scored_lists[0] if scored_lists else None
    scale: tuple[OptionSpec, ...] = ()
    if scale_name:
        scale = _weighted(reader.lists.pop(scale_name))
    for name in scored_lists[1:]:
        reader.lists[name] = _weighted(reader.lists[name])
    scored = [q for q in reader.items if q.type == "select_one" and q.list_name in scored_lists]
    share = (Decimal(100) / len(scored)).quantize(Decimal("0.0001")) if scored else Decimal(0)
    questions = []
    for q in reader.items:
        is_scale = q in scored
        points = q.points if q.points >= 0 else (share if is_scale else Decimal(0))
        questions.append(
            QuestionSpec(
                **{
                    **q.__dict__,
                    "type": "scale" if is_scale else q.type,
                    "points": points,
                    "list_name": SCALE_LIST if is_scale and q.list_name == scale_name else q.list_name,
                }
            )
        )
    if not any(q.number is not None for q in questions):
        problems.at(None, None, _("there is no question the platform can ask"))
    version_text = str(form.get("version") or "").strip() or None
    version = (
        int(version_text)
        if version_text and version_text.isdigit() and 1 <= int(version_text) <= MAX_INT
        else 1
    )
    key = _key(form, filename)
    if not ID_PATTERN.match(key):
        problems.at(None, "form_id", _("“%(id)s” is not a valid id", id=key), sheet="settings")
    if problems.items:
        raise QuestionnaireFileError(source, problems.items)
    title, title_translations = _texts(form.get("title"), default_code)
    introduction: list[str] = []
    intro_translations: dict[str, list[str]] = {}
    while questions and questions[0].number is None and questions[0].group is None and questions[0].text:
        note = questions.pop(0)  # notes before everything introduce the form
        introduction.append(note.text)
        for language, text in note.translations.get("text", {}).items():
            intro_translations.setdefault(language, []).append(text)
    translations = {"title": title_translations} if title_translations else {}
    if intro_translations:
        translations["introduction"] = {k: "\n".join(v) for k, v in intro_translations.items()}
    return QuestionnaireSpec(
        key=key,
        version=version,
        title=(title or key)[:300],
        language="zh-CN" if default_code == "zh" else (default_code or "zh-CN"),
        introduction="\n".join(introduction) or None,
        scale=scale,
        questions=tuple(questions),
        lists=reader.lists,
        groups=tuple(reader.groups),
        form_version=version_text,
        translations=translations,
        remarks=tuple(reader.remarks),
        left_out=tuple(reader.left_out),
    )


SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
EXPRESSION_KEYS = {"relevant", "constraint", "calculation", "choice_filter", "required", "readonly"}


def _restore_quotes(form: Any, sheets: dict[str, Any]) -> Any:
    """The texts as written: pyxform turns “ ” ‘ ’ into ASCII quotes, which Chinese texts need.

    Expressions keep pyxform's ASCII quotes, which is what makes ``${q} = ‘x’`` readable.
    """
    written = {
        text.translate(SMART_QUOTES): text
        for sheet in sheets.values()
        for _row, cells in sheet.rows
        for value in cells.values()
        if isinstance(value, str) and (text := value.strip()) != text.translate(SMART_QUOTES)
    }
    if not written:
        return form

    def restore(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {k: v if k in EXPRESSION_KEYS else restore(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [restore(item, key) for item in node]
        if isinstance(node, str):
            return written.get(node.strip(), node)
        return node

    return restore(form)


def _languages(form: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            label = node.get("label")
            if isinstance(label, dict):
                found.extend(
                    language_code(k) for k in label if k != "default" and language_code(k) not in found
                )
            for child in node.get("children") or []:
                visit(child)

    visit(form)
    return found


def _preferred(languages: list[str]) -> str | None:
    """Without a default_language setting: Chinese if the file has it, else its first language."""
    if "zh" in languages:
        return "zh"
    return languages[0] if languages else None
