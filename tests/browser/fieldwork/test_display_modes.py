"""The interview page in the respondent's display modes: the interviewer turns the tablet round."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Response
from tests.browser.conftest import axe_violations, describe
from tests.browser.fieldwork.conftest import Field, sign_in


def test_display_buttons_on_the_interview_page_keep_the_entry_and_store_nothing(
    app: Flask, live_server: str, field: Field, persistent: Callable[..., BrowserContext]
) -> None:
    page = persistent().new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, next_path=f"/entry/{field.slug}")
    page.wait_for_selector("#fieldwork-queue:not([hidden])")
    page.get_by_label("面对面访谈").check()
    page.locator("#q1-group").get_by_text("一般", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="大字", exact=True).click()
    assert page.locator("html").get_attribute("class") == "mode-large"
    assert page.locator("#q1-group input[value=C]").is_checked()
    assert page.get_by_label("面对面访谈").is_checked()
    assert page.locator(".error-message").count() == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    legend = page.locator("#q1-group legend").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert legend >= 24


@pytest.mark.parametrize("mode", ["large", "contrast", "large.contrast.faces.steps"])
def test_interview_page_passes_axe_in_every_mode(
    live_server: str, field: Field, persistent: Callable[..., BrowserContext], mode: str
) -> None:
    context = persistent()
    context.add_cookies([{"name": "display", "value": mode, "url": live_server}])
    page = context.new_page()
    sign_in(page, live_server, next_path=f"/entry/{field.slug}")
    page.wait_for_selector("#fieldwork-queue:not([hidden])")
    assert page.locator("html").get_attribute("class") == " ".join(f"mode-{m}" for m in mode.split("."))
    expect(page.get_by_role("button", name="高对比度")).to_be_visible()
    assert (found := axe_violations(page)) == [], describe(found)
