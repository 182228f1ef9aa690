"""A distribution app: the roster key configured, Kunming's counties loaded, an evaluator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from surveyapp.areas.services import load_areas
from surveyapp.extensions import db
from surveyapp.models import Base
from tests.accounts.conftest import make_user  # noqa: F401 (a fixture)
from tests.conftest import make_app

ROSTER_KEY = "test-roster-key-0123456789"


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The application with a roster key, on a fresh schema with the area tree."""
    application = make_app(tmp_path, database_url, ROSTER_KEY=ROSTER_KEY)
    with application.app_context():
        if database_url:
            Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        load_areas()
        db.session.commit()
        db.session.remove()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
