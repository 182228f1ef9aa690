"""An evaluator signs in, reads the campaign's statistics table, changes the scheme, downloads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from surveyapp.extensions import db
from surveyapp.models import Area, Campaign
from surveyapp.scoring.schemes import load_builtin_schemes
from surveyapp.survey.services import Submission, submit_response
from tests.accounts.conftest import sign_in
from tests.conftest import csrf_token
from tests.scoring.conftest import load


def _page(client: FlaskClient, campaign: Campaign) -> str:
    response = client.get(f"/evaluation/campaigns/{campaign.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_staff_only(client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign) -> None:
    address = f"/evaluation/campaigns/{report_campaign.slug}"
    assert client.get(address).headers["Location"].startswith("/login")
    make_user("field1", role="field_staff")
    sign_in(client, "field1")
    assert client.get(address).status_code == 403
    assert client.get(f"{address}/report.csv").status_code == 403


def test_other_countys_campaign_is_not_found(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    with app.app_context():
        city = Area(code="530100", name="昆明市", level="city")
        db.session.add_all([city, Area(code="530129", name="寻甸县", level="county", parent=city)])
        db.session.flush()
        load(report_campaign).area_id = city.id
        db.session.commit()
    make_user("xundian", area_code="530129")
    sign_in(client, "xundian")
    assert client.get(f"/evaluation/campaigns/{report_campaign.slug}").status_code == 404
    assert report_campaign.name not in client.get("/evaluation/").get_data(as_text=True)


def test_evaluator_sees_the_report_table_in_chinese(
    client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    make_user("evaluator1")
    sign_in(client, "evaluator1")
    assert report_campaign.name in client.get("/evaluation/").get_data(as_text=True)
    page = _page(client, report_campaign)
    assert '<strong class="figure" id="final-score">98.00</strong>' in page
    expected = ["问卷统计表", "最终得分", "人数", "占比", "分数", "82.93%", "9.83"]
    expected += ["问卷自带权重", "样本量足够"]
    for text in expected:
        assert text in page, text
    assert 'aria-label="第 1 题: A 82.93%, B 17.07%, C 0.00%, D 0.00%, E 0.00%"' in page
    assert "<script" not in page


def test_changing_the_scheme_rescores_the_page(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    with app.app_context():
        load_builtin_schemes()
        db.session.commit()
    make_user("evaluator1")
    sign_in(client, "evaluator1")
    page = _page(client, report_campaign)
    address = f"/evaluation/campaigns/{report_campaign.slug}/scheme"
    changed = client.post(address, data={"csrf_token": csrf_token(page), "scheme": "national-100-80-60-30-0"})
    assert changed.status_code == 303
    page = _page(client, report_campaign)
    assert '<strong class="figure" id="final-score">96.00</strong>' in page  # 3936 / 41
    assert "通用五级（100、80、60、30、0）" in page
    refused = client.post(address, data={"csrf_token": csrf_token(page), "scheme": "nope"})
    assert refused.status_code == 422
    assert "96.00" in refused.get_data(as_text=True)


def test_downloads(client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign) -> None:
    make_user("evaluator1")
    sign_in(client, "evaluator1")
    base = f"/evaluation/campaigns/{report_campaign.slug}"
    as_json = client.get(f"{base}/report.json")
    assert json.loads(as_json.data)["score"] == 98.0
    assert "attachment" in as_json.headers["Content-Disposition"]
    as_csv = client.get(f"{base}/report.csv", headers={"Accept-Encoding": "gzip"})
    assert as_csv.is_streamed and "Content-Encoding" not in as_csv.headers
    text = as_csv.get_data().decode("utf-8")
    assert text.startswith("\ufeff") and "最终得分" in text
    with client.get(f"{base}/report.xlsx") as as_xlsx:
        workbook = load_workbook(io.BytesIO(as_xlsx.data))
    assert list(workbook["问卷统计表"].iter_rows(values_only=True))[-1][:3] == ("最终得分", "权重", 98.0)
    rows = list(csv.reader(io.StringIO(client.get(f"{base}/responses.csv").get_data().decode("utf-8-sig"))))
    assert len(rows) == 42 and rows[0][6:] == [f"q{n}" for n in range(1, 11)]
    assert client.get(f"{base}/report.pdf").status_code == 404


def test_small_sample_is_shown(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], campaign: Campaign
) -> None:
    with app.app_context():
        submit_response(load(campaign), Submission("one", dict.fromkeys(range(1, 11), "B"), "qr"))
        db.session.commit()
    make_user("evaluator1")
    sign_in(client, "evaluator1")
    page = _page(client, campaign)
    assert '<strong class="figure" id="final-score">90.00</strong>' in page  # 10 x 10 x 0.9
    assert "样本量不足（少于 30 份答卷）" in page
