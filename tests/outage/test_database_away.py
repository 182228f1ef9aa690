"""The database away for a while: a 503 with the answers kept, one response after the retry.

On SQLite another process holds an exclusive lock on the file; on PostgreSQL a private server is
stopped and started again, or made read-only. Nothing here touches the shared server.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text

from surveyapp import database
from surveyapp.accounts.services import create_user
from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Response
from surveyapp.questionnaires.services import find_version, load_bundled
from tests.accounts.conftest import PASSWORD, sign_in
from tests.ballots.test_signed_ids_and_limits import SUBMISSION, _open_form
from tests.private_postgres import PrivatePostgres

ANSWERS = {f"q{n}": "B" if n % 3 else "A" for n in range(1, 11)}


def _campaign(app: Flask) -> str:
    with app.app_context():
        load_bundled()
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        slug = create_campaign(version, "outage").slug
        db.session.commit()
        return slug


def _stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response)) or 0


@contextmanager
def database_away(app: Flask, private_pg: Callable[[], PrivatePostgres]) -> Iterator[None]:
    """Lock the SQLite file, or stop the private PostgreSQL server; always give it back."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    server = private_pg()
    server.stop()
    try:
        yield
    finally:
        server.start()


@pytest.fixture
def away(
    away_app: Flask, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], object]:
    """A context manager that takes the app's database away."""
    # A short SQLite wait keeps the test fast; connections made from now on use it.
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 300)
    with away_app.app_context():
        db.engine.dispose()
    return lambda: database_away(away_app, lambda: request.getfixturevalue("private_pg"))


def test_respondent_gets_503_with_every_answer_and_the_same_id_then_stores_once(
    away_app: Flask, away: Callable[[], object]
) -> None:
    slug = _campaign(away_app)
    phone = away_app.test_client()
    data = {**_open_form(phone, slug), **ANSWERS}
    with away():  # type: ignore[attr-defined]
        refused = phone.post(f"/s/{slug}", data=data)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    page = refused.get_data(as_text=True)
    assert "请稍后再试" in page
    for name, code in ANSWERS.items():
        assert re.search(rf'name="{name}" id="[^"]+" value="{code}" checked', page), name
    assert page.count(" checked") == 10
    kept = SUBMISSION.search(page)
    assert kept and kept.group(1) == data["submission_id"]
    assert _stored(away_app) == 0
    # The service recovers by itself: the same press of "Submit" now stores the response, once.
    assert phone.post(f"/s/{slug}", data=data).status_code == 303
    assert phone.post(f"/s/{slug}", data=data).status_code == 303
    assert _stored(away_app) == 1


def test_sign_in_and_staff_pages_answer_503_never_500(away_app: Flask, away: Callable[[], object]) -> None:
    slug = _campaign(away_app)
    with away_app.app_context():
        create_user("evaluator1", PASSWORD, "evaluator")
        db.session.commit()
    staff = away_app.test_client()
    assert sign_in(staff, "evaluator1") == 303
    stranger: FlaskClient = away_app.test_client()
    login_page = stranger.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    assert token
    with away():  # type: ignore[attr-defined]
        signing_in = stranger.post(
            "/login", data={"csrf_token": token.group(1), "username": "evaluator1", "password": "x" * 12}
        )
        pages = [staff.get(f"/evaluation/campaigns/{slug}"), staff.get("/campaigns/")]
        as_json = staff.get("/evaluation/", headers={"Accept": "application/json"})
    database_url = away_app.config["SQLALCHEMY_DATABASE_URI"]
    if database_url.startswith("postgresql"):  # SQLite still reads while a writer holds the lock
        assert [p.status_code for p in pages] == [503, 503]
        assert as_json.status_code == 503 and as_json.get_json()["error"]["status"] == 503
    assert signing_in.status_code == 503
    assert "请稍后再试" in signing_in.get_data(as_text=True)
    assert all(p.status_code in (200, 503) for p in [*pages, as_json])
    assert staff.get(f"/evaluation/campaigns/{slug}").status_code == 200


def test_a_read_only_postgresql_answers_503_and_keeps_the_answers(
    tmp_path: object, private_pg: PrivatePostgres
) -> None:
    from tests.outage.conftest import app_on

    for app in app_on(tmp_path, private_pg.url):  # type: ignore[arg-type]
        slug = _campaign(app)
        phone = app.test_client()
        data = {**_open_form(phone, slug), **ANSWERS}
        with app.app_context():
            db.session.execute(text("ALTER DATABASE postgres SET default_transaction_read_only = on"))
            db.session.commit()
            db.engine.dispose()
        try:
            refused = phone.post(f"/s/{slug}", data=data)
        finally:
            writable = create_engine(
                private_pg.url,
                isolation_level="AUTOCOMMIT",
                connect_args={"options": "-c default_transaction_read_only=off"},
            )
            with writable.connect() as connection:
                connection.execute(text("ALTER DATABASE postgres SET default_transaction_read_only = off"))
            writable.dispose()
            with app.app_context():
                db.engine.dispose()
        assert refused.status_code == 503
        assert refused.get_data(as_text=True).count(" checked") == 10
        assert phone.post(f"/s/{slug}", data=data).status_code == 303
        assert _stored(app) == 1
