"""Staff sign in and out; respondents never need to."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from surveyapp.accounts.passwords import hash_password, verify_password
from surveyapp.extensions import db
from surveyapp.models import User
from tests.accounts.conftest import PASSWORD, sign_in
from tests.conftest import csrf_token


def test_password_is_hashed_with_argon2id() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong horse battery")
    assert not verify_password(None, "correct horse battery")


def test_sign_in_and_out(client: FlaskClient, make_user: Callable[..., int]) -> None:
    make_user("evaluator1")
    assert sign_in(client, "evaluator1") == 303
    page = client.get("/").get_data(as_text=True)
    assert "evaluator1" in page
    logout = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert logout.status_code == 303
    assert "evaluator1" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("username", ["evaluator1", "nobody"])
def test_same_message_for_unknown_user_and_wrong_password(
    client: FlaskClient, make_user: Callable[..., int], username: str
) -> None:
    make_user("evaluator1")
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"csrf_token": csrf_token(page), "username": username, "password": "not the password"}
    )
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)


def test_user_create_reads_password_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    result: Result = runner.invoke(
        args=["user", "create", "admin", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.role == "admin"
        assert verify_password(user.password_hash, PASSWORD)


def test_user_create_refuses_short_password(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["user", "create", "x1", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
