"""Account fixtures: staff users and a way to sign them in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.accounts.services import create_user
from surveyapp.extensions import db
from tests.conftest import csrf_token

PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(app: Flask) -> Callable[..., int]:
    """Make a user; returns its id."""

    def make(username: str, role: str = "evaluator", area_code: str | None = None) -> int:
        from sqlalchemy import select

        from surveyapp.models import Area

        with app.app_context():
            area = db.session.scalars(select(Area).where(Area.code == area_code)).one() if area_code else None
            user = create_user(username, PASSWORD, role, area=area)
            db.session.commit()
            return user.id

    return make


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> int:
    """Sign in through the real page; returns the status code of the POST."""
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"csrf_token": csrf_token(page), "username": username, "password": password}
    )
    return response.status_code
