"""Apps on a database a test can take away: a private PostgreSQL server, or a SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from surveyapp.extensions import db
from surveyapp.models import Base
from tests.conftest import make_app
from tests.private_postgres import PrivatePostgres, private_postgres


@pytest.fixture(scope="session")
def private_pg() -> Iterator[PrivatePostgres]:
    """A PostgreSQL server of this test session's (or xdist worker's) own."""
    with private_postgres() as server:
        yield server


def app_on(tmp_path: Path, url: str) -> Iterator[Flask]:
    # Production answers: an exception after the view (the commit) goes to the error pages too.
    application = make_app(tmp_path, url, PROPAGATE_EXCEPTIONS=False)
    with application.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        db.session.remove()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def away_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app on SQLite, then on the private PostgreSQL server."""
    if request.param == "sqlite":
        yield from app_on(tmp_path, "")
    else:
        yield from app_on(tmp_path, request.getfixturevalue("private_pg").url)
