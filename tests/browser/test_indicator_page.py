"""An evaluator edits a leaf of the indicator table in a real browser and sees subtotals and grade follow."""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib.resources import files

from flask import Flask
from playwright.sync_api import Browser, expect

from surveyapp.areas.services import load_areas
from surveyapp.extensions import db
from surveyapp.indicators.funds import import_rows, sheet_for
from surveyapp.indicators.services import create_table
from tests.accounts.conftest import PASSWORD, make_user  # noqa: F401  (fixture)
from tests.browser.conftest import axe_violations, describe

FUNDS_CSV = files("analysis.indicators.tables") / "kunming-2022-funds.csv"
SCREENSHOTS = os.environ.get("SURVEYAPP_SCREENSHOTS")  # a folder to keep screenshots in, when set


def _shot(page: object, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_edit_a_leaf_and_see_subtotal_and_grade(
    app: Flask,
    browser: Browser,
    live_server: str,
    make_user: Callable[..., int],  # noqa: F811
) -> None:
    make_user("evaluator1", "evaluator")
    with app.app_context():
        load_areas()  # as surveyapp init does: funds rows point to their county
        record = create_table("kunming-2022-pension-subsidy", key="kunming-2022")
        import_rows(sheet_for(record), "funds.csv", FUNDS_CSV.read_bytes(), None)
        db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/indicators/kunming-2022")
    page.get_by_label("用户名").fill("evaluator1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#grade")).to_contain_text("总分 95.20 · 评价等级 优")
    assert not (violations := axe_violations(page)), describe(violations)
    _shot(page, "indicator-table")

    page.get_by_role("link", name="编辑 C.1.1.1 补助人数").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("C.1.1.1 补助人数")
    page.get_by_label("实际完成值").fill("2000")
    assert not (violations := axe_violations(page)), describe(violations)
    _shot(page, "indicator-leaf")
    page.get_by_role("button", name="保存", exact=True).click()

    # 10 x 2000 / 20000 = 1.00: 数量 falls to 1.00, 项目绩效 to 48.00, the total to 86.20, grade 良.
    expect(page.locator("#node-C\\.1\\.1 td.num").nth(1)).to_have_text("1.00")
    expect(page.locator("#summary tbody tr").nth(2)).to_contain_text("48.00")
    expect(page.locator("#grade")).to_contain_text("总分 86.20 · 评价等级 良")

    page.get_by_role("link", name="补助经费使用情况表").click()
    expect(page.locator("#findings li")).to_have_count(9)  # every county differs from the cost-share rule
    assert not (violations := axe_violations(page)), describe(violations)
    _shot(page, "funds-sheet")
    context.close()
