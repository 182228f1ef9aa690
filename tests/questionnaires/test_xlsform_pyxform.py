"""XLSForm as ODK and KoboToolbox write it, read through pyxform: spellings, languages, types, skip logic."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from surveyapp.questionnaires.spec import QuestionnaireFileError
from surveyapp.questionnaires.xlsform import read_xlsform
from tests.questionnaires.workbooks import workbook_bytes


@pytest.fixture
def english(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


RELEVANT = "${q1} = '1' or ${q1} = '2'"


RELEVANT = "${q1} = '1' or ${q1} = '2'"


def _kobo_sheets() -> dict[str, list[list[Any]]]:
    """A KoboToolbox-style form: legacy spellings, two languages, groups, hints, relevant, or_other."""
    survey = [
        ["TYPE", "NAME", "label:English", "label:中文", "hint:English", "relevant", "constraint",
         "constraint_message:English", "required"],
        ["begin group", "profile", "About you", "基本信息", None, None, None, None, None],
        ["select one from sex", "gender", "Gender", "性别", "Choose one", None, None, None, "true"],
        ["integer", "age", "Age", "年龄", None, None, ". >= 0 and . <= 120", "An age from 0 to 120", "yes"],
        ["end group", None, None, None, None, None, None, None, None],
        ["select_one sat", "q1", "Overall?", "总体评价？", None, None, None, None, "yes"],
        ["select_multiple why or_other", "why", "Why?", "为什么？", None, RELEVANT, None, None, "yes"],
        ["note", "bye", "Thank you", "谢谢", None, None, None, None, None],
        ["today", "today", None, None, None, None, None, None, None],
    ]  # fmt: skip
    choices = [
        ["list name", "name", "label:English", "label:中文"],
        ["sex", "m", "Male", "男"],
        ["sex", "f", "Female", "女"],
        ["sat", "1", "Very dissatisfied", "很不满意"],
        ["sat", "2", "Dissatisfied", "不满意"],
        ["sat", "3", "Neutral", "一般"],
        ["sat", "4", "Satisfied", "满意"],
        ["sat", "5", "Very satisfied", "非常满意"],
        ["why", "slow", "Too slow", "太慢"],
        ["why", "rude", "Unhelpful staff", "态度不好"],
    ]
    return {"SURVEY": survey, "CHOICES": choices}


def test_a_kobo_form_without_settings(english: None) -> None:
    spec = read_xlsform(workbook_bytes(_kobo_sheets()), "household_survey.xlsx")
    assert spec.key == "household-survey"  # no settings sheet: from the file name
    assert spec.language == "zh-CN"  # Chinese is preferred as the default when the file gives it
    by_name = {q.name: q for q in spec.questions}
    assert by_name["gender"].text == "性别" and by_name["gender"].translations["text"] == {"en": "Gender"}
    assert by_name["gender"].hint == "Choose one"  # the only language the hint is given in
    assert by_name["age"].constraint == ". >= 0 and . <= 120"
    assert by_name["age"].translations["constraint_message"] == {"en": "An age from 0 to 120"}
    assert by_name["why"].type == "select_multiple" and by_name["why"].or_other
    assert by_name["why"].relevant == "${q1} = '1' or ${q1} = '2'"
    assert "why_other" not in by_name  # pyxform's "specify other" box is asked with its question
    assert by_name["bye"].number is None  # a note, shown where it is
    assert [g.name for g in spec.groups] == ["profile"] and by_name["age"].group == "profile"
    assert [q.name for q in spec.questions if q.type == "scale"] == ["q1"]
    # written worst first without weights: weights follow the meaning, not the position
    weights = [Decimal(0), Decimal("0.3"), Decimal("0.6"), Decimal("0.9"), Decimal(1)]
    assert [(o.code, o.weight) for o in spec.scale] == list(zip("12345", weights, strict=True))
    assert any("today" in remark for remark in spec.remarks)  # left out, and said so


def test_any_version_string_and_the_integer_sequence(english: None) -> None:
    sheets = _kobo_sheets()
    sheets["settings"] = [["form_id", "version", "form_title"], ["hh_2022", "202212011530", "Household"]]
    spec = read_xlsform(workbook_bytes(sheets), "x.xlsx")
    assert spec.form_version == "202212011530" and spec.version == 1
    sheets["settings"][1][1] = "siv1"
    assert read_xlsform(workbook_bytes(sheets), "x.xlsx").form_version == "siv1"
    sheets["settings"][1][1] = "7"
    assert read_xlsform(workbook_bytes(sheets), "x.xlsx").version == 7


def test_unreadable_relevant_is_refused_naming_the_cell(english: None) -> None:
    sheets = _kobo_sheets()
    sheets["SURVEY"][6][5] = "${q1} = '1' ++ jr:choice-name()"
    with pytest.raises(QuestionnaireFileError) as raised:
        read_xlsform(workbook_bytes(sheets), "x.xlsx")
    assert [p for p, _m in raised.value.problems] == ["sheet “SURVEY”, row 7, column “relevant”"]


def test_pyxforms_other_spellings_are_read_as_their_types(english: None) -> None:
    survey = [
        ["type", "name", "label", "hint"],
        ["string", "village", "Village", None],
        ["int", "age", "Age", None],
        ["phone number", "phone", "Phone", None],
        ["percentage", "share", "Share of income", None],
        ["select one from sexes or specify other", "sex", "Sex", None],
        ["text", "remarks", None, "Anything else?"],  # a hint only: ODK shows it as the text
    ]
    choices = [["list name", "name", "label"], ["sexes", "m", "Male"], ["sexes", "f", "Female"]]
    spec = read_xlsform(workbook_bytes({"survey": survey, "choices": choices}), "spellings.xlsx")
    by_name = {q.name: q for q in spec.questions}
    assert [by_name[n].type for n in ("village", "age", "phone", "share", "sex", "remarks")] == [
        "text", "integer", "text", "integer", "select_one", "text",
    ]  # fmt: skip
    assert by_name["phone"].constraint == "regex(., '^\\d*$')"  # pyxform's own rule for the spelling
    assert by_name["share"].constraint == "0 <= . and . <= 100"
    assert by_name["sex"].or_other and by_name["sex"].list_name == "sexes"
    assert (by_name["remarks"].text, by_name["remarks"].hint) == ("Anything else?", None)


def test_a_sheet_formatted_to_the_last_row_is_read_to_its_last_written_row() -> None:
    from surveyapp.questionnaires.xlsform_checks import EMPTY_RUN, _bounded

    rows = [["type", "name"], ["text", "a"], [None, None], ["text", "b"], *([[None, ""]] * 1_000_000)]
    assert _bounded(iter(rows)) == [["type", "name"], ["text", "a"], [], ["text", "b"]]
    assert EMPTY_RUN < 1_000_000
