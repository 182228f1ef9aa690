"""Changing one's password ends other sessions; session cookies are HttpOnly, SameSite and Secure on HTTPS."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from tests.accounts.conftest import PASSWORD, sign_in
from tests.conftest import csrf_token, make_app

NEW_PASSWORD = "a much longer new password"


def _change(client: FlaskClient, current: str, new: str, again: str | None = None) -> tuple[int, str]:
    page = client.get("/account/password").get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(page),
            "current_password": current,
            "new_password": new,
            "confirm_password": new if again is None else again,
        },
    )
    return response.status_code, response.get_data(as_text=True)


def test_changing_the_password_ends_other_sessions(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user("field1", "field_staff")
    laptop = app.test_client()
    assert sign_in(client, "field1") == 303
    assert sign_in(laptop, "field1") == 303
    assert _change(client, PASSWORD, NEW_PASSWORD)[0] == 303
    assert client.get("/entry/").status_code == 200  # this session goes on
    assert laptop.get("/entry/").status_code == 302  # the other one is signed out
    assert sign_in(app.test_client(), "field1", PASSWORD) == 401
    assert sign_in(app.test_client(), "field1", NEW_PASSWORD) == 303


def test_wrong_current_password_or_mismatch_is_explained(
    client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user("field1", "field_staff")
    sign_in(client, "field1")
    status, page = _change(client, "not my password", NEW_PASSWORD)
    assert status == 422
    assert "当前密码不正确" in page
    status, page = _change(client, PASSWORD, NEW_PASSWORD, again="something else entirely")
    assert status == 422
    assert "两次输入的密码不一致" in page
    status, page = _change(client, PASSWORD, "short")
    assert "密码至少需要 10 个字符" in page


def _session_cookie_header(client: FlaskClient, base_url: str = "http://localhost") -> str:
    page = client.get("/login", base_url=base_url).get_data(as_text=True)
    response = client.post(
        "/login",
        base_url=base_url,
        data={"csrf_token": csrf_token(page), "username": "ev1", "password": PASSWORD},
    )
    assert response.status_code == 303
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert headers
    return headers[-1]


def test_guessing_the_current_password_is_throttled_like_sign_in(
    client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user("field1", "field_staff")
    sign_in(client, "field1")
    # The account allows 5 failures in its window; the sixth try is refused, even when right.
    for _ in range(5):
        assert _change(client, "a wrong guess here", NEW_PASSWORD)[0] == 422
    status, page = _change(client, PASSWORD, NEW_PASSWORD)
    assert status == 429
    assert "尝试次数过多" in page


def test_session_cookie_is_httponly_and_samesite_over_http(app: Flask, make_user: Callable[..., int]) -> None:
    make_user("ev1")
    header = _session_cookie_header(app.test_client())
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # plain HTTP on a local network: a Secure cookie would be dropped


def test_session_cookie_is_secure_over_https(app: Flask, make_user: Callable[..., int]) -> None:
    make_user("ev1")
    header = _session_cookie_header(app.test_client(), base_url="https://localhost")
    assert "Secure" in header
    assert "HttpOnly" in header


def test_https_behind_a_trusted_proxy_and_only_then(
    app: Flask, tmp_path: Path, database_url: str, make_user: Callable[..., int]
) -> None:
    make_user("ev1")
    proxied = make_app(tmp_path, database_url, PROXY_COUNT=1)  # same database, one trusted proxy
    try:
        client = proxied.test_client()
        client.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
        assert "Secure" in _session_cookie_header(client)
    finally:
        with proxied.app_context():
            db.engine.dispose()
    untrusting = app.test_client()  # no proxy configured: the header is anyone's to send
    untrusting.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    assert "Secure" not in _session_cookie_header(untrusting)
