"""The display modes of the respondent's pages: chosen with a button, kept in a cookie."""

from __future__ import annotations

import base64
import gzip as gzip_module
import hashlib
import re
from types import SimpleNamespace

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Campaign, Response
from surveyapp.survey.display import faces, parse, serialise, toggled
from tests.survey.test_form import _form_data


def _responses(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response)) or 0


def test_cookie_values_round_trip_and_unknown_modes_are_dropped() -> None:
    assert parse("contrast.large") == {"large", "contrast"}
    assert parse("large.<script>.steps") == {"large", "steps"}
    assert parse(None) == frozenset() and parse("") == frozenset()
    assert serialise(frozenset({"contrast", "large"})) == "large.contrast"
    assert toggled(frozenset({"large"}), "large") == frozenset()
    assert toggled(frozenset({"large"}), "contrast") == {"large", "contrast"}
    assert toggled(frozenset({"large", "faces"}), "standard") == frozenset()
    assert toggled(frozenset(), "huge") is None


def test_pressing_large_keeps_answers_stores_nothing_and_sets_a_year_cookie(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    data = _form_data(client, campaign.slug, {1: "A", 2: "B", 5: "C"})
    response = client.post(f"/s/{campaign.slug}", data={**data, "display": "large"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="zh-CN" class="mode-large">' in page
    assert 'class="error-summary"' not in page and 'class="error-message"' not in page
    assert page.count(" checked") == 3
    assert re.search(r'value="B" checked', page)
    assert _responses(app) == 0
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("display=large;")
    assert "Max-Age=31536000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert 'value="large" class="mode-button" aria-pressed="true"' in page
    # Remembered on the next visit; a second mode adds to it; "standard" clears both.
    again = client.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert 'class="mode-large"' in again
    both = client.post(f"/s/{campaign.slug}", data={**data, "display": "contrast"})
    assert 'class="mode-large mode-contrast"' in both.get_data(as_text=True)
    plain = client.post(f"/s/{campaign.slug}", data={**data, "display": "standard"})
    assert 'class="mode-' not in plain.get_data(as_text=True).split("<head>")[0]
    assert "display=;" in plain.headers["Set-Cookie"]


def test_enter_in_the_form_sends_the_answers_not_a_mode(client: FlaskClient, campaign: Campaign) -> None:
    page = client.get(f"/s/{campaign.slug}").get_data(as_text=True)
    form = page[page.index('<form method="post"') :]
    first_submit = re.search(r'<button type="submit"[^>]*>', form)
    assert first_submit and 'name="display"' not in first_submit.group(0)
    assert 'tabindex="-1"' in first_submit.group(0)


def test_pages_without_a_form_switch_by_a_get_form(client: FlaskClient, campaign: Campaign) -> None:
    thanks = client.get(f"/s/{campaign.slug}/thanks").get_data(as_text=True)
    assert 'action="/display"' in thanks and 'name="next" value="/s/' in thanks
    switched = client.get(f"/display?display=contrast&next=/s/{campaign.slug}/thanks")
    assert switched.status_code == 303 and switched.headers["Location"] == f"/s/{campaign.slug}/thanks"
    assert 'class="mode-contrast"' in client.get(f"/s/{campaign.slug}/thanks").get_data(as_text=True)
    elsewhere = client.get("/display?display=large&next=//evil.example/")
    assert elsewhere.headers["Location"] == "/"


def test_forged_cookie_shows_the_standard_page(client: FlaskClient, campaign: Campaign) -> None:
    client.set_cookie("display", '"><script>alert(1)</script>')
    page = client.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "alert(1)" not in page


def test_faces_follow_the_weights_not_the_order() -> None:
    def option(code: str, weight: float | None, counted: bool = True) -> SimpleNamespace:
        return SimpleNamespace(code=code, weight=weight, counted=counted)

    listed = [option("E", 0.0), option("D", 0.3), option("C", 0.6), option("B", 0.9), option("A", 1.0)]
    listed.append(option("X", None))
    listed.append(option("N", 0.5, counted=False))
    version = SimpleNamespace(scale_list="scale", choice_list=lambda name: listed)
    question = SimpleNamespace(list_name=None)
    assert faces(version, question) == {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4}
    three = [option("good", 1.0), option("middle", 0.5), option("bad", 0.0)]
    version3 = SimpleNamespace(scale_list="scale", choice_list=lambda name: three)
    assert faces(version3, question) == {"good": 0, "middle": 2, "bad": 4}


def test_faces_are_hidden_from_screen_readers_and_keep_the_words(
    client: FlaskClient, campaign: Campaign
) -> None:
    data = _form_data(client, campaign.slug, {})
    page = client.post(f"/s/{campaign.slug}", data={**data, "display": "faces"}).get_data(as_text=True)
    assert page.count('<span class="face face-0" aria-hidden="true"></span>') == 10
    assert page.count('class="face face-4" aria-hidden="true"') == 10
    face = r'<span class="code">A</span><span class="face face-0"[^>]*></span>\s*<span class="text">非常满意'
    assert re.search(face, page)


PHONE_BUDGET_BYTES = 10 * 1024


def test_form_and_its_scripts_stay_under_the_phone_budget_in_every_mode(
    client: FlaskClient, campaign: Campaign
) -> None:
    gzip = {"Accept-Encoding": "gzip"}
    for mode in ("", "large", "contrast", "faces", "steps", "large.contrast.faces.steps"):
        if mode:
            client.set_cookie("display", mode)
        else:
            client.delete_cookie("display")
        page = client.get(f"/s/{campaign.slug}", headers=gzip)
        assert page.headers["Content-Encoding"] == "gzip"
        html = page.get_data(as_text=False)
        text = gzip_module.decompress(html).decode("utf-8")
        assert '<link rel="stylesheet"' not in text  # the style sheet is inlined
        total = len(html)
        for src in re.findall(r'<script src="([^"]+)" defer>', text):
            script = client.get(src, headers=gzip)
            assert script.status_code == 200 and script.headers["Content-Encoding"] == "gzip"
            total += len(script.get_data())
        assert total <= PHONE_BUDGET_BYTES, (mode, total)


def test_the_inline_style_sheet_is_allowed_by_its_hash(client: FlaskClient, campaign: Campaign) -> None:
    page = client.get(f"/s/{campaign.slug}")
    css = re.search(r"<style>(.*?)</style>", page.get_data(as_text=True), re.S)
    assert css
    digest = base64.b64encode(hashlib.sha256(css.group(1).encode("utf-8")).digest()).decode("ascii")
    policy = page.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{digest}'" in policy and "unsafe-inline" not in policy
