"""The entry pages without JavaScript, and their accessibility with it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import FieldDetail
from tests.browser.conftest import axe_violations, describe
from tests.browser.fieldwork.conftest import Field, sign_in


def test_paper_batch_works_without_javascript(
    app: Flask, live_server: str, field: Field, persistent: Callable[..., BrowserContext]
) -> None:
    page = persistent(java_script_enabled=False).new_page()
    sign_in(page, live_server, next_path=f"/entry/{field.slug}/paper")
    page.get_by_label("本批问卷份数").fill("2")
    page.get_by_label("本批问卷所属乡镇（街道）").select_option(label="仁德街道")
    for serial in ("31", "32"):
        page.get_by_label("问卷编号").fill(serial)
        for number in range(1, 11):
            page.locator(f"#q{number}-group").get_by_text("满意", exact=True).click()
        page.get_by_role("button", name="保存本份问卷").click()
        expect(page.get_by_text("可以录入下一份")).to_be_visible()
    expect(page.locator("#batch-count")).to_have_text("本批已录入 2 份，共 2 份。")
    with app.app_context():
        serials = sorted(d.sheet_serial or "" for d in db.session.scalars(select(FieldDetail)))
    assert serials == ["31", "32"]


def test_entry_pages_pass_axe(
    live_server: str, field: Field, persistent: Callable[..., BrowserContext]
) -> None:
    page = persistent().new_page()
    sign_in(page, live_server, next_path=f"/entry/{field.slug}/paper")
    page.wait_for_selector("#fieldwork-queue:not([hidden])")
    assert (found := axe_violations(page)) == [], describe(found)
    page.goto(f"{live_server}/entry/{field.slug}")
    page.wait_for_selector("#fieldwork-queue:not([hidden])")
    assert (found := axe_violations(page)) == [], describe(found)
