"""XLSForm workbooks built in memory for tests: the report's questionnaire, and broken variants."""

from __future__ import annotations

import io
from typing import Any

import yaml
from openpyxl import Workbook

from surveyapp.questionnaires.services import bundled_files


def report_questionnaire() -> dict[str, Any]:
    """The bundled questionnaire of the source report, as parsed YAML."""
    return dict(yaml.safe_load(bundled_files()[0].read_text(encoding="utf-8")))


def report_sheets(form_id: str = "kunming_2022_pension_xls", version: Any = 1) -> dict[str, list[list[Any]]]:
    """The report's questionnaire as XLSForm sheets (rows of cells, headers first)."""
    data = report_questionnaire()
    survey: list[list[Any]] = [["type", "name", "label::Chinese (zh)", "required"]]
    survey.append(["start", "start", None, None])
    survey.append(["note", "intro", data["introduction"], None])
    for question in data["questions"]:
        survey.append(["select_one satisfaction", f"q{question['number']}", question["text"], "yes"])
    choices: list[list[Any]] = [["list_name", "name", "label::Chinese (zh)", "weight"]]
    for option in data["scale"]:
        choices.append(["satisfaction", option["code"], option["label"], option["weight"]])
    settings = [["form_id", "version", "form_title"], [form_id, version, data["title"]]]
    return {"survey": survey, "choices": choices, "settings": settings}


#: The five-point satisfaction scale's labels, A to E.
SCALE = ["非常满意", "满意", "一般", "不满意", "很不满意"]


def stored_kinds_sheets(form_id: str, title: str, *, multiple: bool) -> dict[str, list[list[Any]]]:
    """XLSForm sheets asking one question of each stored kind: a whole number, a decimal, a date,
    a text, a select_one with "other"; with ``multiple`` a select_multiple with "other" too."""
    survey = [
        ["type", "name", "label"],
        ["int", "age", "年龄"],
        ["decimal", "income", "月收入"],
        ["date", "born", "出生日期"],
        ["text", "note", "备注"],
        ["select one from sat or specify other", "q1", "总体评价"],
    ]
    choices = [["list name", "name", "label"], *[["sat", c, t] for c, t in zip("ABCDE", SCALE, strict=True)]]
    if multiple:
        survey.append(["select_multiple why or_other", "why", "原因"])
        choices += [["why", "slow", "办理慢"], ["why", "far", "路太远"]]
    return {"survey": survey, "choices": choices, "settings": [["form_id", "form_title"], [form_id, title]]}


def workbook_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    """An .xlsx file holding the given sheets."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
