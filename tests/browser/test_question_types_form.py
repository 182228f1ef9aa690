"""The bundled survey with a profile block, skip logic and an open question, answered on a phone."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, Campaign, QuestionnaireVersion, Response
from tests.browser.conftest import axe_violations, describe

PAGE_BUDGET_BYTES = 30 * 1024


@pytest.fixture()
def survey(app: Flask, questionnaire: QuestionnaireVersion) -> Campaign:
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.questionnaires.services import find_version

    with app.app_context():
        version = find_version("kunming-2022-pension-survey")
        assert version is not None
        made = create_campaign(version, "profile survey")
        db.session.commit()
        db.session.refresh(made)
        db.session.expunge(made)
        return made


def _profile_and_ratings(page: Page, first: str) -> None:
    page.locator("#q1-group").get_by_text("残疾人本人", exact=True).click()
    page.locator("#q2-group").get_by_text("女", exact=True).click()
    page.locator("#q3-group").get_by_text("60岁及以上", exact=True).click()
    page.locator("#q4").fill("五华区")
    page.locator("#q6-group").get_by_text("四级", exact=True).click()
    page.locator("#q7-group").get_by_text(first, exact=True).click()
    for number in range(8, 17):
        page.locator(f"#q{number}-group").get_by_text("满意", exact=True).click()


def _stored(app: Flask) -> tuple[int, list[str]]:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Response)) or 0
        texts = [t for t in db.session.scalars(select(Answer.value_text)) if t]
        return count, sorted(texts)


def test_with_javascript_the_follow_up_appears_for_the_dissatisfied(
    phone: Page, live_server: str, survey: Campaign, app: Flask
) -> None:
    loaded: list[tuple[str, int]] = []
    phone.on(
        "requestfinished",
        lambda r: loaded.append((r.url, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"])),
    )
    phone.goto(f"{live_server}/s/{survey.slug}")
    phone.wait_for_load_state("networkidle")
    total = sum(size for _, size in loaded)
    print(f"\nsurvey page with skip logic: {len(loaded)} requests, {total} bytes on the wire")
    assert all(url.startswith(live_server) for url, _ in loaded), loaded
    assert total <= PAGE_BUDGET_BYTES
    follow_up = phone.locator("#q17-group")
    expect(follow_up).to_be_hidden()
    assert (found := axe_violations(phone)) == [], describe(found)
    _profile_and_ratings(phone, "不满意")
    expect(follow_up).to_be_visible()
    follow_up.get_by_text("办理时间太长", exact=True).tap()
    phone.locator("#q18").fill("希望简化手续")
    phone.get_by_role("button", name="提交").tap()
    phone.wait_for_url("**/thanks")
    assert _stored(app) == (1, ["五华区", "希望简化手续"])


def test_without_javascript_the_server_skips_and_requires_as_relevant_says(
    new_context,
    live_server: str,
    survey: Campaign,
    app: Flask,  # type: ignore[no-untyped-def]
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server}/s/{survey.slug}")
    _profile_and_ratings(page, "很不满意")
    page.get_by_role("button", name="提交").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(page.locator("#q17-error")).to_contain_text("请选择至少一个原因。")
    assert page.locator("#q7-group input[value=E]").is_checked()  # the other answers are kept
    assert page.locator("#q4").input_value() == "五华区"
    page.locator("#q7-group").get_by_text("满意", exact=True).click()  # changes their mind
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/thanks")
    assert _stored(app) == (1, ["五华区"])


def test_english_texts_of_the_questionnaire(phone: Page, live_server: str, survey: Campaign) -> None:
    phone.goto(f"{live_server}/s/{survey.slug}")
    phone.get_by_role("link", name="English").tap()
    expect(phone.get_by_role("heading", name="Part 2. Your rating")).to_be_visible()
    expect(phone.locator("#q7-group")).to_contain_text("Very satisfied")
