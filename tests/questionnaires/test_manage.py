"""Administrators upload, preview and publish questionnaires; a changed file makes a new version."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, QuestionnaireVersion, Response
from surveyapp.questionnaires.services import find_version
from surveyapp.survey.services import Submission, submit_response
from tests.accounts.conftest import sign_in
from tests.conftest import csrf_token
from tests.questionnaires.workbooks import report_sheets, workbook_bytes

KEY = "kunming-2022-pension-xls"


@pytest.fixture
def admin(client: FlaskClient, make_user: Callable[..., int]) -> FlaskClient:
    make_user("admin1", "admin")
    assert sign_in(client, "admin1") == 303
    return client


def _upload(client: FlaskClient, data: bytes, name: str = "form.xlsx", **extra: Any) -> Any:
    page = client.get("/questionnaires/upload").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "file": (io.BytesIO(data), name), **extra}
    return client.post("/questionnaires/upload", data=form, content_type="multipart/form-data")


def _version(app: Flask, number: int) -> QuestionnaireVersion | None:
    with app.app_context():
        return find_version(KEY, number)


def test_uploaded_xlsform_is_a_draft_until_published(app: Flask, admin: FlaskClient) -> None:
    response = _upload(admin, workbook_bytes(report_sheets()))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/questionnaires/{KEY}/v1"
    version = _version(app, 1)
    assert version is not None and not version.is_published
    assert "昆明市残联2022年" not in admin.get("/campaigns/new").get_data(as_text=True)
    with app.app_context(), pytest.raises(ValueError, match="not published"):
        create_campaign(find_version(KEY, 1), "too early")  # type: ignore[arg-type]
    page = admin.get(f"/questionnaires/{KEY}/v1").get_data(as_text=True)
    published = admin.post(f"/questionnaires/{KEY}/v1/publish", data={"csrf_token": csrf_token(page)})
    assert published.status_code == 303
    assert _version(app, 1).is_published  # type: ignore[union-attr]
    assert "昆明市残联2022年" in admin.get("/campaigns/new").get_data(as_text=True)
    with app.app_context():
        actions = [
            e.action for e in db.session.scalars(select(AuditEvent)) if e.action.startswith("questionnaire")
        ]
    assert actions == ["questionnaire.upload", "questionnaire.publish"]


def test_same_file_twice_changes_nothing(app: Flask, admin: FlaskClient) -> None:
    data = workbook_bytes(report_sheets())
    _upload(admin, data)
    again = _upload(admin, data)
    assert again.status_code == 303
    assert "此版本已上传过" in admin.get(again.headers["Location"]).get_data(as_text=True)
    assert _version(app, 2) is None


def test_changed_file_becomes_a_new_version_and_old_answers_stay(app: Flask, admin: FlaskClient) -> None:
    _upload(admin, workbook_bytes(report_sheets()))
    with app.app_context():
        v1 = find_version(KEY, 1)
        assert v1 is not None
        v1.published_at = v1.created_at
        campaign = create_campaign(v1, "first run")
        submit_response(campaign, Submission("answered-on-v1", dict.fromkeys(range(1, 11), "A")))
        db.session.commit()
    changed = report_sheets()
    changed["survey"][3][2] = "您对该项目2023年工作的总体评价是："
    conflict = _upload(admin, workbook_bytes(changed))
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "第 1 版已存在，且内容不同" in page
    assert 'name="as_version" type="number" value="2"' in page  # the next number is offered
    content = re.search(r'name="content" type="hidden" value="([^"]+)"', page)
    assert content is not None
    confirm = admin.post(
        "/questionnaires/upload",
        data={
            "csrf_token": csrf_token(page),
            "content": content.group(1),
            "filename": "form.xlsx",
            "as_version": "2",
        },
    )
    assert confirm.status_code == 303 and confirm.headers["Location"].endswith("/v2")
    with app.app_context():
        v1, v2 = find_version(KEY, 1), find_version(KEY, 2)
        assert v1 is not None and v2 is not None
        assert v1.questions[0].text == "您对该项目2022年工作的总体评价是："  # never edited in place
        assert v2.questions[0].text == "您对该项目2023年工作的总体评价是："
        stored = db.session.scalars(select(Response)).one()
        assert stored.questionnaire_version_id == v1.id


def test_preview_is_the_phone_form_with_sending_disabled(
    questionnaire: QuestionnaireVersion, admin: FlaskClient
) -> None:
    page = admin.get("/questionnaires/kunming-2022-pension-satisfaction/v1/preview").get_data(as_text=True)
    assert page.count("<fieldset") == 10
    assert page.count('type="radio"') == 50
    assert "预览" in page
    assert re.search(r'<button type="submit" class="button" disabled>', page)
    assert "staff.css" not in page  # exactly the respondent's stylesheet


def test_file_with_mistakes_is_explained_in_chinese(admin: FlaskClient) -> None:
    sheets = report_sheets()
    sheets["choices"][2][3] = 9
    response = _upload(admin, workbook_bytes(sheets))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "文件有错误" in page
    assert "工作表“choices”第 3 行“weight”列" in page


def test_yaml_upload_and_wrong_file_type(app: Flask, admin: FlaskClient) -> None:
    from surveyapp.questionnaires.services import bundled_files

    text = bundled_files()[0].read_bytes().replace(b"id: kunming-2022-pension-satisfaction", b"id: from-yaml")
    assert _upload(admin, text, "q.yaml").status_code == 303
    with app.app_context():
        assert find_version("from-yaml", 1) is not None
    wrong = _upload(admin, b"a,b\n", "q.csv")
    assert wrong.status_code == 422
    assert "请选择 XLSForm 工作簿" in wrong.get_data(as_text=True)


def test_evaluators_read_but_do_not_upload_or_publish(
    client: FlaskClient, make_user: Callable[..., int], questionnaire: QuestionnaireVersion
) -> None:
    make_user("ev1")
    sign_in(client, "ev1")
    assert client.get("/questionnaires/kunming-2022-pension-satisfaction/v1").status_code == 200
    assert client.get("/questionnaires/upload").status_code == 403


def test_command_line_loads_a_draft_and_publishes_it(app: Flask, runner: Any, tmp_path: Any) -> None:
    from surveyapp.questionnaires.services import bundled_files

    path = tmp_path / "q.yaml"
    path.write_bytes(
        bundled_files()[0].read_bytes().replace(b"id: kunming-2022-pension-satisfaction", b"id: by-cli")
    )
    assert runner.invoke(args=["questionnaire", "load", "--draft", str(path)]).exit_code == 0
    refused = runner.invoke(args=["campaign", "create", "--questionnaire", "by-cli", "--name", "x"])
    assert refused.exit_code != 0 and "no published version" in refused.output
    published = runner.invoke(args=["questionnaire", "publish", "by-cli"])
    assert published.exit_code == 0 and "by-cli version 1: published" in published.output
    assert (
        runner.invoke(args=["campaign", "create", "--questionnaire", "by-cli", "--name", "x"]).exit_code == 0
    )


def test_preview_and_json_keep_saying_what_the_file_left_out(
    app: Flask, admin: FlaskClient, runner: Any
) -> None:
    sheets = report_sheets()
    sheets["survey"].insert(1, ["today", "interview_day", *([None] * (len(sheets["survey"][0]) - 2))])
    assert _upload(admin, workbook_bytes(sheets)).status_code == 303
    admin.get(f"/questionnaires/{KEY}/v1")  # the upload's one-time notice is shown and gone
    page = admin.get(f"/questionnaires/{KEY}/v1/preview").get_data(as_text=True)
    assert "未采用：“interview_day”（today）仅由 ODK 设备自动记录。" in page
    shown = runner.invoke(args=["questionnaire", "show", KEY, "--json"])
    left_out = json.loads(shown.output)["left_out"]
    assert left_out == [{"name": "interview_day", "type": "today"}, {"name": "start", "type": "start"}]
