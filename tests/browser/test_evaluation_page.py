"""An evaluator signs in at a desk, reads the report's table, switches the scheme and downloads it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from surveyapp.extensions import db
from surveyapp.models import Campaign
from surveyapp.scoring.schemes import load_builtin_schemes
from tests.accounts.conftest import PASSWORD, make_user
from tests.browser.conftest import axe_violations, describe
from tests.scoring.conftest import report_campaign

__all__ = ["make_user", "report_campaign"]


def test_evaluator_reads_switches_and_downloads(
    browser: Browser,
    live_server: str,
    app: Flask,
    report_campaign: Campaign,
    make_user: Callable[..., int],
    tmp_path: Path,
) -> None:
    with app.app_context():
        load_builtin_schemes()
        db.session.commit()
    make_user("evaluator1")
    desk = {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN", viewport=desk, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server}/evaluation/")
    page.get_by_label("用户名").fill("evaluator1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name=report_campaign.name).click()
    expect(page.locator("#final-score")).to_have_text("98.00")
    question6 = "第 6 题: A 75.61%, B 24.39%, C 0.00%, D 0.00%, E 0.00%"  # seed facts §2
    expect(page.get_by_role("img", name=question6)).to_be_visible()
    assert not (violations := axe_violations(page)), describe(violations)
    if shots := os.environ.get("SURVEYAPP_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/evaluation-page.png", full_page=True)
        page.emulate_media(media="print")
        page.screenshot(path=f"{shots}/evaluation-print.png", full_page=True)
        page.emulate_media(media="screen")

    page.get_by_label("权重方案").select_option("national-100-80-60-30-0")
    page.get_by_role("button", name="按此方案计分").click()
    expect(page.locator("#final-score")).to_have_text("96.00")  # 3936 / 41

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel（XLSX）").click()
    target = tmp_path / "report.xlsx"
    info.value.save_as(target)
    book = load_workbook(target)
    assert list(book["问卷统计表"].iter_rows(values_only=True))[-1][:3] == ("最终得分", "权重", 96.0)
    about = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert about["权重方案"] == "通用五级（100、80、60、30、0）"
    context.close()
