"""Field work offline in real Chromium: nothing lost, nothing stored twice.

The service worker serves the pages with no network, IndexedDB keeps the queue through reloads and
a closed browser, and the queue is sent by itself when the network returns, through lost replies,
refusals and an expired session.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Campaign, FieldDetail, Response
from tests.browser.fieldwork.conftest import Field, sign_in

NOTHING_WAITING = "没有待发送的答卷"


FORGET_LOCAL_STORAGE_ONCE = """
try {
  if (location.protocol === "http:" && !sessionStorage.getItem("forgotten")) {
    localStorage.clear();
    sessionStorage.setItem("forgotten", "1");
  }
} catch (e) {}
"""


def _ready(page: Page, entry: bool = True) -> None:
    if entry:
        page.wait_for_selector("#entry-config[data-ready=true]", state="attached")
    page.wait_for_selector("#fieldwork-queue:not([hidden])")


def _open(page: Page, url: str) -> None:
    page.goto(url)
    _ready(page)


def _controlled(page: Page) -> None:
    """Wait until the service worker controls the page, so it has cached the entry pages."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#fieldwork-queue[data-offline-ready=true]")


def _waiting(page: Page, count: int) -> None:
    expect(page.locator("#fieldwork-count")).to_contain_text(f"等待发送：{count} 份")


def _interview(page: Page, mode: str, answer: str, note: str) -> None:
    page.get_by_label("面对面访谈").check()
    page.get_by_label(mode, exact=True).check()
    page.locator("#respondent_area").select_option(label="\u3000\u3000北门社区")
    page.locator("#note").fill(note)
    for number in range(1, 11):
        page.locator(f"#q{number}-group").get_by_text(answer, exact=True).click()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#entry-status")).to_contain_text("可以录入下一份")


def _sheet(page: Page, serial: str, keys: str) -> int:
    """Type one paper sheet with the keyboard only; returns the keystrokes it took."""
    page.locator("#sheet_serial").focus()
    page.keyboard.press("Control+A")  # the page offers the next serial; type over it
    page.keyboard.type(serial)
    page.keyboard.press("Enter")
    for key in keys:
        page.keyboard.press(key)
    expect(page.locator("#entry-status")).to_contain_text(f"编号 {serial} 的问卷已保存")
    return len(serial) + 1 + len(keys)


def _stored(app: Flask) -> list[tuple[Response, FieldDetail | None]]:
    with app.app_context():
        rows = [(r, db.session.get(FieldDetail, r.id)) for r in db.session.scalars(select(Response))]
        for response, _ in rows:
            response.answers  # noqa: B018 (load them before leaving the session)
        db.session.expunge_all()
        return rows


def _codes(app: Flask, response: Response) -> str:
    with app.app_context():
        campaign = db.session.get(Campaign, response.campaign_id)
        assert campaign is not None
        version = campaign.questionnaire_version
        numbers = {q.id: q.number for q in version.questions}
        codes = {o.id: o.code for o in version.scale}
        stored = db.session.get(Response, response.id)
        assert stored is not None
        return "".join(
            codes[a.option_id] for a in sorted(stored.answers, key=lambda a: numbers[a.question_id])
        )


def test_offline_interviews_and_sheets_survive_a_reload_and_a_closed_browser(
    app: Flask, live_server: str, field: Field, persistent: Callable[..., BrowserContext]
) -> None:
    browser = persistent()
    page = browser.new_page()
    sign_in(page, live_server)
    _ready(page, entry=False)
    _controlled(page)
    browser.set_offline(True)
    _open(page, f"{live_server}/entry/{field.slug}")
    _interview(page, "本人作答，读题协助", "满意", "老人视力不好，读题作答。")
    _interview(page, "监护人或家属代答", "非常满意", "")
    _waiting(page, 2)
    _open(page, f"{live_server}/entry/{field.slug}/paper")
    page.locator("#batch_size").fill("3")
    page.locator("#respondent_area").select_option(label="仁德街道")
    _sheet(page, "0001", "ABCDEABCDE")
    _sheet(page, "0002", "1234512345")
    expect(page.locator("#batch-count")).to_contain_text("本批已录入 2 份，共 3 份")
    page.reload()  # still offline: the service worker serves the page, IndexedDB keeps the queue
    _ready(page)
    _waiting(page, 4)
    expect(page.locator("#batch-count")).to_contain_text("本批已录入 2 份，共 3 份")
    expect(page.locator("#sheet_serial")).to_have_value("0003")
    _sheet(page, "0003", "BBBBBBBBBB")
    browser.close()  # the phone's browser is closed, still without network

    reopened = persistent(offline=True)
    # Chromium writes localStorage to disk lazily, so a browser killed at once may lose it: the
    # batch's list must come back from the queue in IndexedDB alone.
    reopened.add_init_script(FORGET_LOCAL_STORAGE_ONCE)
    page = reopened.new_page()
    _open(page, f"{live_server}/entry/{field.slug}/paper")
    _waiting(page, 5)
    expect(page.locator("#batch-sheets")).to_contain_text("问卷 0003")
    expect(page.locator("#batch-count")).to_contain_text("本批已录入 3 份，共 3 份")
    assert _stored(app) == []
    reopened.set_offline(False)  # the network returns: no click, no reload
    # Closing the browser ended the session (its cookie lives only as long as the browser): the
    # page asks to sign in again, and the queue waits for it.
    expect(page.locator("#fieldwork-signin")).to_be_visible(timeout=15000)
    _waiting(page, 5)
    page.locator("#fieldwork-signin a").click()
    page.get_by_label("用户名").fill("xd.field")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()
    _ready(page)
    expect(page.locator("#fieldwork-count")).to_contain_text(NOTHING_WAITING, timeout=15000)

    stored = _stored(app)
    assert len(stored) == 5 and len({r.submission_id for r, _ in stored}) == 5
    interviews = sorted((r for r, _ in stored if r.channel == "interview"), key=lambda r: r.id)
    assert [(r.mode, r.area_id) for r in interviews] == [
        ("read_aloud", field.village),
        ("proxy", field.village),
    ]
    notes = {d.note for r, d in stored if r.channel == "interview" and d is not None}
    assert notes == {"老人视力不好，读题作答。", None}
    sheets = {d.sheet_serial: r for r, d in stored if d is not None and d.sheet_serial}
    assert sorted(sheets) == ["0001", "0002", "0003"]
    assert {r.area_id for r in sheets.values()} == {field.township}
    assert _codes(app, sheets["0001"]) == "ABCDEABCDE"
    assert _codes(app, sheets["0002"]) == "ABCDEABCDE"  # numbers 1 to 5 are the options A to E
    assert _codes(app, interviews[0]) == "B" * 10 and _codes(app, interviews[1]) == "A" * 10
    expect(page.locator("#batch-sheets")).to_contain_text("问卷 0001：服务器已收到")


COUNT_KEYS = """
window.keysPressed = 0;
document.addEventListener("keydown", function (event) { if (!event.repeat) window.keysPressed += 1; }, true);
"""


def _keys(page: Page) -> int:
    return int(page.evaluate("window.keysPressed"))


def test_sheets_in_a_row_take_each_its_serial_ten_keys_and_enter_with_the_keyboard_alone(
    app: Flask, live_server: str, field: Field, persistent: Callable[..., BrowserContext]
) -> None:
    context = persistent()
    context.add_init_script(COUNT_KEYS)  # every key the page sees, counted by the page itself
    page = context.new_page()
    sign_in(page, live_server, next_path=f"/entry/{field.slug}/paper")
    _ready(page)
    # From here on the keyboard alone: no click, no focus(), no fill(). The page starts the typing
    # at the batch's size.
    assert page.evaluate("document.activeElement.id") == "batch_size"
    for key in ("3", "Enter", "ArrowDown", "Enter"):  # three sheets; the township; on to the serial
        page.keyboard.press(key)
    batch_keys = _keys(page)
    assert batch_keys == 4
    expect(page.locator("#respondent_area")).to_have_value(str(field.township))
    assert page.evaluate("document.activeElement.id") == "sheet_serial"

    def sheet(serial: str | None, answers: str, saved: str) -> int:
        before = _keys(page)
        if serial is not None:
            page.keyboard.type(serial)  # over the offered serial, which is selected
        page.keyboard.press("Enter")
        for key in answers:
            page.keyboard.press(key)
        expect(page.locator("#entry-status")).to_contain_text(f"编号 {saved} 的问卷已保存")
        assert page.evaluate("document.activeElement.id") == "sheet_serial"  # ready for the next
        return _keys(page) - before

    first = sheet("A-17", "EDCBAEDCBA", "A-17")
    second = sheet("B-3", "edcbaedcba", "B-3")  # lower case needs no Shift
    expect(page.locator("#sheet_serial")).to_have_value("B-4")  # the next serial, offered
    third = sheet(None, "1234512345", "B-4")  # the offered serial taken with Enter alone
    assert first == len("A-17") + 10 + 1 and second == len("B-3") + 10 + 1 and third == 10 + 1
    assert _keys(page) == batch_keys + first + second + third
    expect(page.locator("#batch-count")).to_contain_text("本批已录入 3 份，共 3 份")
    # Each sheet acknowledged by the server (the count alone may still show the moment before
    # the last sheet was queued), then nothing waiting.
    for serial in ("A-17", "B-3", "B-4"):
        expect(page.locator("#batch-sheets")).to_contain_text(f"问卷 {serial}：服务器已收到", timeout=15000)
    expect(page.locator("#fieldwork-count")).to_contain_text(NOTHING_WAITING)
    stored = {d.sheet_serial: r for r, d in _stored(app) if d is not None}
    assert sorted(stored) == ["A-17", "B-3", "B-4"]
    codes = [_codes(app, stored[serial]) for serial in ("A-17", "B-3", "B-4")]
    assert codes == ["EDCBAEDCBA", "EDCBAEDCBA", "ABCDEABCDE"]
    assert {r.area_id for r in stored.values()} == {field.township}
    # The same serial again is refused on the device, naming the first sheet's answers.
    page.keyboard.type("A-17")
    page.keyboard.press("Enter")
    for key in "AAAAAAAAAA":
        page.keyboard.press(key)
    expect(page.locator("#entry-status")).to_contain_text("A-17 的问卷在本批中已经录入过")
    assert len(_stored(app)) == 3


def test_a_sheet_saved_while_a_sync_is_under_way_is_sent_when_it_ends(
    app: Flask, live_server: str, field: Field, persistent: Callable[..., BrowserContext]
) -> None:
    page = persistent().new_page()
    sign_in(page, live_server, next_path=f"/entry/{field.slug}/paper")
    _ready(page)
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:  # the first sheet's request hangs on a slow network
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/sync?kind=*", hold_the_first)
    _sheet(page, "301", "AAAAAAAAAA")
    page.wait_for_function("() => window.SurveyappQueue.isSyncing()")
    _sheet(page, "302", "BBBBBBBBBB")  # saved while that sync is under way
    held[0].continue_()
    # Sent as soon as the first sync ends, not at the next retry 30 s later.
    expect(page.locator("#fieldwork-count")).to_contain_text(NOTHING_WAITING, timeout=10_000)
    assert sorted(d.sheet_serial or "" for _, d in _stored(app)) == ["301", "302"]


def test_a_sync_cut_in_the_middle_loses_nothing_and_stores_nothing_twice(
    app: Flask, live_server: str, field: Field, persistent: Callable[..., BrowserContext]
) -> None:
    browser = persistent()
    page = browser.new_page()
    sign_in(page, live_server, next_path=f"/entry/{field.slug}/paper")
    _ready(page)
    _controlled(page)
    browser.set_offline(True)
    for number in range(1, 7):
        _sheet(page, f"{number:03d}", "AAAAABBBBB")
    _waiting(page, 6)
    calls: list[str] = []

    def lose_the_third_reply(route: Route) -> None:
        calls.append(route.request.url)
        if len(calls) == 3:
            route.fetch()  # the server stores it...
            browser.set_offline(True)
            route.abort("internetdisconnected")  # ...and the reply is lost with the network
            return
        route.continue_()

    browser.route("**/sync?kind=*", lose_the_third_reply)
    browser.set_offline(False)
    expect(page.locator("#fieldwork-count")).to_contain_text("等待发送：4 份", timeout=15000)
    assert len(_stored(app)) == 3  # two confirmed, one stored whose reply was lost
    browser.set_offline(False)
    expect(page.locator("#fieldwork-count")).to_contain_text(NOTHING_WAITING, timeout=15000)
    serials = sorted(d.sheet_serial for _, d in _stored(app) if d is not None)
    assert serials == ["001", "002", "003", "004", "005", "006"]


def test_a_refused_entry_is_kept_shown_and_saved_as_a_file_to_import(
    app: Flask,
    live_server: str,
    field: Field,
    persistent: Callable[..., BrowserContext],
    runner: FlaskCliRunner,
    tmp_path: Path,
) -> None:
    browser = persistent()
    page = browser.new_page()
    sign_in(page, live_server, next_path=f"/entry/{field.slug}/paper")
    _ready(page)
    _controlled(page)
    browser.set_offline(True)
    _sheet(page, "9", "CCCCCCCCCC")
    with app.app_context():  # the campaign is closed while the device is away
        db.session.scalars(select(Campaign)).one().close()
        db.session.commit()
    browser.set_offline(False)
    expect(page.locator("#fieldwork-refused")).to_contain_text("已关闭，不再接收答卷", timeout=15000)
    expect(page.locator("#fieldwork-count")).to_contain_text("服务器未接收、仍保存在本设备上：1 份")
    page.reload()
    _ready(page)
    expect(page.locator("#fieldwork-refused")).to_contain_text("已关闭")
    with page.expect_download() as download:
        page.locator("#fieldwork-export").click()
    saved = tmp_path / "device.json"
    download.value.save_as(saved)
    entries = json.loads(saved.read_text(encoding="utf-8"))["entries"]
    assert [e["state"] for e in entries] == ["refused"] and ["sheet_serial", "9"] in entries[0]["fields"]
    assert _stored(app) == []
    # The administrator reopens the campaign for the import, as the command's help says.
    assert runner.invoke(args=["campaign", "open", field.slug]).exit_code == 0
    imported = runner.invoke(args=["entries", "import", str(saved)])
    assert imported.output.strip().splitlines()[-1] == "1 of 1 entries stored", imported.output
    [(response, detail)] = _stored(app)
    assert detail is not None and detail.sheet_serial == "9" and _codes(app, response) == "C" * 10


def test_signed_out_while_offline_the_queue_is_sent_after_signing_in_again(
    app: Flask, live_server: str, field: Field, persistent: Callable[..., BrowserContext]
) -> None:
    browser = persistent()
    page = browser.new_page()
    sign_in(page, live_server, next_path=f"/entry/{field.slug}")
    _ready(page)
    _controlled(page)
    browser.set_offline(True)
    _interview(page, "本人作答", "一般", "在村委会访谈。")
    browser.clear_cookies()  # the session ends while the phone is away
    _interview(page, "本人作答", "不满意", "")
    browser.set_offline(False)
    expect(page.locator("#fieldwork-signin")).to_be_visible(timeout=15000)
    _waiting(page, 2)
    assert _stored(app) == []
    page.locator("#fieldwork-signin a").click()
    page.get_by_label("用户名").fill("xd.field")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()
    _ready(page)
    expect(page.locator("#fieldwork-count")).to_contain_text(NOTHING_WAITING, timeout=15000)
    stored = _stored(app)
    assert sorted(_codes(app, r) for r, _ in stored) == ["C" * 10, "D" * 10]
    assert {d.note for _, d in stored if d is not None} == {"在村委会访谈。", None}


def test_a_new_version_of_the_app_keeps_the_queue_of_the_old_one(
    app: Flask,
    live_server: str,
    field: Field,
    persistent: Callable[..., BrowserContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from surveyapp.fieldwork import sync

    browser = persistent()
    page = browser.new_page()
    sign_in(page, live_server, next_path=f"/entry/{field.slug}/paper")
    _ready(page)
    _controlled(page)
    browser.set_offline(True)
    _sheet(page, "71", "ABABABABAB")
    _sheet(page, "72", "BABABABABA")
    browser.close()
    # A new version is deployed while the phone is away: its service worker has new caches.
    newer = tmp_path / "newer"
    newer.mkdir()
    text = (sync.STATIC / "sw.js").read_text(encoding="utf-8")
    version = re.search(r'var VERSION = "v(\d+)";', text)
    assert version is not None
    upgraded = re.sub(r'var VERSION = "v(\d+)";', lambda m: f'var VERSION = "v{int(m[1]) + 1}";', text)
    assert upgraded != text
    (newer / "sw.js").write_text(upgraded, encoding="utf-8")
    monkeypatch.setattr(sync, "STATIC", newer)

    reopened = persistent()
    reopened.route("**/sync?kind=*", lambda route: route.abort("internetdisconnected"))
    page = reopened.new_page()
    page.goto(f"{live_server}/entry/{field.slug}/paper")
    if "/login" in page.url:  # the closed browser dropped the session cookie
        page.get_by_label("用户名").fill("xd.field")
        page.get_by_label("密码").fill("correct horse battery")
        page.get_by_role("button", name="登录").click()
    _ready(page)
    old, new = (f"surveyapp-pages-v{n}-" for n in (int(version[1]), int(version[1]) + 1))
    page.wait_for_function(
        "async ([old, fresh]) => { const names = await caches.keys();"
        " return names.some(n => n.startsWith(fresh)) && !names.some(n => n.startsWith(old)); }",
        arg=[old, new],
    )
    _waiting(page, 2)  # the old version's queue is still there under the new worker
    reopened.unroute("**/sync?kind=*")
    page.locator("#fieldwork-send").click()
    expect(page.locator("#fieldwork-count")).to_contain_text(NOTHING_WAITING, timeout=15000)
    assert sorted(d.sheet_serial or "" for _, d in _stored(app)) == ["71", "72"]
