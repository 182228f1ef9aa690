"""An evaluator imports a roster, draws a sample and prints code cards; a sampled person answers
with a code on a phone; every page passes axe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from surveyapp.areas.services import load_areas
from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Base, PersonalCode
from surveyapp.questionnaires.services import find_version, load_bundled
from tests.accounts.conftest import PASSWORD
from tests.browser.conftest import axe_violations, describe
from tests.conftest import make_app
from tests.distribution.people import people, roster_csv


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The application with a roster key, areas, the bundled questionnaire and an evaluator."""
    from surveyapp.accounts.services import create_user

    application = make_app(tmp_path, database_url, ROSTER_KEY="browser-roster-key-0123456789")
    with application.app_context():
        if database_url:
            Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        load_areas()
        load_bundled()
        create_user("eva", PASSWORD, "evaluator")
        db.session.commit()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    """An office computer's browser window, in Chinese."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _clean(page: Page) -> None:
    assert (found := axe_violations(page)) == [], describe(found)


def test_roster_sample_cards_and_a_code_on_a_phone(
    app: Flask, desk: Page, live_server: str, tmp_path: Path, new_context
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        slug = create_campaign(version, "2022 满意度调查", target_responses=41).slug
        db.session.commit()
    roster = tmp_path / "花名册.csv"
    rows = people(45)
    roster.write_bytes(roster_csv(rows, "gb18030"))

    desk.goto(f"{live_server}/login")
    desk.get_by_label("用户名").fill("eva")
    desk.get_by_label("密码").fill(PASSWORD)
    desk.get_by_role("button", name="登录").click()
    desk.goto(f"{live_server}/campaigns/{slug}")
    desk.get_by_role("link", name="花名册、抽样和答题码").click()
    _clean(desk)
    desk.get_by_label("花名册文件（CSV 或 XLSX）").set_input_files(str(roster))
    desk.get_by_role("button", name="导入花名册").click()
    expect(desk.get_by_text("花名册已导入：45 人。")).to_be_visible()
    desk.get_by_label("每县（或每乡镇）人数").fill("4")
    desk.get_by_label("随机种子", exact=False).fill("2022")
    desk.get_by_role("button", name="抽样").click()
    expect(desk.get_by_text("已抽样：12 人，每人一个答题码。")).to_be_visible()
    desk.get_by_label("仅限持有答题码的人").check()
    desk.get_by_role("button", name="保存").click()
    expect(desk.get_by_text("已保存作答范围。")).to_be_visible()
    _clean(desk)
    page_text = desk.content()
    assert not any(person["身份证号"] in page_text or person["姓名"] in page_text for person in rows)

    desk.get_by_role("link", name="可打印的答题卡（每页 12 张）").click()
    expect(desk.locator(".card")).to_have_count(12)
    _clean(desk)
    desk.go_back()
    desk.get_by_role("link", name="作答情况").first.click()
    expect(desk.get_by_text("尚未作答、需要走访的人员（12 人）")).to_be_visible()
    _clean(desk)

    with app.app_context():
        code = db.session.scalars(select(PersonalCode.code).order_by(PersonalCode.code)).first()
    assert code is not None
    phone = new_context().new_page()
    phone.goto(f"{live_server}/s/{slug}")
    expect(phone.get_by_label("您的答题码")).to_be_visible()
    _clean(phone)
    phone.get_by_label("您的答题码").fill("WRONG123")
    phone.get_by_role("button", name="打开问卷").click()
    expect(phone.get_by_text("无法识别该答题码。", exact=False)).to_be_visible()
    _clean(phone)
    phone.get_by_label("您的答题码").fill(code.lower())
    phone.get_by_role("button", name="打开问卷").click()
    expect(phone.locator("input[name=q1]").first).to_be_attached()
