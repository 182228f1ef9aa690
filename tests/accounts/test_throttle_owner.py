"""Throttling slows the guesser, not the owner; the lockout says how long; an administrator lifts it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent
from tests.accounts.conftest import PASSWORD, sign_in
from tests.conftest import csrf_token

GUESS = "wrong password!"


def _from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_guesser_cannot_lock_the_owner_out_with_five_requests(
    app: Flask, make_user: Callable[..., int], backend: str
) -> None:
    make_user("evaluator1")
    guesser = _from(app, "203.0.113.7")
    assert [sign_in(guesser, "evaluator1", GUESS) for _ in range(6)] == [401] * 5 + [429]
    assert sign_in(_from(app, "198.51.100.9"), "evaluator1") == 303  # the owner, elsewhere


def test_guessing_from_many_addresses_does_not_keep_the_owner_out_of_their_own_phone(
    app: Flask, make_user: Callable[..., int], backend: str
) -> None:
    app.config["SIGN_IN_ACCOUNT_LIMIT"] = 4
    make_user("evaluator1")
    phone = _from(app, "10.0.0.2")
    assert sign_in(phone, "evaluator1") == 303
    phone.post(
        "/logout", data={"csrf_token": csrf_token(phone.get("/account/password").get_data(as_text=True))}
    )
    for number in range(4):
        assert sign_in(_from(app, f"203.0.113.{number + 10}"), "evaluator1", GUESS) == 401
    assert sign_in(_from(app, "203.0.113.99"), "evaluator1", PASSWORD) == 429  # a new device waits
    phone.environ_base["REMOTE_ADDR"] = "117.136.9.21"  # the owner's phone, on another network
    assert sign_in(phone, "evaluator1") == 303


def test_one_guesser_behind_a_village_address_does_not_lock_the_village_out(
    app: Flask, make_user: Callable[..., int], backend: str
) -> None:
    make_user("field1", "field_staff")
    guesser = _from(app, "117.136.9.21")  # the carrier address the whole village shares
    for name in ("a1", "b2", "c3", "d4", "e5"):
        assert [sign_in(guesser, name, GUESS) for _ in range(5)] == [401] * 5
    assert sign_in(_from(app, "117.136.9.21"), "field1") == 303


def test_refused_sign_ins_do_not_flood_the_audit_log(
    app: Flask, make_user: Callable[..., int], backend: str
) -> None:
    make_user("evaluator1")
    guesser = _from(app, "203.0.113.7")
    assert [sign_in(guesser, "evaluator1", GUESS) for _ in range(12)] == [401] * 5 + [429] * 7
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "evaluator1")))
    assert sorted(actions) == ["sign_in.failed", "sign_in.throttled"]


def test_lockout_says_how_long_to_wait(app: Flask, make_user: Callable[..., int], backend: str) -> None:
    make_user("evaluator1")
    guesser = _from(app, "203.0.113.7")
    for _ in range(5):
        sign_in(guesser, "evaluator1", GUESS)
    page = guesser.get("/login").get_data(as_text=True)
    refused = guesser.post(
        "/login", data={"csrf_token": csrf_token(page), "username": "evaluator1", "password": PASSWORD}
    )
    assert refused.status_code == 429
    assert "请等待 15 分钟后再试" in refused.get_data(as_text=True)
    guesser.get("/language/en")
    page = guesser.get("/login").get_data(as_text=True)
    english = guesser.post(
        "/login", data={"csrf_token": csrf_token(page), "username": "evaluator1", "password": "x"}
    )
    assert "Please wait 15 minutes and try again." in english.get_data(as_text=True)


def test_an_administrator_lifts_a_lockout_and_it_is_audited(
    app: Flask, make_user: Callable[..., int], backend: str
) -> None:
    user_id = make_user("evaluator1")
    make_user("admin1", "admin")
    owner = _from(app, "198.51.100.9")
    for _ in range(5):
        sign_in(owner, "evaluator1", GUESS)  # the owner mistyped five times
    assert sign_in(owner, "evaluator1") == 429
    admin = _from(app, "192.0.2.1")
    assert sign_in(admin, "admin1") == 303
    page = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "无法登录" in page
    lifted = admin.post(f"/admin/users/{user_id}/unlock", data={"unlock-csrf_token": csrf_token(page)})
    assert lifted.status_code == 303
    assert "未被锁定" in admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert sign_in(owner, "evaluator1") == 303
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.unlock")).one()
        assert (event.actor, event.details["username"]) == ("admin1", "evaluator1")
