"""Shared fixtures: an app on a fresh database per test, SQLite by default.

Set ``SURVEYAPP_TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://127.0.0.1:5432/test``) to run the
same tests on PostgreSQL; each pytest-xdist worker then gets a schema of its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import Base, Campaign, QuestionnaireVersion

PG_URL = os.environ.get("SURVEYAPP_TEST_DATABASE_URL")


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2id with small parameters in tests: still argon2id, a hundred times cheaper to compute."""
    from argon2 import PasswordHasher

    from surveyapp.accounts import passwords

    saved = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords._DUMMY_HASH = passwords._hasher.hash("surveyapp-no-such-user")
    yield
    passwords._hasher, passwords._DUMMY_HASH = saved


def service_missing(reason: str) -> NoReturn:
    """Skip a test whose service (Redis, PostgreSQL, Chromium) is not there; in CI, fail it.

    CI starts every service the suite needs, so a test skipped there would hide a broken setup.
    """
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI must provide this service: {reason}", pytrace=False)
    pytest.skip(reason)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database per test session and worker: a schema on PostgreSQL, a file on SQLite."""
    if not PG_URL:
        yield ""  # each test makes its own SQLite file
        return
    schema = f"test_{_worker()}_{os.getpid()}"
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def make_app(tmp_path: Path, database_url: str, **config: Any) -> Flask:
    """An application configured for tests, on the given database (or a new SQLite file)."""
    os.environ["SURVEYAPP_INSTANCE_PATH"] = str(tmp_path / "instance")
    url = database_url or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret", **config}
    return create_app(settings)


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The application on an empty, freshly created schema."""
    application = make_app(tmp_path, database_url)
    with application.app_context():
        if database_url:
            Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        db.session.remove()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs ``surveyapp`` commands against the test app."""
    return app.test_cli_runner()


@pytest.fixture
def questionnaire(app: Flask) -> QuestionnaireVersion:
    """The bundled questionnaire of the source report, loaded."""
    from surveyapp.questionnaires.services import find_version, load_bundled

    with app.app_context():
        load_bundled()
        db.session.commit()
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        return version


@pytest.fixture
def campaign(app: Flask, questionnaire: QuestionnaireVersion) -> Campaign:
    """An open campaign on the bundled questionnaire."""
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.questionnaires.services import find_version

    with app.app_context():
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        made = create_campaign(
            version, "2022 satisfaction survey", target_responses=41, population_size=23186
        )
        db.session.commit()
        db.session.refresh(made)
        db.session.expunge(made)
        return made


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token embedded in a page."""
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


SERVICE_WORDS = re.compile(r"redis|postgres|chromium|playwright", re.IGNORECASE)
_service_skips: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Note every test skipped for want of a service (whatever way it was skipped)."""
    if report.skipped and SERVICE_WORDS.search(str(report.longrepr)):
        _service_skips.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a service skip fails the run: CI starts Redis, PostgreSQL and has Chromium."""
    if _service_skips and os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        print(f"\nCI: {len(_service_skips)} tests skipped for a missing service, e.g. {_service_skips[0]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
