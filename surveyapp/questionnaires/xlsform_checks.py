"""Checks of an XLSForm workbook's own cells, run before pyxform reads it.

pyxform stops at the first mistake it finds; the author should see every mistake at once, each
with its sheet, row and column. This pass reads the raw sheets (as pyxform does: sheet names and
headers in any case, ``list name`` for ``list_name``, ``label:English`` for ``label::English``)
and reports what it can place; pyxform then checks the rest.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from surveyapp.questionnaires.expressions import ExpressionError, parse

SUPPORTED = {
    "select_one",
    "select_multiple",
    "text",
    "integer",
    "decimal",
    "date",
    "range",
    "note",
    "begin group",
    "end group",
}
LEFT_OUT = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "calculate",
    "hidden",
    "start-geopoint",
    "imei",
    "uri:deviceid",
}
ALIASES = {
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "begin_group": "begin group",
    "end_group": "end group",
    "select multiple": "select_multiple",
    "add select one prompt using": "select_one",
    "add select multiple prompt using": "select_multiple",
}
#: pyxform's ways of writing "with an 'other' option and its text" after a select's list name
OR_OTHER = re.compile(r"\s+(or specify other|or_other|or other)$", re.IGNORECASE)
#: the value types of pyxform's input questions, as the platform's types
_INPUT_TYPES = {"string": "text", "int": "integer", "decimal": "decimal", "date": "date"}


def pyxform_spelling(kind: str) -> tuple[str, str | None] | None:
    """The platform's type for another of pyxform's spellings of a text, number, date or note
    question (``string``, ``int``, ``q int``, ``add text prompt``, ``phone number``,
    ``percentage``, …), with the constraint pyxform gives that spelling; None for anything else.
    """
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    entry = QUESTION_TYPE_DICT.get(kind)
    if entry is None or "select" in kind or "external" in kind:
        return None
    control, bind = entry.get("control") or {}, entry.get("bind") or {}
    if control.get("tag") != "input" or any(key.startswith("jr:preload") for key in bind):
        return None
    if bind.get("readonly") == "true()":
        return "note", None
    ours = _INPUT_TYPES.get(str(bind.get("type")))
    return (ours, bind.get("constraint")) if ours else None


def has_or_other(type_text: str) -> bool:
    """Whether a survey row's type asks for an "other" option with its text."""
    return OR_OTHER.search(" ".join(type_text.split())) is not None


@dataclass
class Sheet:
    """A worksheet as its header (normalised name -> name as written) and its non-empty rows."""

    title: str
    headers: dict[str, str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def has(self, column: str) -> bool:
        """Whether the sheet has this column."""
        return column in self.headers


class Problems:
    """Problems with their place, in the user's language."""

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
        elif written:
            place = _("sheet “%(sheet)s”, column “%(column)s”", sheet=title, column=written)
        else:
            place = _("sheet “%(sheet)s”", sheet=title)
        self.items.append((place, message))


def text_of(value: Any) -> str:
    """A cell as text: ``1.0`` read as ``1``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _normal(header: str) -> str:
    header = " ".join(header.split()).lower()
    header = re.sub(
        r"^(label|hint|constraint_message|required_message|media::\w+|image|audio|video):(?!:)",
        r"\1::",
        header,
    )
    return {
        "list name": "list_name",
        "constraint message": "constraint_message",
        "required message": "required_message",
    }.get(header, header)


def _sheet(title: str, rows: list[list[Any]]) -> Sheet:
    written = [text_of(h) for h in (rows[0] if rows else [])]
    sheet = Sheet(title, {_normal(h): h for h in written if h})
    for number, values in enumerate(rows[1:], start=2):
        cells = {_normal(w): v for w, v in zip(written, values, strict=False) if w}
        if any(text_of(v) for v in cells.values()):
            sheet.rows.append((number, cells))
    return sheet


def read_sheets(data: bytes, xls: bool) -> dict[str, Sheet] | None:
    """Every sheet by its lower-case name, or None when the file is not a workbook."""
    try:
        if xls:
            import xlrd

            book = xlrd.open_workbook(file_contents=data)
            return {
                s.name.strip().lower(): _sheet(s.name, _bounded(s.row_values(i) for i in range(s.nrows)))
                for s in book.sheets()
            }
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return {
                ws.title.strip().lower(): _sheet(ws.title, _bounded(ws.iter_rows(values_only=True)))
                for ws in workbook.worksheets
            }
        finally:
            workbook.close()
    except Exception:
        return None


#: A questionnaire's sheet ends at the first run of this many empty rows (a sheet formatted down
#: to Excel's last row would otherwise be read a million rows long) ...
EMPTY_RUN = 200
#: ... and is never read beyond this many rows.
MAX_ROWS = 20_000


def _bounded(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """A sheet's rows up to its last written one, without the empty rows after it."""
    kept: list[list[Any]] = []
    empty = 0
    for row in rows:
        if len(kept) + empty >= MAX_ROWS:
            break
        if all(cell is None or str(cell).strip() == "" for cell in row):
            empty += 1
            if empty >= EMPTY_RUN:
                break
            continue
        kept += [[] for _ in range(empty)]  # empty rows between written ones keep the row numbers
        empty = 0
        kept.append(list(row))
    return kept


def label_columns(sheet: Sheet) -> list[str]:
    """The label columns of a sheet, as normalised headers."""
    return [h for h in sheet.headers if h == "label" or h.startswith("label::")]


def _kind(cells: dict[str, Any]) -> tuple[str, str | None]:
    raw = " ".join(text_of(cells.get("type")).split())
    lowered = raw.lower()
    for alias, name in ALIASES.items():
        if lowered.startswith(alias + " ") or lowered == alias:
            lowered = name + lowered[len(alias) :]
    parts = lowered.split(" ")
    if parts[0] in ("select_one", "select_multiple"):
        rest = OR_OTHER.sub("", raw).split(" ")
        return parts[0], rest[-1] if len(rest) > 1 else None
    spelling = None if lowered in SUPPORTED else pyxform_spelling(lowered)
    return (spelling[0] if spelling else lowered), None


def check_survey(problems: Problems, survey: Sheet, choices: Sheet | None) -> None:
    """Types, labels, choice lists and expressions of the survey sheet."""
    labels = label_columns(survey)
    lists = {text_of(c.get("list_name")) for _row, c in choices.rows} if choices else set()
    for row, cells in survey.rows:
        kind, list_name = _kind(cells)
        if not kind or kind in LEFT_OUT:
            continue
        if kind in ("begin repeat", "begin_repeat", "end repeat", "end_repeat"):
            problems.add(survey, row, "type", _("repeats cannot be asked here: ask each question once"))
            continue
        if kind not in SUPPORTED:
            problems.add(
                survey,
                row,
                "type",
                _(
                    "the question type “%(type)s” cannot be asked here (supported: %(known)s)",
                    type=text_of(cells.get("type")),
                    known=", ".join(sorted(SUPPORTED - {"begin group", "end group"})),
                ),
            )
            continue
        if kind.startswith("select"):
            if choices is None:
                continue  # reported once, as the missing sheet
            if not list_name or list_name not in lists:
                problems.add(
                    survey,
                    row,
                    "type",
                    _("there is no choice list “%(list)s” in the choices sheet", list=list_name or ""),
                )
        hints = [h for h in survey.headers if h == "hint" or h.startswith("hint::")]
        if (
            kind not in ("end group", "begin group")
            and labels
            and not any(text_of(cells.get(c)) for c in [*labels, *hints])
        ):
            problems.add(survey, row, labels[0], _("the question has no label"))
        for column in ("relevant", "constraint"):
            expression = text_of(cells.get(column))
            if expression:
                try:
                    parse(expression)
                except ExpressionError as error:
                    problems.add(survey, row, column, _("cannot be read: %(reason)s", reason=str(error)))


def check_choices(problems: Problems, choices: Sheet) -> None:
    """Codes, labels and weights of the choices sheet."""
    labels = label_columns(choices)
    seen: set[tuple[str, str]] = set()
    for row, cells in choices.rows:
        list_name, code = text_of(cells.get("list_name")), text_of(cells.get("name"))
        if not code:
            problems.add(choices, row, "name", _("the option has no name (its code, e.g. A)"))
        elif (list_name, code) in seen:
            problems.add(choices, row, "name", _("duplicate option code “%(code)s”", code=code))
        seen.add((list_name, code))
        if labels and not any(text_of(cells.get(c)) for c in labels):
            problems.add(choices, row, labels[0], _("the option has no label"))
        weight = text_of(cells.get("weight"))
        if weight:
            try:
                value = Decimal(weight[:-1]) / 100 if weight.endswith("%") else Decimal(weight)
            except InvalidOperation:
                problems.add(choices, row, "weight", _("“%(value)s” is not a number", value=weight))
                continue
            if not Decimal(0) <= value <= Decimal(1):
                problems.add(
                    choices,
                    row,
                    "weight",
                    _("weights are between 0 and 1, e.g. 0.9 or 90%% (found “%(value)s”)", value=weight),
                )


def check_workbook(sheets: dict[str, Sheet]) -> list[tuple[str, str]]:
    """Every problem this pass can place; an empty list lets pyxform read the file."""
    problems = Problems()
    survey, choices = sheets.get("survey"), sheets.get("choices")
    if survey is None:
        problems.add("survey", None, None, _("the workbook has no sheet named “%(name)s”", name="survey"))
        return problems.items
    needs_choices = any(_kind(c)[0].startswith("select") for _row, c in survey.rows)
    if needs_choices and choices is None:
        problems.add("choices", None, None, _("the workbook has no sheet named “%(name)s”", name="choices"))
    check_survey(problems, survey, choices)
    if choices is not None:
        check_choices(problems, choices)
    return problems.items
