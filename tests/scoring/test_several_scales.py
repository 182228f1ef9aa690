"""Questions scored on lists of their own: each list a section of the table, one final score.

The questionnaire: questions 1 and 2 (30 points each) on the shared scale A 非常满意 1.0,
B 满意 0.8, C 不满意 0.4, D 非常不满意 0; question 3 (40 points) on an agreement list of its own,
written worst first: 1 不同意 0, 2 一般 0.5, 3 同意 1.0. Satisfied: A and B (the upper half by
weight), and 同意 (the upper half of three is one option).

Four respondents, worked out by hand:

====  ==  ==  ==  ========================================  =====
 who  q1  q2  q3  30 x w1 + 30 x w2 + 40 x w3                score
====  ==  ==  ==  ========================================  =====
 R1   A   A   3   30 + 30 + 40                              100
 R2   B   C   2   24 + 12 + 20                               56
 R3   A   B   3   30 + 24 + 40                               94
 R4   D   B   1   0 + 24 + 0                                 24
====  ==  ==  ==  ========================================  =====

q1: A 2, B 1, D 1 -> 30 x (0.5 + 0.25 x 0.8) = 21.0; q2: A 1, B 2, C 1 -> 30 x (0.25 + 0.4 + 0.1)
= 22.5; q3: 同意 2, 一般 1, 不同意 1 -> 40 x (0.5 + 0.125) = 25.0. Final score 68.5 (= the mean of
the respondents' scores, 274 / 4). Satisfied answers: 3 + 3 + 2 of 12 = 66.67 %.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Campaign
from surveyapp.questionnaires.reading import parse_questionnaire_text
from surveyapp.questionnaires.services import publish_version, store_questionnaire
from surveyapp.scoring.certainty import respondent_sums
from surveyapp.scoring.services import campaign_statistics
from surveyapp.survey.services import Submission, submit_response
from tests.accounts.conftest import make_user as make_user  # a fixture
from tests.accounts.conftest import sign_in

TWO_LISTS = """
id: two-lists
version: 1
title: 两种量表的满意度调查
scale:
  - {code: A, label: 非常满意, weight: 1.0}
  - {code: B, label: 满意, weight: 0.8}
  - {code: C, label: 不满意, weight: 0.4}
  - {code: D, label: 非常不满意, weight: 0}
lists:
  agree:
    - {code: "1", label: 不同意, weight: 0}
    - {code: "2", label: 一般, weight: 0.5}
    - {code: "3", label: 同意, weight: 1.0}
questions:
  - {text: 您对补贴发放是否满意？, points: 30}
  - {text: 您对经办服务是否满意？, points: 30}
  - {text: 补贴减轻了家庭负担。, type: scale, list: agree, points: 40}
"""

ANSWERS = [("A", "A", "3"), ("B", "C", "2"), ("A", "B", "3"), ("D", "B", "1")]


@pytest.fixture
def two_lists(app: Flask) -> str:
    """A campaign of the questionnaire above with the four responses, committed; its slug."""
    with app.app_context():
        version, _ = store_questionnaire(parse_questionnaire_text(TWO_LISTS, "two-lists.yaml"), "test")
        publish_version(version)
        campaign = create_campaign(version, "两种量表")
        for number, (q1, q2, q3) in enumerate(ANSWERS):
            submit_response(campaign, Submission(f"r{number}", {1: q1, 2: q2, 3: q3}))
        db.session.commit()
        return campaign.slug


def _campaign(slug: str) -> Campaign:
    return db.session.query(Campaign).filter_by(slug=slug).one()


def test_each_list_is_a_section_and_the_final_score_takes_them_all(app: Flask, two_lists: str) -> None:
    with app.app_context():
        table = campaign_statistics(_campaign(two_lists))
        data = table.as_dict()
    assert [q["score"] for q in data["questions"]] == [21.0, 22.5, 25.0]
    assert data["score"] == 68.5 and data["satisfaction_rate"] == 66.67 and data["respondents"] == 4
    assert [(s["list"], s["questions"]) for s in data["sections"]] == [("scale", [1, 2]), ("agree", [3])]
    scale, agree = (s["totals"]["options"] for s in data["sections"])
    assert [(o["code"], o["count"]) for o in scale] == [("A", 3), ("B", 3), ("C", 1), ("D", 1)]
    assert [o["percent"] for o in scale] == [37.5, 37.5, 12.5, 12.5]
    # Best first by weight, although the file lists it worst first.
    assert [(o["code"], o["label"], o["count"]) for o in agree] == [
        ("3", "同意", 2),
        ("2", "一般", 1),
        ("1", "不同意", 1),
    ]
    third = data["questions"][2]["options"]
    assert [(o["code"], o["percent"], o["points"]) for o in third] == [
        ("3", 50.0, 20.0),
        ("2", 25.0, 5.0),
        ("1", 25.0, 0.0),
    ]


def test_the_intervals_use_each_options_own_weight(app: Flask, two_lists: str) -> None:
    with app.app_context():
        sums = respondent_sums(_campaign(two_lists))
    assert sums.respondents == 4 and sums.satisfied == 2  # R1 and R3
    assert sums.total == pytest.approx(274.0)
    assert sums.total_sq == pytest.approx(100**2 + 56**2 + 94**2 + 24**2)  # 22548


def test_a_weight_scheme_weights_the_shared_scale_and_leaves_the_other_list(
    app: Flask, two_lists: str
) -> None:
    from decimal import Decimal

    from surveyapp.models import WeightScheme, WeightSchemeEntry

    with app.app_context():
        campaign = _campaign(two_lists)
        scheme = WeightScheme(
            key="half",
            name="半",
            entries=[
                WeightSchemeEntry(code=c, weight=Decimal(w))
                for c, w in (("A", "1"), ("B", "0.5"), ("C", "0"), ("D", "0"))
            ],
        )
        db.session.add(scheme)
        campaign.weight_scheme = scheme
        db.session.flush()
        data = campaign_statistics(campaign).as_dict()
    # q1: 30 x (0.5 + 0.25 x 0.5) = 18.75; q2: 30 x (0.25 + 0.5 x 0.5) = 15.0; q3 unchanged 25.0.
    assert [q["score"] for q in data["questions"]] == [18.75, 15.0, 25.0]
    assert data["score"] == 58.75


def test_the_page_and_the_exports_show_every_section(
    app: Flask, two_lists: str, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user("evaluator1")
    sign_in(client, "evaluator1")
    base = f"/evaluation/campaigns/{two_lists}"
    page = client.get(base).get_data(as_text=True)
    assert '<strong class="figure" id="final-score">68.50</strong>' in page
    assert page.count('<tbody class="totals">') == 2 and page.count("<tfoot>") == 1
    assert "不同意" in page and "非常不满意" in page
    rows = list(csv.reader(io.StringIO(client.get(f"{base}/report.csv").get_data().decode("utf-8-sig"))))
    assert rows[-1][0] == "最终得分" and rows[-1][-1] == "68.50"
    assert sum(1 for row in rows if row and row[0] == "合计") == 2
    with client.get(f"{base}/report.xlsx") as as_xlsx:
        sheet = load_workbook(io.BytesIO(as_xlsx.data))["问卷统计表"]
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[-1][0] == "最终得分" and 68.5 in cells[-1]
    assert sum(1 for row in cells if row[0] == "问卷题目及选项") == 2  # a heading per list
    assert any("3（同意）" in row for row in cells) and any("A（非常满意）" in row for row in cells)
    totals = [i for i, row in enumerate(cells) if row[0] == "合计"]
    assert [cells[i][-1] for i in totals] == [8, 4]  # counted answers of each list
    assert [cells[i + 2][-1] for i in totals] == [43.5, 25.0]  # points: 21.0 + 22.5; 25.0


def test_the_word_report_has_a_table_per_list_and_the_json_its_sections(
    app: Flask, two_lists: str, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    from docx import Document

    make_user("evaluator1")
    sign_in(client, "evaluator1")
    base = f"/evaluation/campaigns/{two_lists}"
    document = Document(io.BytesIO(client.get(f"{base}/report.docx").data))
    tables = document.tables
    assert len(tables) == 2
    assert tables[0].rows[1].cells[2].text == "A（非常满意）"
    assert tables[1].rows[1].cells[2].text == "3（同意）"
    assert tables[1].rows[-1].cells[0].text == "最终得分" and tables[1].rows[-1].cells[-1].text == "68.50"
    data = client.get(f"{base}/report.json").get_json()
    assert [s["totals"]["score"] for s in data["sections"]] == [43.5, 25.0] and data["score"] == 68.5


def test_the_questionnaire_page_shows_each_scale_with_its_questions(
    app: Flask, two_lists: str, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user("evaluator1")
    sign_in(client, "evaluator1")
    page = client.get("/questionnaires/two-lists/v1").get_data(as_text=True)
    assert "第 1, 2 题的答案量表" in page and "第 3 题的答案量表" in page
    assert page.index("非常不满意") < page.index("不同意")
    preview = client.get("/questionnaires/two-lists/v1/preview").get_data(as_text=True)
    assert "计分：第 1, 2 题" in preview and "计分：第 3 题" in preview


def test_a_select_one_on_a_weighted_list_is_scored_and_one_on_an_unweighted_list_is_not(app: Flask) -> None:
    text = TWO_LISTS.replace("type: scale, list: agree", "type: select_one, list: agree")
    text = text.replace(
        "lists:\n", "lists:\n  sex:\n    - {code: m, label: 男}\n    - {code: f, label: 女}\n"
    )
    text += "  - {text: 性别, type: select_one, list: sex}\n"
    with app.test_request_context():
        spec = parse_questionnaire_text(text, "two-lists.yaml")
    kinds = [(q.number, q.type, q.list_name, float(q.points)) for q in spec.questions]
    assert kinds == [
        (1, "scale", "scale", 30.0),
        (2, "scale", "scale", 30.0),
        (3, "scale", "agree", 40.0),  # its options carry weights
        (4, "select_one", "sex", 0.0),  # they do not: a profile question
    ]
