"""An evaluator checks the figures on a 390 px phone: no page scrolls sideways, tables scroll inside.

Every wide table sits in a captioned region (role=region, named by its caption or heading,
tabindex=0) that a keyboard user reaches with Tab and scrolls with the arrow keys.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from surveyapp.models import Campaign
from tests.accounts.conftest import PASSWORD, make_user
from tests.browser.conftest import axe_violations, describe
from tests.indicators.conftest import report_table
from tests.scoring.conftest import report_campaign

__all__ = ["make_user", "report_campaign", "report_table"]

PHONE = {"width": 390, "height": 844}


def _signed_in(browser: Browser, live_server: str, username: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def _no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


def _regions_are_named_and_scroll_by_keyboard(page: Page) -> int:
    """Each scrolling region is named, reached with Tab and scrolled with the right arrow."""
    regions = page.locator('[role="region"][tabindex="0"]')
    wide = 0
    for index in range(regions.count()):
        region = regions.nth(index)
        label_id = region.get_attribute("aria-labelledby")
        assert label_id and page.locator(f"#{label_id}").count() == 1, label_id
        assert page.locator(f"#{label_id}").inner_text().strip()
        if not region.evaluate("el => el.scrollWidth > el.clientWidth"):
            continue
        wide += 1
        page.locator("body").click(position={"x": 1, "y": 1})
        region.evaluate("el => el.scrollIntoView()")
        for _ in range(200):
            if region.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("Tab")
        assert region.evaluate("el => el === document.activeElement"), "the region is not reached by Tab"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    return wide


@pytest.mark.parametrize("path", ["evaluation", "indicators"])
def test_evaluator_pages_fit_a_390_px_phone(
    browser: Browser,
    live_server: str,
    app: Flask,
    report_campaign: Campaign,
    report_table: str,
    make_user: Callable[..., int],
    path: str,
) -> None:
    make_user("evaluator1")
    page = _signed_in(browser, live_server, "evaluator1")
    url = (
        f"/evaluation/campaigns/{report_campaign.slug}"
        if path == "evaluation"
        else f"/indicators/{report_table}"
    )
    page.goto(f"{live_server}{url}")
    _no_sideways_scroll(page)
    assert _regions_are_named_and_scroll_by_keyboard(page) >= 1
    _no_sideways_scroll(page)
    assert not (violations := axe_violations(page)), describe(violations)
    page.context.close()


def test_staff_lists_fit_a_390_px_phone(
    browser: Browser, live_server: str, app: Flask, report_campaign: Campaign, make_user: Callable[..., int]
) -> None:
    make_user("admin1", "admin")
    page = _signed_in(browser, live_server, "admin1")
    for url in ("/", "/admin/audit/", "/campaigns/", f"/campaigns/{report_campaign.slug}", "/areas/"):
        page.goto(f"{live_server}{url}")
        _no_sideways_scroll(page)
        _regions_are_named_and_scroll_by_keyboard(page)
        assert not (violations := axe_violations(page)), f"{url}: {describe(violations)}"
    page.context.close()
