"""Guessing passwords is slow: sign-in is throttled per account and per address, on every worker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import SignInFailure
from tests.accounts.conftest import PASSWORD, sign_in
from tests.conftest import csrf_token, make_app

WINDOW = 15 * 60


def _fail(client: FlaskClient, username: str, times: int) -> list[int]:
    return [sign_in(client, username, "wrong password!") for _ in range(times)]


def test_sixth_attempt_on_an_account_is_refused_even_with_the_right_password(
    client: FlaskClient, make_user: Callable[..., int], backend: str
) -> None:
    make_user("evaluator1")
    assert _fail(client, "evaluator1", 5) == [401] * 5
    page = client.get("/login").get_data(as_text=True)
    refused = client.post(
        "/login", data={"csrf_token": csrf_token(page), "username": "evaluator1", "password": PASSWORD}
    )
    assert refused.status_code == 429
    # The first of the five failures leaves the 15-minute window first: about 900 s from now.
    assert WINDOW - 60 < int(refused.headers["Retry-After"]) <= WINDOW
    assert "尝试次数过多" in refused.get_data(as_text=True)
    assert "evaluator1" not in client.get("/").get_data(as_text=True)  # not signed in


def test_unknown_account_is_throttled_like_a_real_one(client: FlaskClient, backend: str) -> None:
    assert _fail(client, "nobody", 6) == [401] * 5 + [429]


def test_success_clears_the_account_counter(
    client: FlaskClient, make_user: Callable[..., int], backend: str
) -> None:
    make_user("evaluator1")
    assert _fail(client, "evaluator1", 4) == [401] * 4
    assert sign_in(client, "evaluator1") == 303
    client.post("/logout", data={"csrf_token": _token(client)})
    # 4 + 4 failures would pass the limit of 5 had the success not cleared the first four.
    assert _fail(client, "evaluator1", 4) == [401] * 4
    assert sign_in(client, "evaluator1") == 303


def _token(client: FlaskClient) -> str:
    return csrf_token(client.get("/account/password").get_data(as_text=True))


def test_one_address_trying_many_accounts_is_refused(
    app: Flask, make_user: Callable[..., int], backend: str
) -> None:
    app.config["SIGN_IN_ADDRESS_LIMIT"] = 3
    make_user("evaluator1")
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    assert [_fail(guesser, name, 1)[0] for name in ("a1", "b2", "c3")] == [401, 401, 401]
    assert sign_in(guesser, "evaluator1") == 429
    colleague = app.test_client()
    colleague.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    assert sign_in(colleague, "evaluator1") == 303


def test_failures_are_stored_outside_the_refused_request_and_seen_by_another_worker(
    app: Flask, client: FlaskClient, tmp_path: Path, database_url: str
) -> None:
    assert _fail(client, "nobody", 5) == [401] * 5
    with app.app_context():
        # one row for the account from this address per failure
        pairs = select(func.count()).select_from(SignInFailure).where(SignInFailure.key.startswith("pair:"))
        assert db.session.scalar(pairs) == 5
    other_worker = make_app(tmp_path, database_url)  # a second application on the same database
    try:
        assert sign_in(other_worker.test_client(), "nobody", "wrong password!") == 429
    finally:
        with other_worker.app_context():
            db.engine.dispose()
