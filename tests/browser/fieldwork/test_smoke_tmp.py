from tests.browser.fieldwork.conftest import sign_in
from playwright.sync_api import expect
from sqlalchemy import select
from surveyapp.extensions import db
from surveyapp.models import Response, FieldDetail

def test_smoke(live_server, app, field, persistent):
    ctx = persistent()
    page = ctx.new_page()
    page.on("console", lambda m: print("CONSOLE", m.text))
    sign_in(page, live_server)
    page.goto(f"{live_server}/entry/{field.slug}/paper")
    page.wait_for_selector("#entry-config[data-ready=true]", state="attached")
    page.wait_for_function("navigator.serviceWorker.controller !== null || true")
    page.wait_for_timeout(1000)
    print(page.evaluate("navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL"))
    ctx.set_offline(True)
    page.reload()
    page.wait_for_selector("#entry-config[data-ready=true]", state="attached")
    page.get_by_label("本批").fill("5") if False else None
    page.locator("#batch_size").fill("5")
    page.locator("#sheet_serial").fill("")
    page.locator("#sheet_serial").focus()
    page.keyboard.type("001")
    page.keyboard.press("Enter")
    for k in "ABABABABAB":
        page.keyboard.press(k)
    page.wait_for_timeout(500)
    print(page.locator("#entry-status").text_content())
    print(page.locator("#fieldwork-count").text_content())
    print(page.locator("#batch-count").text_content())
    ctx.set_offline(False)
    page.locator("#fieldwork-send").click()
    page.wait_for_timeout(2000)
    print(page.locator("#fieldwork-count").text_content())
    print(page.locator("#batch-sheets").text_content())
    with app.app_context():
        print([(r.id, r.channel, r.submission_id, len(r.answers)) for r in db.session.scalars(select(Response))])
        print([(d.sheet_serial, d.batch) for d in db.session.scalars(select(FieldDetail))])
