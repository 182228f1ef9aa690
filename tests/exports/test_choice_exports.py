"""Exports of choice questions: a select_multiple as one 0/1 column per option, "other" and its text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from surveyapp.extensions import db
from surveyapp.models import Campaign
from tests.questionnaires.workbooks import SCALE

REASONS = ["slow", "unclear", "amount", "attitude"]


@pytest.fixture()
def context(app: Flask, questionnaire: object) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        yield


def _campaign(key: str) -> Campaign:
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.questionnaires.services import find_version

    version = find_version(key)
    assert version is not None
    campaign = create_campaign(version, f"export {key}")
    db.session.flush()
    return campaign


def _rows(campaign: Campaign) -> list[dict[str, Any]]:
    from surveyapp.exports.report import response_rows

    header, *rows = list(response_rows(campaign))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_select_multiple_is_one_zero_one_column_per_option(context: None) -> None:
    from surveyapp.survey.services import Submission, submit_response

    campaign = _campaign("kunming-2022-pension-survey")
    base = {1: "self", 2: "f", 3: "45_59", 6: "g3", **{n: "A" for n in range(7, 17)}}
    submit_response(
        campaign, Submission("a", {**base, 7: "D", 17: ["slow", "other"]}, other_texts={17: "路太远"})
    )
    submit_response(campaign, Submission("b", base))  # satisfied: question 17 not asked
    submit_response(campaign, Submission("c", {**base, 7: "E", 17: ["amount", "unclear"]}))
    db.session.flush()

    first, second, third = _rows(campaign)
    flags = [f"q17/{code}" for code in REASONS]
    assert [first[c] for c in ["q17", *flags, "q17/other", "q17_other_text"]] == [
        "slow other", 1, 0, 0, 0, 1, "路太远",
    ]  # fmt: skip
    assert [second[c] for c in ["q17", *flags, "q17/other", "q17_other_text"]] == [None] * 7
    assert [third[c] for c in ["q17", *flags, "q17/other", "q17_other_text"]] == [
        "unclear amount", 0, 1, 1, 0, 0, None,
    ]  # fmt: skip
    assert third["q7"] == "E" and third["q1"] == "self"  # the other questions are unchanged


def test_select_one_other_exports_its_code_and_text(context: None) -> None:
    from surveyapp.questionnaires.services import publish_version, store_questionnaire
    from surveyapp.questionnaires.xlsform import read_xlsform
    from surveyapp.survey.services import Submission, submit_response
    from tests.questionnaires.workbooks import workbook_bytes

    sheets = {
        "survey": [
            ["type", "name", "label", "required"],
            ["select_one who or_other", "who", "您是：", "yes"],
            ["select_one sat", "q1", "总体评价？", "yes"],
        ],
        "choices": [
            ["list_name", "name", "label"],
            ["who", "self", "本人"],
            ["who", "guardian", "监护人"],
            *[["sat", code, label] for code, label in zip("ABCDE", SCALE, strict=True)],
        ],
        "settings": [["form_id", "form_title"], ["who_survey", "谁在回答"]],
    }  # fmt: skip
    version, _new = store_questionnaire(read_xlsform(workbook_bytes(sheets), "who.xlsx"), "who.xlsx")
    publish_version(version)
    campaign = _campaign(version.key)
    submit_response(campaign, Submission("x", {1: "other", 2: "A"}, other_texts={1: "邻居代答"}))
    submit_response(campaign, Submission("y", {1: "guardian", 2: "B"}))
    db.session.flush()

    first, second = _rows(campaign)
    assert (first["q1"], first["q1_other_text"], first["q2"]) == ("other", "邻居代答", "A")
    assert (second["q1"], second["q1_other_text"], second["q2"]) == ("guardian", None, "B")


def test_statistical_exports_name_the_option_columns(context: None) -> None:
    from surveyapp.exports.report import response_columns
    from surveyapp.exports.statistical import variable_names

    campaign = _campaign("kunming-2022-pension-survey")
    names = variable_names(response_columns(campaign))
    assert [n for n in names if n.startswith("q17")] == [
        "q17", *(f"q17_{code}" for code in REASONS), "q17_other", "q17_other_text",
    ]  # fmt: skip


def test_import_reads_option_columns_and_other_texts(context: None) -> None:
    from surveyapp.imports.reading import read_csv
    from surveyapp.imports.services import ImportRowsError, import_responses

    campaign = _campaign("kunming-2022-pension-survey")
    profile = "self,f,45_59,g3"
    header = (
        "id,q1,q2,q3,q6,"
        + ",".join(f"q{n}" for n in range(7, 17))
        + ",q17/SLOW,q17/unclear,q17/other,q17_other_text"
    )
    lines = [
        header,
        f"r1,{profile},D,{','.join('A' * 9)},1,0,1,路太远",
        f"r2,{profile},A,{','.join('A' * 9)},,,,",
    ]
    result = import_responses(campaign, read_csv("\n".join(lines).encode()))
    assert (result.rows, result.added) == (2, 2)
    first, second = _rows(campaign)
    assert (first["q17"], first["q17/slow"], first["q17/other"], first["q17_other_text"]) == (
        "slow other",
        1,
        1,
        "路太远",
    )
    assert second["q17"] is None

    bad = [header + ",q17", f"r3,{profile},D,{','.join('A' * 9)},1,0,2,,unclear"]
    with pytest.raises(ImportRowsError) as refused:
        import_responses(campaign, read_csv("\n".join(bad).encode()))
    columns = sorted(p.column for p in refused.value.problems)
    assert columns == ["q17", "q17/other"]  # "2" is no flag; "unclear" disagrees with q17/unclear = 0


def test_bulk_import_stores_each_once_when_another_writer_got_there_first(
    context: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import func, select

    from surveyapp.models import Response
    from surveyapp.survey import bulk
    from surveyapp.survey.services import Submission, submit_response

    campaign = _campaign("kunming-2022-pension-survey")
    base = {1: "self", 2: "f", 3: "45_59", 6: "g3", **{n: "A" for n in range(7, 17)}}
    submissions = [Submission(f"race-{i}", base) for i in range(5)]
    submit_response(campaign, submissions[3])  # stored by another writer after the look-up
    monkeypatch.setattr(bulk, "_stored_ids", lambda campaign, ids: set())
    assert bulk.submit_many(campaign, submissions, batch=2) == 4
    count = select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)
    assert db.session.scalar(count) == 5
    assert bulk.submit_many(campaign, submissions, batch=2) == 0


def test_import_checks_each_constraint_and_takes_other_on_a_scale(context: None) -> None:
    from surveyapp.imports.reading import read_csv
    from surveyapp.imports.services import ImportRowsError, import_responses
    from surveyapp.questionnaires.services import publish_version, store_questionnaire
    from surveyapp.questionnaires.xlsform import read_xlsform
    from tests.questionnaires.workbooks import workbook_bytes

    sheets = {
        "survey": [
            ["type", "name", "label", "constraint", "constraint_message"],
            ["int", "age", "年龄", ". >= 0 and . <= 120", "年龄应在0到120之间"],
            ["date", "born", "出生日期", ". <= today()", None],
            ["select one from sat or specify other", "q1", "总体评价", None, None],
        ],
        "choices": [
            ["list name", "name", "label"],
            *[["sat", c, t] for c, t in zip("ABCDE", SCALE, strict=True)],
        ],
        "settings": [["form_id", "form_title"], ["checked_import", "导入检查"]],
    }
    version, _new = store_questionnaire(read_xlsform(workbook_bytes(sheets), "c.xlsx"), "c.xlsx")
    publish_version(version)
    campaign = _campaign(version.key)
    header = "id,q1,q2,q3,q3_other_text"
    bad = [header, "a,40,2000-01-02,A,", "b,130,2999-05-05,b,"]
    with pytest.raises(ImportRowsError) as refused:
        import_responses(campaign, read_csv("\n".join(bad).encode()))
    assert [(p.row, p.column, p.problem) for p in refused.value.problems] == [
        (3, "q1", "年龄应在0到120之间"),
        (3, "q2", "the answer does not meet . <= today()"),
    ]
    good = [header, "a,40,2000-01-02,a,", "b,30,1990-05-05,other,邻居代答"]
    assert import_responses(campaign, read_csv("\n".join(good).encode())).added == 2
    first, second = _rows(campaign)
    assert (first["q3"], second["q3"], second["q3_other_text"]) == ("A", "other", "邻居代答")


def test_responses_export_numbers_dates_and_text_as_stored(context: None) -> None:
    """Every stored kind reaches its cell: a float for a number, ISO text for a date, the text."""
    from surveyapp.exports.streams import XlsxBook
    from surveyapp.exports.writers import _responses_sheet
    from surveyapp.imports.reading import read_csv
    from surveyapp.imports.services import import_responses
    from surveyapp.questionnaires.services import publish_version, store_questionnaire
    from surveyapp.questionnaires.xlsform import read_xlsform
    from tests.questionnaires.workbooks import stored_kinds_sheets, workbook_bytes

    sheets = stored_kinds_sheets("kinds_export", "各类答案导出", multiple=False)
    version, _new = store_questionnaire(read_xlsform(workbook_bytes(sheets), "k.xlsx"), "k.xlsx")
    publish_version(version)
    campaign = _campaign(version.key)
    lines = [
        "id,q1,q2,q3,q4,q5,q5_other_text",
        "a,40,2500.5,2000-01-02,=1+1,other,邻居代答",
        "b,,,,,B,",
    ]
    assert import_responses(campaign, read_csv("\n".join(lines).encode())).added == 2
    first, second = _rows(campaign)
    columns = ["q1", "q2", "q3", "q4", "q5", "q5_other_text"]
    assert [first[c] for c in columns] == [40.0, 2500.5, "2000-01-02", "=1+1", "other", "邻居代答"]
    assert [second[c] for c in columns] == [None, None, None, None, "B", None]
    assert type(first["q1"]) is float

    book = XlsxBook()
    _responses_sheet(book, campaign, include_excluded=False)
    from openpyxl import load_workbook

    with book.to_spooled_file() as handle:
        sheet = load_workbook(handle)["答卷"]
    header = [cell.value for cell in sheet[1]]
    cells = {h: cell for h, cell in zip(header, sheet[2], strict=True)}
    assert [cells[c].value for c in columns] == [40, 2500.5, "2000-01-02", "=1+1", "other", "邻居代答"]
    assert [cells[c].data_type for c in columns] == ["n", "n", "s", "s", "s", "s"]
    assert [cell.value for cell in sheet[3]][header.index("q1") :] == [None, None, None, None, "B", None]


def test_figures_computed_after_the_responses_export_in_the_same_transaction(context: None) -> None:
    """The export streams its rows with an option of its own statement, never of the connection:
    on PostgreSQL a connection left streaming sends every later statement (the savepoint that
    keeps the figures) as a server-side cursor, and the transaction is aborted."""
    from sqlalchemy import func, select

    from surveyapp.imports.reading import read_csv
    from surveyapp.imports.services import import_responses
    from surveyapp.models import KeptAggregate
    from surveyapp.scoring.report import campaign_report

    campaign = _campaign("kunming-2022-pension-satisfaction")
    lines = [
        "id," + ",".join(f"q{n}" for n in range(1, 11)),
        "a," + ",".join("A" * 10),
        "b," + ",".join("B" * 10),
    ]
    assert import_responses(campaign, read_csv("\n".join(lines).encode())).added == 2
    assert len(_rows(campaign)) == 2
    report = campaign_report(campaign)
    # 10 A and 10 B answers over two respondents, ten questions of 10 points, B worth 0.9:
    # 10 x (10 + 0.9 x 10) / 2 = 95.00.
    assert report.as_dict()["score"] == 95.0
    db.session.flush()
    assert (db.session.scalar(select(func.count()).select_from(KeptAggregate)) or 0) > 0
