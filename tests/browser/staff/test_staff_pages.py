"""Staff in a real browser: sign-in, throttling, the county boundary, accessible management pages,
and the newcomer's whole story from the first administrator to a QR code."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from surveyapp.areas.services import load_areas
from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Area, Campaign, QuestionnaireVersion, User
from surveyapp.questionnaires.services import find_version, load_bundled
from tests.accounts.conftest import PASSWORD
from tests.browser.conftest import axe_violations, describe
from tests.questionnaires.workbooks import report_sheets, workbook_bytes

#: Set to a folder to keep screenshots of the staff pages for a human to look at.
SCREENSHOTS = os.environ.get("SURVEYAPP_SCREENSHOTS")


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    """An office computer's browser window, in Chinese."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture
def areas(app: Flask) -> None:
    with app.app_context():
        load_areas()
        load_bundled()
        db.session.commit()


def _sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _county_campaign(app: Flask, code: str) -> str:
    with app.app_context():
        area = db.session.scalars(select(Area).where(Area.code == code)).one()
        version = find_version("kunming-2022-pension-satisfaction")
        made = create_campaign(version, f"{area.name}满意度调查", area_id=area.id, target_responses=41)  # type: ignore[arg-type]
        db.session.commit()
        return made.slug


def _shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_sign_in_and_throttling(desk: Page, live_server: str, areas: None, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("ev1")
    _sign_in(desk, live_server, "ev1", "a wrong password")
    expect(desk.get_by_text("用户名或密码不正确")).to_be_visible()
    for _ in range(4):
        _sign_in(desk, live_server, "ev1", "a wrong password")
    _sign_in(desk, live_server, "ev1")  # the right password, too late
    expect(desk.get_by_text("尝试次数过多，请等待 15 分钟后再试。")).to_be_visible()
    _shot(desk, "sign-in-throttled")
    assert (found := axe_violations(desk)) == [], describe(found)


def test_county_staff_cannot_open_another_countys_campaign(
    desk: Page,
    live_server: str,
    app: Flask,
    areas: None,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    own = _county_campaign(app, "530129")
    other = _county_campaign(app, "530128")
    make_user("xd.field", "field_staff", "530129")
    _sign_in(desk, live_server, "xd.field")
    expect(desk.get_by_role("heading", name="概览")).to_be_visible()
    expect(desk.get_by_role("link", name="寻甸县满意度调查")).to_be_visible()
    expect(desk.get_by_role("link", name="禄劝县满意度调查")).to_have_count(0)
    desk.goto(f"{live_server}/campaigns/{other}")
    expect(desk.get_by_role("heading", name="找不到页面")).to_be_visible()
    desk.goto(f"{live_server}/entry/{other}")
    expect(desk.get_by_role("heading", name="找不到页面")).to_be_visible()
    desk.goto(f"{live_server}/campaigns/{own}")
    expect(desk.get_by_role("heading", name="寻甸县满意度调查")).to_be_visible()


def test_management_pages_pass_axe(desk: Page, live_server: str, app: Flask, areas: None, make_user) -> None:  # type: ignore[no-untyped-def]
    slug = _county_campaign(app, "530129")
    admin_id = make_user("admin1", "admin")
    _sign_in(desk, live_server, "admin1")
    pages = {
        "dashboard": "/",
        "campaigns": "/campaigns/",
        "campaign": f"/campaigns/{slug}",
        "campaign-new": "/campaigns/new",
        "questionnaires": "/questionnaires/",
        "questionnaire": "/questionnaires/kunming-2022-pension-satisfaction/v1",
        "upload": "/questionnaires/upload",
        "users": "/admin/users/",
        "user-new": "/admin/users/new",
        "user-edit": f"/admin/users/{admin_id}",  # with the sign-in lockout section
        "areas": "/admin/areas/",
        "audit": "/admin/audit/",
        "password": "/account/password",
        "entry-list": "/entry/",
        "entry": f"/entry/{slug}",
    }
    failures = {}
    for name, path in pages.items():
        desk.goto(f"{live_server}{path}")
        _shot(desk, name)
        if found := axe_violations(desk):
            failures[name] = describe(found)
    desk.goto(f"{live_server}/campaigns/new")
    desk.get_by_role("button", name="开始调查批次").click()
    expect(desk.get_by_role("alert")).to_be_visible()
    _shot(desk, "campaign-new-errors")
    if found := axe_violations(desk):
        failures["campaign-new-errors"] = describe(found)
    assert failures == {}


def test_field_staff_enter_an_interview_on_a_phone(
    new_context,
    live_server: str,
    app: Flask,
    areas: None,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    slug = _county_campaign(app, "530129")
    make_user("xd.field", "field_staff", "530129")
    phone = new_context().new_page()
    _sign_in(phone, live_server, "xd.field")
    phone.goto(f"{live_server}/entry/{slug}")
    phone.get_by_label("面对面访谈").check()
    phone.get_by_label("监护人或家属代答").check()
    for number in range(1, 11):
        phone.locator(f"#q{number}-group").get_by_text("满意", exact=True).click()
    assert (found := axe_violations(phone)) == [], describe(found)
    _shot(phone, "entry-phone")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("可以录入下一份")).to_be_visible()


def test_newcomer_story_from_first_admin_to_qr_code(
    desk: Page, live_server: str, app: Flask, runner: FlaskCliRunner, areas: None
) -> None:
    made = runner.invoke(
        args=["user", "create", "admin", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert made.exit_code == 0, made.output
    _sign_in(desk, live_server, "admin")
    # a county's field staff and a city-wide evaluator
    for username, role, area in (("xd.field", "field_staff", "寻甸县"), ("evaluator1", "evaluator", None)):
        desk.goto(f"{live_server}/admin/users/new")
        desk.get_by_label("用户名").fill(username)
        desk.get_by_label("角色").select_option(role)
        if area:
            desk.get_by_label("地区").select_option(label=f"\u3000{area}")
        desk.get_by_label("新密码", exact=True).fill(PASSWORD)
        desk.get_by_label("再次输入新密码").fill(PASSWORD)
        desk.get_by_role("button", name="添加用户").click()
        expect(desk.get_by_text(f"已添加账号 {username}。")).to_be_visible()
    # the questionnaire from an XLSForm workbook
    desk.goto(f"{live_server}/questionnaires/upload")
    desk.get_by_label("问卷文件").set_input_files(
        files=[
            {
                "name": "kunming.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": workbook_bytes(report_sheets()),
            }
        ]
    )
    desk.get_by_role("button", name="上传", exact=True).click()
    expect(desk.get_by_text("第 1 版已上传")).to_be_visible()
    desk.get_by_role("link", name="按手机显示效果预览").click()
    expect(desk.locator("fieldset")).to_have_count(10)
    desk.go_back()
    desk.get_by_role("button", name="发布").click()
    desk.get_by_role("link", name="新建调查批次").first.click()
    # the campaign
    desk.get_by_label("名称").fill("寻甸县2022年满意度调查")
    desk.get_by_label("问卷版本").select_option(
        label="昆明市残联2022年残疾人养老保险补助经费支出社会公众满意度调查问卷 (kunming-2022-pension-xls v1)"
    )
    desk.get_by_label("地区").select_option(label="\u3000寻甸县")
    desk.get_by_label("目标答卷数").fill("41")
    desk.get_by_role("button", name="开始调查批次").click()
    expect(desk.get_by_role("heading", name="寻甸县2022年满意度调查")).to_be_visible()
    _shot(desk, "campaign-started")
    with desk.expect_download() as download_info:
        desk.get_by_role("link", name="二维码（SVG，适合打印）").click()
    path = download_info.value.path()
    assert b"<svg" in path.read_bytes()
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.name == "寻甸县2022年满意度调查")).one()
        version = db.session.get(QuestionnaireVersion, campaign.questionnaire_version_id)
        assert version is not None and version.key == "kunming-2022-pension-xls"
        assert {u.username for u in db.session.scalars(select(User))} == {"admin", "xd.field", "evaluator1"}
