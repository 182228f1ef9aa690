"""Sessions survive a phone's change of network, and end everywhere on sign-out or disabling."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import User
from tests.accounts.conftest import sign_in
from tests.conftest import csrf_token


def _copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second client holding a copy of ``client``'s session cookie (a stolen or backed-up one)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    copy = app.test_client()
    copy.set_cookie("session", cookie.value)
    return copy


def _set_active(app: Flask, user_id: int, active: bool) -> None:
    from surveyapp.accounts.services import update_user

    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        update_user(user, role=user.role, area=user.area, display_name=user.display_name, active=active)
        db.session.commit()


def test_field_staff_stay_signed_in_when_the_phone_changes_network(
    client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user("field1", "field_staff")
    phone = {"User-Agent": "Mozilla/5.0 (Linux; Android 10) MicroMessenger/8.0"}
    page = client.get("/login", headers=phone, environ_base={"REMOTE_ADDR": "10.20.0.7"})
    client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "username": "field1",
            "password": "correct horse battery",
        },
        headers=phone,
        environ_base={"REMOTE_ADDR": "10.20.0.7"},
    )
    # Wi-Fi at the township office, then the carrier's network in the village.
    assert client.get("/entry/", headers=phone, environ_base={"REMOTE_ADDR": "10.20.0.7"}).status_code == 200
    assert (
        client.get("/entry/", headers=phone, environ_base={"REMOTE_ADDR": "117.136.9.21"}).status_code == 200
    )


def test_signing_out_ends_every_copy_of_the_session(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user("field1", "field_staff")
    assert sign_in(client, "field1") == 303
    copy = _copy(app, client)
    assert copy.get("/entry/").status_code == 200
    page = client.get("/entry/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_token(page)}).status_code == 303
    assert copy.get("/entry/").status_code == 302
    assert sign_in(client, "field1") == 303  # signing in again works as before
    assert client.get("/entry/").status_code == 200


def test_disabling_ends_sessions_and_enabling_again_does_not_revive_them(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    user_id = make_user("field1", "field_staff")
    assert sign_in(client, "field1") == 303
    _set_active(app, user_id, False)
    assert client.get("/entry/").status_code == 302
    _set_active(app, user_id, True)
    assert client.get("/entry/").status_code == 302  # the old session stays ended
    assert sign_in(app.test_client(), "field1") == 303


def test_a_new_secret_key_ends_every_session_at_once(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    """The session's serializer is made once per key set: a rotated key is used from the next
    request on, and a fallback key keeps the sessions it signed."""
    make_user("rotated", "evaluator")
    sign_in(client, "rotated")
    assert client.get("/account/password").status_code == 200
    old_key = app.secret_key
    app.secret_key = app.config["SECRET_KEY"] = "a-new-key-" + "0" * 32
    assert client.get("/account/password").status_code == 302  # signed with the old key: not read
    sign_in(client, "rotated")
    app.config["SECRET_KEY_FALLBACKS"] = ["a-new-key-" + "0" * 32]
    app.secret_key = app.config["SECRET_KEY"] = old_key
    assert client.get("/account/password").status_code == 200  # signed with a fallback key: still read
