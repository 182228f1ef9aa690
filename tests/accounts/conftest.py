"""Account fixtures: staff users and a way to sign them in."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.accounts.services import create_user
from surveyapp.extensions import db
from tests.conftest import csrf_token, service_missing

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


@pytest.fixture(params=["database", "redis"])
def backend(request: pytest.FixtureRequest, app: Flask) -> Iterator[str]:
    """Run each test with failures in the database, then in Redis."""
    if request.param == "database":
        yield "database"
        return
    try:
        import redis
    except ImportError:
        service_missing("the redis package is not installed")
    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        service_missing("no Redis on 127.0.0.1:6379")
    prefix = f"surveyapp-test:{uuid.uuid4().hex}:"
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/15", SIGN_IN_REDIS_PREFIX=prefix)
    yield "redis"
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()
    app.extensions.pop("surveyapp_redis").close()
