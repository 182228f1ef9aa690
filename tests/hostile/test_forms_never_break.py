"""Hostile input posted to every staff form and to the public form: never a 500, nothing half-stored.

Each form is read from its page as a browser sees it, then posted with some of its fields
replaced by what Hypothesis draws: huge and exponent numbers, infinity and NaN, NUL and other
control characters, trailing newlines, blank names, far-off dates, arbitrary text. An answer is
either a success (a redirect) or a refusal (4xx) that leaves every table as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from surveyapp.accounts.services import create_user
from surveyapp.areas.services import load_areas
from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Base
from surveyapp.questionnaires.services import find_version, load_bundled
from tests.accounts.conftest import PASSWORD, sign_in
from tests.hostile.pages import PageForm, post_forms

NASTY = [
    "1e1000000",
    "9" * 400,
    "99999999999999999999",
    "2147483648",
    "-1",
    "inf",
    "-Infinity",
    "NaN",
    "1e309",
    "0x10",
    "1_000",
    "１２",
    "   ",
    "",
    "a\x00b",
    "\x00",
    "name\n",
    "\r\n",
    "\x1b[31m",
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "2022-02-30",
    "=1+1",
    "x" * 5000,
    "<script>alert(1)</script>",
]
HOSTILE = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.from_regex(r"\A-?[0-9]{1,40}(\.[0-9]{1,12})?([eE]-?[0-9]{1,8})?\Z"),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
)
SKIPPED = ("/logout", "/close", "/open", "/again", "/delete", "/restore", "/exclude", "/publish")
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture
def world(app: Flask) -> Iterator[tuple[Flask, FlaskClient, dict[str, str]]]:
    """An administrator signed in, a campaign, an indicator table with its funds sheet."""
    with app.app_context():
        load_areas()
        load_bundled()
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        slug = create_campaign(version, "hostile").slug
        user_id = create_user("admin1", PASSWORD, "admin").id
        db.session.commit()
    client = app.test_client()
    sign_in(client, "admin1")
    made = _forms(client, "/indicators/")[0]
    table = client.post(made.action, data=made.values).headers["Location"]
    page = client.get(table).get_data(as_text=True)
    leaf = re.search(r'href="(/indicators/[^"]+/leaves/[^"]+)"', page)
    assert leaf, "no leaf to edit on the table page"
    yield app, client, {"slug": slug, "table": table, "leaf": leaf.group(1), "user": str(user_id)}


def _forms(client: FlaskClient, path: str) -> list[PageForm]:
    page = client.get(path)
    assert page.status_code == 200, path
    found = post_forms(page.get_data(as_text=True), path)
    return [f for f in found if f.editable and not f.action.split("#")[0].endswith(SKIPPED)]


def _row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name not in ("audit_event", "sign_in_failure")
        }


PAGES = [
    "/campaigns/new",
    "/campaigns/{slug}",
    "/admin/users/new",
    "/admin/users/{user}",
    "/admin/areas/",
    "/indicators/",
    "{leaf}",
    "{table}/funds",
    "/entry/{slug}",
    "/s/{slug}",
    "/account/password",
]


@pytest.mark.parametrize("page", PAGES)
def test_hostile_input_never_breaks_a_form(
    world: tuple[Flask, FlaskClient, dict[str, str]], page: str
) -> None:
    app, client, names = world
    path = page.format(**names)
    forms = _forms(client, path)
    assert forms, f"no form on {path}"

    @SETTINGS
    @given(data=st.data())
    def post_hostile(data: Any) -> None:
        form = data.draw(st.sampled_from(forms))
        fields = data.draw(st.lists(st.sampled_from(form.editable), min_size=1, max_size=3, unique=True))
        sent = dict(form.values)
        for name in fields:
            sent[name] = data.draw(HOSTILE)
        before = _row_counts(app)
        answer = client.post(form.action.split("#")[0], data=sent)
        assert answer.status_code < 500, (path, fields, sent)
        if answer.status_code >= 400:
            assert _row_counts(app) == before, (path, fields, sent)
        # Whatever was stored, the page (and the dashboard listing it) still opens.
        for shown in (path, "/"):
            assert client.get(shown).status_code < 500, (shown, sent)

    post_hostile()


@pytest.mark.parametrize("page", PAGES)
def test_a_nul_byte_in_any_field_is_refused_cleanly_and_stores_nothing(
    world: tuple[Flask, FlaskClient, dict[str, str]], page: str
) -> None:
    """Every field of every form, one at a time (PostgreSQL refuses NUL in text: never a 500)."""
    app, client, names = world
    path = page.format(**names)
    for form in _forms(client, path):
        for name in form.editable:
            before = _row_counts(app)
            answer = client.post(form.action.split("#")[0], data={**form.values, name: "a\x00b"})
            assert answer.status_code == 400, (path, name)
            assert _row_counts(app) == before, (path, name)
    assert client.get(path).status_code == 200
