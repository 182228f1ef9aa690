"""The public form's POST reads the answers straight from the request, and builds the form only
to say what it refused: the two readings must agree on every input, or a respondent would be
told one thing and stored another."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from surveyapp.extensions import db
from surveyapp.models import Campaign, QuestionnaireVersion, Response
from surveyapp.survey.forms import ResponseFormBase, response_form_class
from tests.questionnaires.workbooks import SCALE, workbook_bytes
from tests.survey.test_form import ALL_A, _form_data

#: One question of each kind the form reads differently, with a constraint, a relevance and "other".
SHEETS = {
    "survey": [
        ["type", "name", "label", "required", "constraint", "relevant"],
        ["select_one sat or_other", "sat", "总体评价", "yes", None, None],
        ["select_multiple why or_other", "why", "不满意的原因", "yes", None, "${sat} = 'D' or ${sat} = 'E'"],
        ["integer", "age", "年龄", None, ". >= 16 and . <= 120", None],
        ["decimal", "income", "月收入", None, None, None],
        ["date", "born", "出生日期", None, None, None],
        ["text", "note", "备注", None, None, None],
    ],
    "choices": [
        ["list_name", "name", "label"],
        *[["sat", c, t] for c, t in zip("ABCDE", SCALE, strict=True)],
        ["why", "slow", "办理慢"],
        ["why", "far", "路太远"],
    ],
    "settings": [["form_id", "form_title"], ["sent_answers", "各类答案的读取"]],
}
FIELDS = ["q1", "q1_other", "q2", "q2_other", "q3", "q4", "q5", "q6"]
VALUES = st.one_of(
    st.sampled_from(
        ["A", "D", "E", " E ", "other", "slow", "far", "", " ", "15", "16", "120", "121", "2.5", "-0"]
    ),
    st.sampled_from(["1e3", "2000-01-02", "2000/1/2", "2000-13-40", "邻居代答", "x"]),
    st.text(max_size=6),
)
#: Each field absent, or sent once or several times.
SENT = st.fixed_dictionaries({name: st.none() | st.lists(VALUES, min_size=1, max_size=3) for name in FIELDS})


@pytest.fixture()
def version(app: Flask) -> Iterator[QuestionnaireVersion]:
    from surveyapp.questionnaires.services import publish_version, store_questionnaire
    from surveyapp.questionnaires.xlsform import read_xlsform

    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        made, _new = store_questionnaire(read_xlsform(workbook_bytes(SHEETS), "s.xlsx"), "s.xlsx")
        publish_version(made)
        db.session.commit()
        yield made


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sent=SENT)
def test_the_request_read_directly_and_the_form_agree(
    app: Flask, version: QuestionnaireVersion, sent: dict[str, list[str] | None]
) -> None:
    """Same values, same questions asked, same messages, same answers and "other" texts."""
    formdata = MultiDict([(name, value) for name, values in sent.items() for value in values or ()])
    form_class = response_form_class(version, "zh-CN")
    form = form_class(formdata=formdata, meta={"csrf": False})
    form.validate()
    assert form_class.check(form_class.sent_data(formdata)) == form.checked()


def test_a_list_of_choices_and_a_repeated_single_answer_are_read_as_the_fields_read_them(
    app: Flask, version: QuestionnaireVersion
) -> None:
    """Worked out by hand: a select_multiple keeps every value sent, any other field its first."""
    formdata = MultiDict([("q1", "E"), ("q1", "A"), ("q2", "far"), ("q2", "other"), ("q2_other", "没人管")])
    form_class = response_form_class(version, "zh-CN")
    sent = form_class.sent_data(formdata)
    assert (sent["q1"], sent["q2"], sent["q2_other"], sent["q3"]) == ("E", ["far", "other"], "没人管", None)
    checked = form_class.check(sent)
    assert checked.answers == {1: "E", 2: ["far", "other"]}  # the list's order: options, then "other"
    assert checked.other_texts == {2: "没人管"}
    assert checked.problems == {}


def _stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response)) or 0


def test_an_accepted_answer_builds_no_form_and_a_refused_one_does(
    app: Flask, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    build = ResponseFormBase.__init__

    def counted(form: ResponseFormBase, *args: Any, **kwargs: Any) -> None:
        built.append(type(form).__name__)
        build(form, *args, **kwargs)

    monkeypatch.setattr(ResponseFormBase, "__init__", counted)
    accepted, refused = app.test_client(), app.test_client()
    data = _form_data(accepted, campaign.slug, ALL_A)
    built.clear()
    assert accepted.post(f"/s/{campaign.slug}", data=data).status_code == 303
    assert (built, _stored(app)) == ([], 1)

    data = _form_data(refused, campaign.slug, {n: "B" for n in range(1, 10)})  # question 10 unanswered
    built.clear()
    answer = refused.post(f"/s/{campaign.slug}", data=data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "请为本题选择一个答案" in page and page.count(" checked") == 9
    assert (built, _stored(app)) == (["PublicResponseForm"], 1)
    data["q10"] = "C"
    assert refused.post(f"/s/{campaign.slug}", data=data).status_code == 303
    assert _stored(app) == 2
