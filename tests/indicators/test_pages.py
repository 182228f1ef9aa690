"""An evaluator builds a table from a template, fills in leaves and sees subtotals and the grade."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import IndicatorChange, IndicatorNode
from tests.accounts.conftest import sign_in
from tests.conftest import csrf_token


def _cell(page: str, node_id: str, column: int) -> str:
    """The text of one cell of a node's row in the four-level table (0 = No.)."""
    row = re.search(rf'<tr class="level-\d" id="node-{re.escape(node_id)}">(.*?)</tr>', page, re.S)
    assert row, f"no row for {node_id}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.S)
    return re.sub(r"<[^>]+>", "", cells[column]).strip()


def _summary(page: str) -> list[list[str]]:
    table = re.search(
        r'<table class="data" aria-labelledby="summary-heading" id="summary">(.*?)</table>', page, re.S
    )
    assert table
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


def _edit(client: FlaskClient, key: str, node: str, **values: str) -> tuple[int, str]:
    url = f"/indicators/{key}/leaves/{node}"
    page = client.get(url).get_data(as_text=True)
    form = {"leaf-csrf_token": csrf_token(page)} | {f"leaf-{name}": value for name, value in values.items()}
    response = client.post(url, data=form)
    return response.status_code, response.get_data(as_text=True)


def test_staff_pages_need_an_evaluator(
    client: FlaskClient, make_user: Callable[..., int], report_table: str
) -> None:
    response = client.get(f"/indicators/{report_table}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    make_user("field1", "field_staff")
    assert sign_in(client, "field1") == 303
    assert client.get(f"/indicators/{report_table}").status_code == 403
    assert client.get(f"/indicators/{report_table}/export.json").status_code == 403


def test_table_page_prints_the_report_summary_in_chinese(evaluator: FlaskClient, report_table: str) -> None:
    page = evaluator.get(f"/indicators/{report_table}").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert _summary(page) == [
        ["A项目决策", "20.00", "20.00", "0.00", "100.00%"],
        ["B项目管理", "20.00", "18.20", "1.80", "91.00%"],
        ["C项目绩效", "60.00", "57.00", "3.00", "95.00%"],
        ["合计", "100.00", "95.20", "4.80", "95.20%"],
    ]
    assert "评价等级 优" in page
    # Subtotals on every level: B.2.2 制度执行有效性 is 1 + 1.4 + 1 = 3.40 of 4.
    assert _cell(page, "B.2.2", 5) == "3.40" and _cell(page, "B.2.2", 6) == "0.60"
    assert _cell(page, "B.2.2.2", 5) == "1.40"


def test_make_a_table_from_each_template(evaluator: FlaskClient) -> None:
    index = evaluator.get("/indicators/").get_data(as_text=True)
    assert "national-framework" in index and "kunming-2022-pension-subsidy" in index
    response = evaluator.post(
        "/indicators/",
        data={
            "csrf_token": csrf_token(index),
            "template": "national-framework",
            "title": "2024 项目",
            "key": "",
        },
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/indicators/national-framework-1"
    )
    page = evaluator.get("/indicators/national-framework-1").get_data(as_text=True)
    assert "2024 项目" in page and "评价等级 未完成" in page
    assert _summary(page)[-1] == ["合计", "100.00", "0.00", "0.00", "0.00%"]


def test_a_key_taken_by_a_template_is_refused_and_the_input_kept(evaluator: FlaskClient) -> None:
    index = evaluator.get("/indicators/").get_data(as_text=True)
    response = evaluator.post(
        "/indicators/",
        data={
            "csrf_token": csrf_token(index),
            "template": "national-framework",
            "title": "我的表",
            "key": "national-framework",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "这是内置模板的编号，请换一个。" in page
    assert 'value="我的表"' in page and 'value="national-framework"' in page


def test_edit_a_leaf_updates_subtotals_grade_and_history(
    app: Flask, evaluator: FlaskClient, report_table: str
) -> None:
    # 补助人数 23186 -> 2000 against ≥ 20000: 10 x 2000 / 20000 = 1.00, 9 points lost.
    status, _ = _edit(
        evaluator,
        report_table,
        "C.1.1.1",
        target="≥ 20000 人",
        actual="2000",
        unit="",
        reason="",
        evidence="",
    )
    assert status == 303
    page = evaluator.get(f"/indicators/{report_table}").get_data(as_text=True)
    assert _cell(page, "C.1.1.1", 5) == "1.00" and _cell(page, "C.1.1", 5) == "1.00"
    # C: 57.00 - 9 = 48.00; total 95.20 - 9 = 86.20, which is 良 (80 to below 90).
    assert _summary(page)[2][2] == "48.00" and _summary(page)[3][2] == "86.20"
    assert "评价等级 良" in page
    with app.app_context():
        change = db.session.scalars(select(IndicatorChange).where(IndicatorChange.field == "actual")).one()
        assert (change.node_key, change.old_value, change.new_value) == ("C.1.1.1", "23186", "2000")
        assert change.user is not None and change.user.username == "evaluator1"
    history = evaluator.get(f"/indicators/{report_table}/history").get_data(as_text=True)
    assert "evaluator1" in history and "23186" in history and "2000" in history


def test_manual_deduction_without_reason_is_refused_and_keeps_input(
    app: Flask, evaluator: FlaskClient, report_table: str
) -> None:
    status, page = _edit(evaluator, report_table, "B.1.3.3", manual_score="1.5", reason="  ", evidence="台账")
    assert status == 422
    assert "该得分有扣分，请填写扣分原因。" in page
    assert 'value="1.5"' in page and "台账</textarea>" in page
    with app.app_context():
        row = db.session.scalars(select(IndicatorNode).where(IndicatorNode.node_key == "B.1.3.3")).one()
        assert float(row.manual_score) == 0.8  # unchanged


def test_bad_numbers_and_targets_get_messages(evaluator: FlaskClient, report_table: str) -> None:
    status, page = _edit(
        evaluator, report_table, "C.1.1.1", target="至少两万", actual="两万", reason="", evidence=""
    )
    assert status == 422
    assert "请输入数字" in page and 'value="两万"' in page and 'value="至少两万"' in page
    status, page = _edit(
        evaluator, report_table, "C.1.1.1", target="≤ 20000 人", actual="100", reason="", evidence=""
    )
    assert status == 422 and "≥ =" in page
    status, page = _edit(
        evaluator,
        report_table,
        "C.1.1.1",
        target="≥ 20000 人",
        actual="100",
        unit="元",
        reason="",
        evidence="",
    )
    assert status == 422 and "人" in page
    # 良 covers 60–80% of the points: 85 is outside.
    status, page = _edit(evaluator, report_table, "B.2.2.2", band="良", percent="85", reason="x", evidence="")
    assert status == 422 and "60%" in page and "80%" in page


def test_banded_and_manual_scores(evaluator: FlaskClient, report_table: str) -> None:
    # B.2.2.2 from 良 70% to 优 90%: 2 x 0.9 = 1.80 (was 1.40); B.1.3.3 full marks: 2 (was 0.8).
    assert (
        _edit(evaluator, report_table, "B.2.2.2", band="优", percent="90", reason="", evidence="")[0] == 303
    )
    assert _edit(evaluator, report_table, "B.1.3.3", manual_score="2", reason="", evidence="")[0] == 303
    page = evaluator.get(f"/indicators/{report_table}").get_data(as_text=True)
    # B: 18.20 + 0.40 + 1.20 = 19.80, deducted 0.20; total 95.20 + 1.60 = 96.80.
    assert _summary(page)[1] == ["B项目管理", "20.00", "19.80", "0.20", "99.00%"]
    assert _summary(page)[3][2] == "96.80"


def test_grades_are_configurable_per_table(evaluator: FlaskClient, report_table: str) -> None:
    url = f"/indicators/{report_table}/grades"
    page = evaluator.get(url).get_data(as_text=True)
    assert 'value="优 90, 良 80, 中 60, 差 0"' in page
    bad = evaluator.post(url, data={"csrf_token": csrf_token(page), "grades": "优 90, 良 95, 差 0"})
    assert bad.status_code == 422 and 'value="优 90, 良 95, 差 0"' in bad.get_data(as_text=True)
    good = evaluator.post(url, data={"csrf_token": csrf_token(page), "grades": "优 96, 良 80, 中 60, 差 0"})
    assert good.status_code == 303
    # 95.20 is below the new 优 line of 96.
    assert "评价等级 良" in evaluator.get(f"/indicators/{report_table}").get_data(as_text=True)


def test_unknown_table_and_leaf_answer_404(evaluator: FlaskClient, report_table: str) -> None:
    assert evaluator.get("/indicators/nope").status_code == 404
    assert evaluator.get(f"/indicators/{report_table}/leaves/Z.9").status_code == 404
    assert evaluator.get(f"/indicators/{report_table}/leaves/B.1").status_code == 404  # a group


def test_leaf_page_names_its_type_and_rule_in_chinese(evaluator: FlaskClient, report_table: str) -> None:
    page = evaluator.get(f"/indicators/{report_table}/leaves/C.1.1.1").get_data(as_text=True)
    assert "数量 · 按实际完成值 / 指标值比例计分" in page
