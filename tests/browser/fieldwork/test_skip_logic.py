"""Skip logic on the interview page: the follow-up is asked only of the dissatisfied, as on the form."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Area
from surveyapp.questionnaires.services import find_version
from tests.browser.fieldwork.conftest import Field, sign_in


def test_the_follow_up_appears_only_when_relevant_and_clears_for_the_next_interview(
    app: Flask, live_server: str, field: Field, persistent: Callable[..., BrowserContext]
) -> None:
    page = persistent().new_page()
    with app.app_context():
        county = db.session.scalars(select(Area).where(Area.code == "530129")).one()
        version = find_version("kunming-2022-pension-survey")
        assert version is not None
        slug = create_campaign(version, "寻甸县画像访谈", area_id=county.id).slug
        db.session.commit()
    sign_in(page, live_server)
    page.goto(f"{live_server}/entry/{slug}")
    page.wait_for_selector("#entry-config[data-ready=true]", state="attached")
    follow_up = page.locator("#q17-group")
    expect(follow_up).to_be_hidden()
    page.locator("#q7-group").get_by_text("不满意", exact=True).click()
    expect(follow_up).to_be_visible()
    page.locator("#q7-group").get_by_text("满意", exact=True).click()
    expect(follow_up).to_be_hidden()
    page.locator("#q7-group").get_by_text("很不满意", exact=True).click()
    expect(follow_up).to_be_visible()
    # The form is cleared for the next interview: the follow-up goes with the answer that raised it.
    page.evaluate("document.querySelector('#entry-config').closest('form').reset()")
    expect(follow_up).to_be_hidden()
