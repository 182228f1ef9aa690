"""Read a questionnaire from an XLSForm workbook (the ODK / KoboToolbox standard).

* ``survey`` sheet: ``type``, ``name``, ``label`` (or ``label::Chinese (zh)`` and the like), and
  optionally ``required`` (``yes``/``no``, XLSForm's default is no) and ``points``. Every
  ``select_one LIST`` row becomes a scale question; all of them must share one choice list, which
  becomes the questionnaire's scale. Notes, groups and metadata rows (``start``, ``end``, ...)
  are skipped; other question types are refused.
* ``choices`` sheet: ``list_name``, ``name`` (the option code), ``label``, and ``weight`` on 0..1
  (``0.9`` or ``90%``); optionally ``counted`` and ``satisfied`` (``yes``/``no``).
* ``settings`` sheet (optional): ``form_id`` (the questionnaire's id; ``_`` becomes ``-``),
  ``version`` (a whole number, default 1), ``form_title``, ``default_language``.

Every problem names its sheet, row and column.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from surveyapp.questionnaires.spec import QuestionnaireFileError, QuestionnaireSpec, parse_questionnaire

SKIPPED_TYPES = {
    "note", "begin group", "end group", "begin_group", "end_group", "start", "end", "today",
    "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email", "audit",
    "calculate", "hidden", "start-geopoint",
}  # fmt: skip
YES = {"yes", "true", "1", "true()", "y"}
NO = {"no", "false", "0", "false()", "n", ""}
LANGUAGE_IN_LABEL = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)\)\s*$")


@dataclass
class Sheet:
    """A worksheet as its header (lowercased name -> column) and its non-empty rows."""

    title: str
    headers: dict[str, str]  # normalised header -> header as written
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def has(self, column: str) -> bool:
        """Whether the sheet has this column."""
        return column in self.headers


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, sheet: Sheet | str, row: int | None, column: str | None, message: str) -> None:
        title = sheet.title if isinstance(sheet, Sheet) else sheet
        written = sheet.headers.get(column, column) if isinstance(sheet, Sheet) and column else column
        if row is not None and written:
            place = _(
                "sheet “%(sheet)s”, row %(row)d, column “%(column)s”", sheet=title, row=row, column=written
            )
        elif row is not None:
            place = _("sheet “%(sheet)s”, row %(row)d", sheet=title, row=row)
        else:
            place = _("sheet “%(sheet)s”", sheet=title)
        self.items.append((place, message))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_sheet(worksheet: Any) -> Sheet:
    rows = worksheet.iter_rows(values_only=True)
    header_row = next(rows, ()) or ()
    written = [_text(h) for h in header_row]
    headers = {h.lower(): h for h in written if h}
    sheet = Sheet(worksheet.title, headers)
    for number, values in enumerate(rows, start=2):
        cells = {w.lower(): v for w, v in zip(written, values, strict=False) if w}
        if any(_text(v) for v in cells.values()):
            sheet.rows.append((number, cells))
    return sheet


def _label_column(sheet: Sheet, preferred: str | None) -> tuple[str | None, str | None]:
    """The label column to use and the language it names: plain ``label``, else Chinese, else the first."""
    if sheet.has("label"):
        return "label", None
    labelled = [h for h in sheet.headers if h.startswith("label::")]
    if not labelled:
        return None, None

    def rank(header: str) -> int:
        name = header.split("::", 1)[1]
        if preferred and name == preferred.lower():
            return 0
        return 1 if ("zh" in name or "chinese" in name or "中文" in name) else 2

    chosen = sorted(labelled, key=rank)[0]
    match = LANGUAGE_IN_LABEL.search(chosen)
    return chosen, match.group(1) if match else None


def _language(code: str | None) -> str:
    if not code:
        return "zh-CN"
    return "zh-CN" if code.lower().startswith("zh") else code


def _flag(problems: _Problems, sheet: Sheet, row: int, column: str, value: Any, default: bool) -> bool:
    text = _text(value).lower()
    if column not in sheet.headers or text == "":
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    problems.add(sheet, row, column, _("write yes or no (found “%(value)s”)", value=_text(value)))
    return default


def _weight(problems: _Problems, sheet: Sheet, row: int, value: Any) -> Decimal | None:
    text = _text(value)
    if not text:
        problems.add(sheet, row, "weight", _("every option needs a weight between 0 and 1"))
        return None
    try:
        weight = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        problems.add(sheet, row, "weight", _("“%(value)s” is not a number", value=text))
        return None
    if not Decimal(0) <= weight <= Decimal(1):
        problems.add(
            sheet,
            row,
            "weight",
            _("weights are between 0 and 1, e.g. 0.9 or 90%% (found “%(value)s”)", value=text),
        )
        return None
    return weight


def _questions(
    problems: _Problems, survey: Sheet, label: str | None
) -> tuple[list[dict[str, Any]], str | None, list[int], str]:
    """The scale questions, their shared choice list, the row of each question, the introduction."""
    questions: list[dict[str, Any]] = []
    rows: list[int] = []
    intro: list[str] = []
    list_name: str | None = None
    for row, cells in survey.rows:
        kind = " ".join(_text(cells.get("type")).split())
        if kind.lower() == "note" and not questions and label and _text(cells.get(label)):
            intro.append(_text(cells.get(label)))  # notes before the first question introduce it
            continue
        if not kind or kind.lower() in SKIPPED_TYPES:
            continue
        parts = kind.split(" ")
        if parts[0].lower() != "select_one" or len(parts) != 2:
            problems.add(
                survey,
                row,
                "type",
                _(
                    "question type “%(type)s” is not supported: "
                    "use select_one questions (scale questions) and notes",
                    type=kind,
                ),
            )
            continue
        if list_name is None:
            list_name = parts[1]
        elif parts[1] != list_name:
            problems.add(
                survey,
                row,
                "type",
                _(
                    "every select_one question must use the same choice list “%(list)s” "
                    "(this row uses “%(other)s”)",
                    list=list_name,
                    other=parts[1],
                ),
            )
        text = _text(cells.get(label)) if label else ""
        if not text:
            problems.add(survey, row, label or "label", _("the question has no label"))
        question: dict[str, Any] = {"number": len(questions) + 1, "text": text or "?"}
        question["required"] = _flag(problems, survey, row, "required", cells.get("required"), False)
        if _text(cells.get("points")):
            question["points"] = _text(cells.get("points"))
        questions.append(question)
        rows.append(row)
    if not questions:
        problems.add(survey, None, None, _("there is no select_one question"))
    return questions, list_name, rows, "\n".join(intro)


def _scale(
    problems: _Problems, choices: Sheet, list_name: str, label: str | None
) -> tuple[list[dict[str, Any]], list[int]]:
    options: list[dict[str, Any]] = []
    rows: list[int] = []
    for row, cells in choices.rows:
        if _text(cells.get("list_name")) != list_name:
            continue
        code, text = _text(cells.get("name")), _text(cells.get(label)) if label else ""
        if not code:
            problems.add(choices, row, "name", _("the option has no name (its code, e.g. A)"))
        if not text:
            problems.add(choices, row, label or "label", _("the option has no label"))
        option: dict[str, Any] = {"code": code or "?", "label": text or "?"}
        weight = _weight(problems, choices, row, cells.get("weight"))
        option["weight"] = str(weight) if weight is not None else "0"
        option["counted"] = _flag(problems, choices, row, "counted", cells.get("counted"), True)
        if _text(cells.get("satisfied")):
            option["satisfied"] = _flag(problems, choices, row, "satisfied", cells.get("satisfied"), False)
        options.append(option)
        rows.append(row)
    if not options:
        problems.add(
            choices, None, "list_name", _("the choice list “%(list)s” has no options", list=list_name)
        )
    return options, rows


def _settings(problems: _Problems, settings: Sheet | None) -> dict[str, str]:
    if settings is None or not settings.rows:
        return {}
    row, cells = settings.rows[0]
    values = {key: _text(cells.get(key)) for key in ("form_id", "version", "form_title", "default_language")}
    values["_row"] = str(row)
    return values


def _top_level(problems: _Problems, settings: Sheet | None, values: dict[str, str]) -> dict[str, Any]:
    title_sheet = settings.title if settings is not None else "settings"
    row = int(values.get("_row", "2"))
    data: dict[str, Any] = {}
    key = values.get("form_id", "").lower().replace("_", "-").replace(" ", "-")
    if not key:
        problems.add(
            settings or title_sheet,
            row,
            "form_id",
            _("the questionnaire needs an id in form_id, e.g. kunming-2022-satisfaction"),
        )
    data["id"] = key or "missing"
    version = values.get("version") or "1"
    if not version.isdigit() or int(version) < 1:
        problems.add(
            settings or title_sheet,
            row,
            "version",
            _("the version must be a whole number from 1 (found “%(value)s”)", value=version),
        )
        version = "1"
    data["version"] = int(version)
    if not values.get("form_title"):
        problems.add(
            settings or title_sheet, row, "form_title", _("the questionnaire needs a title in form_title")
        )
    data["title"] = values.get("form_title") or "?"
    return data


def _sheets(data: bytes, source: str) -> dict[str, Sheet]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise QuestionnaireFileError(source, [("", _("this is not an Excel workbook (.xlsx)"))]) from error
    try:
        return {ws.title.strip().lower(): _read_sheet(ws) for ws in workbook.worksheets}
    finally:
        workbook.close()


def read_xlsform(data: bytes, source: str) -> QuestionnaireSpec:
    """Read and check an XLSForm workbook; raise ``QuestionnaireFileError`` listing every problem."""
    sheets = _sheets(data, source)
    problems = _Problems()
    survey, choices, settings = sheets.get("survey"), sheets.get("choices"), sheets.get("settings")
    for name, sheet in (("survey", survey), ("choices", choices)):
        if sheet is None:
            problems.add(name, None, None, _("the workbook has no sheet named “%(name)s”", name=name))
    if survey is None or choices is None:
        raise QuestionnaireFileError(source, problems.items)
    values = _settings(problems, settings)
    label, language = _label_column(survey, values.get("default_language"))
    questions, list_name, question_rows, introduction = _questions(problems, survey, label)
    choice_label, _choice_language = _label_column(choices, values.get("default_language"))
    scale, scale_rows = _scale(problems, choices, list_name, choice_label) if list_name else ([], [])
    spec_data = _top_level(problems, settings, values)
    spec_data.update(language=_language(language), scale=scale, questions=questions)
    if introduction:
        spec_data["introduction"] = introduction
    if problems.items:
        raise QuestionnaireFileError(source, problems.items)
    places = _Places(survey, choices, settings, question_rows, scale_rows, label, choice_label)
    try:
        return parse_questionnaire(spec_data, source)
    except QuestionnaireFileError as error:
        raise QuestionnaireFileError(source, [(places.locate(p), m) for p, m in error.problems]) from error


@dataclass
class _Places:
    """Turns the YAML-style places of the common checks (``questions[2].text``) into sheet, row, column."""

    survey: Sheet
    choices: Sheet
    settings: Sheet | None
    question_rows: list[int]
    scale_rows: list[int]
    label: str | None
    choice_label: str | None

    def locate(self, place: str) -> str:
        """The place in the workbook."""
        match = re.match(r"^(questions|scale)\[(\d+)\](?:\.(\w+))?$", place)
        problems = _Problems()
        if match:
            is_question = match.group(1) == "questions"
            sheet = self.survey if is_question else self.choices
            rows = self.question_rows if is_question else self.scale_rows
            index = int(match.group(2))
            columns = {"text": self.label, "label": self.choice_label, "code": "name", "number": "name"}
            column = columns.get(match.group(3) or "", match.group(3))
            problems.add(sheet, rows[index] if index < len(rows) else None, column, "")
        elif place in ("id", "version", "title"):
            column = {"id": "form_id", "version": "version", "title": "form_title"}[place]
            problems.add(self.settings or "settings", 2, column, "")
        elif place in ("scale", "questions"):
            problems.add(self.choices if place == "scale" else self.survey, None, None, "")
        else:
            return place
        return problems.items[0][0]
