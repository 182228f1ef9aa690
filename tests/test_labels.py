"""No raw code reaches a page or an export: channels, modes, types, rules, audit, history."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from surveyapp.models import Campaign
from tests.accounts.conftest import make_user, sign_in
from tests.indicators.conftest import evaluator, report_table
from tests.indicators.test_links import SATISFACTION, _link
from tests.scoring.conftest import report_campaign

__all__ = ["evaluator", "make_user", "report_campaign", "report_table"]  # fixtures


def test_audit_log_names_actions_and_details(client: FlaskClient, make_user: Callable[..., int]) -> None:
    make_user("admin1", "admin")  # account.create, with area None
    client.post("/login", data={"username": "nobody", "password": "wrong"})  # sign_in.failed (refused)
    sign_in(client, "admin1")
    page = client.get("/admin/audit/").get_data(as_text=True)
    cells = re.findall(r'<td data-action="[^"]+">([^<]*)</td>', page)
    assert "新建账号" in cells and "登录" in cells
    text = re.sub(r"<[^>]+>", " ", page)
    for code in ("account.create", "sign_in.failed", "area: None", "role: admin", "None"):
        assert code not in text, code
    assert "地区: —" in text and "角色: 管理员" in text


def test_responses_csv_names_channels(runner: FlaskCliRunner, report_campaign: Campaign) -> None:
    output = runner.invoke(args=["report", report_campaign.slug, "--format", "csv", "--responses"]).output
    rows = list(csv.reader(io.StringIO(output.lstrip("\ufeff"))))
    assert rows[0][:4] == ["序号", "提交时间", "渠道", "方式"]
    assert {row[2] for row in rows[1:]} == {"纸质录入"}


def test_english_page_has_english_headings_and_marks_chinese_text(
    client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    make_user("ev1")
    sign_in(client, "ev1")
    client.get("/language/en")
    page = client.get(f"/evaluation/campaigns/{report_campaign.slug}").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert re.search(r'<th scope="rowgroup" rowspan="3" class="question-text" lang="zh-CN">1\. 您对', page)
    headings = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', page)
    # Column headings are English; only the options' own names (data, marked zh-CN) are Chinese.
    chinese = [h for h in headings if re.search(r"[\u4e00-\u9fff]", h)]
    assert len(chinese) == 5 and all("（" in h for h in chinese)
    assert page.count('class="num" lang="zh-CN"') == 5
    assert "By channel" in page and ">Paper<" in page


def test_chinese_page_marks_nothing(
    client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    make_user("ev1")
    sign_in(client, "ev1")
    page = client.get(f"/evaluation/campaigns/{report_campaign.slug}").get_data(as_text=True)
    assert 'class="question-text">1. 您对' in page and 'class="num" lang=' not in page
    assert ">纸质录入<" in page


def test_history_names_links_in_words(
    app: Flask, evaluator: FlaskClient, report_table: str, campaign: Campaign
) -> None:
    assert _link(evaluator, report_table, SATISFACTION, "campaign_score", campaign.slug)[0] == 303
    page = evaluator.get(f"/indicators/{report_table}/history").get_data(as_text=True)
    assert "campaign_score" not in page and "取值来源" in page
    assert f"调查批次的满意度得分 · {campaign.slug}" in page
