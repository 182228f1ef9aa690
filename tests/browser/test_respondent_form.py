"""A beneficiary answers on a phone: the whole story in a real browser."""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Campaign, Response
from tests.browser.conftest import axe_violations, describe

PAGE_BUDGET_BYTES = 30 * 1024
MIN_TARGET_PX = 48


def _responses(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response)) or 0


def _choose(page: Page, number: int, label: str) -> None:
    page.locator(f"#q{number}-group").get_by_text(label, exact=True).tap()


def test_answer_all_ten_and_see_thanks(phone: Page, live_server: str, campaign: Campaign, app: Flask) -> None:
    phone.goto(f"{live_server}/s/{campaign.slug}")
    for number in range(1, 11):
        _choose(phone, number, "非常满意" if number % 2 else "满意")
    phone.get_by_role("button", name="提交").tap()
    phone.wait_for_url(f"**/s/{campaign.slug}/thanks")
    expect(phone.get_by_role("heading", name="谢谢您！")).to_be_visible()
    assert _responses(app) == 1


def test_two_unanswered_show_errors_and_keep_answers(
    phone: Page, live_server: str, campaign: Campaign, app: Flask
) -> None:
    phone.goto(f"{live_server}/s/{campaign.slug}")
    for number in range(1, 11):
        if number not in (4, 9):
            _choose(phone, number, "满意")
    phone.get_by_role("button", name="提交").tap()
    summary = phone.get_by_role("alert")
    expect(summary).to_be_visible()
    assert summary.get_by_role("link").count() == 2
    assert phone.locator(".error-message").count() == 2
    assert phone.locator("input[type=radio]:checked").count() == 8
    assert phone.locator("#q5-group input[value=B]").is_checked()
    summary.get_by_role("link", name="第 9 题").tap()
    assert phone.url.endswith("#q9-group")
    _choose(phone, 4, "一般")
    _choose(phone, 9, "很不满意")
    phone.get_by_role("button", name="提交").tap()
    phone.wait_for_url("**/thanks")
    assert _responses(app) == 1


def test_double_tap_and_back_button_store_once(
    phone: Page, live_server: str, campaign: Campaign, app: Flask
) -> None:
    phone.goto(f"{live_server}/s/{campaign.slug}")
    for number in range(1, 11):
        _choose(phone, number, "非常满意")
    phone.get_by_role("button", name="提交").dblclick()
    # The second tap's request cancels the first one's navigation (net::ERR_ABORTED), which
    # wait_for_url treats as a failure; polling the address waits for the page that stays.
    expect(phone).to_have_url(re.compile(r"/thanks$"))
    phone.go_back()
    if phone.get_by_role("button", name="提交").count():
        phone.get_by_role("button", name="提交").tap()
        phone.wait_for_load_state()
    phone.reload()
    assert _responses(app) == 1


def test_works_without_javascript(new_context, live_server: str, campaign: Campaign, app: Flask) -> None:  # type: ignore[no-untyped-def]
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server}/s/{campaign.slug}")
    for number in range(1, 11):
        page.locator(f"#q{number}-group").get_by_text("满意", exact=True).click()
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/thanks")
    assert _responses(app) == 1


def test_options_are_large_touch_targets(phone: Page, live_server: str, campaign: Campaign) -> None:
    phone.goto(f"{live_server}/s/{campaign.slug}")
    heights = phone.locator("label.option").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert len(heights) == 50
    assert min(heights) >= MIN_TARGET_PX
    button = phone.get_by_role("button", name="提交").bounding_box()
    assert button is not None and button["height"] >= MIN_TARGET_PX


def test_reflows_at_200_percent_zoom_without_sideways_scrolling(
    new_context,
    live_server: str,
    campaign: Campaign,  # type: ignore[no-untyped-def]
) -> None:
    # A 360 px phone at 200 % zoom lays the page out in 180 CSS pixels.
    page = new_context(viewport={"width": 180, "height": 320}).new_page()
    page.goto(f"{live_server}/s/{campaign.slug}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    font_px = page.locator("legend").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert font_px >= 18


def test_page_weight_within_budget_and_no_other_host(
    phone: Page, live_server: str, campaign: Campaign
) -> None:
    loaded: list[tuple[str, int]] = []
    phone.on(
        "requestfinished",
        lambda r: loaded.append((r.url, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"])),
    )
    phone.goto(f"{live_server}/s/{campaign.slug}")
    phone.wait_for_load_state("networkidle")
    total = sum(size for _, size in loaded)
    print(f"\nform page: {len(loaded)} requests, {total} bytes on the wire")
    assert all(url.startswith(live_server) or url.startswith("data:") for url, _ in loaded), loaded
    assert 0 < total <= PAGE_BUDGET_BYTES
    # Only the form's own deferred enhancement script, nothing that blocks the first paint.
    assert phone.locator("script:not([defer])").count() == 0
    assert phone.locator("link[rel=stylesheet]").count() == 0


def test_form_error_thanks_and_closed_pages_pass_axe(
    phone: Page, live_server: str, campaign: Campaign, app: Flask
) -> None:
    phone.goto(f"{live_server}/s/{campaign.slug}")
    assert (found := axe_violations(phone)) == [], describe(found)
    _choose(phone, 1, "满意")
    phone.get_by_role("button", name="提交").tap()
    phone.get_by_role("alert").wait_for()
    assert (found := axe_violations(phone)) == [], describe(found)
    for number in range(2, 11):
        _choose(phone, number, "满意")
    phone.get_by_role("button", name="提交").tap()
    phone.wait_for_url("**/thanks")
    assert (found := axe_violations(phone)) == [], describe(found)
    with app.app_context():
        stored = db.session.get(Campaign, campaign.id)
        assert stored is not None
        stored.close()
        db.session.commit()
    phone.goto(f"{live_server}/s/{campaign.slug}")
    expect(phone.get_by_role("heading", name="本调查已结束")).to_be_visible()
    assert (found := axe_violations(phone)) == [], describe(found)
    phone.goto(f"{live_server}/s/nosuchpage")
    assert (found := axe_violations(phone)) == [], describe(found)


def test_english_switch_is_visible_and_works(phone: Page, live_server: str, campaign: Campaign) -> None:
    phone.goto(f"{live_server}/s/{campaign.slug}")
    phone.get_by_role("link", name="English").tap()
    expect(phone.get_by_role("button", name="Submit")).to_be_visible()
    assert phone.locator("html").get_attribute("lang") == "en"
