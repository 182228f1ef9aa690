"""The administrator adds a county's field staff and an evaluator from the browser, and disables accounts."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.areas.services import load_areas
from surveyapp.extensions import db
from surveyapp.models import Area, AuditEvent, User
from tests.accounts.conftest import PASSWORD, sign_in
from tests.conftest import csrf_token


def _area_id(app: Flask, code: str) -> int:
    with app.app_context():
        load_areas()
        db.session.commit()
        return db.session.scalars(select(Area).where(Area.code == code)).one().id


def _new_user(client: FlaskClient, **fields: str) -> tuple[int, str]:
    page = client.get("/admin/users/new").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "new_password": PASSWORD, "confirm_password": PASSWORD, **fields}
    response = client.post("/admin/users/new", data=data)
    return response.status_code, response.get_data(as_text=True)


def test_admin_adds_county_field_staff_and_an_evaluator(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    xundian = _area_id(app, "530129")
    make_user("admin1", "admin")
    sign_in(client, "admin1")
    assert (
        _new_user(
            client, username="xd.field", display_name="寻甸调查员", role="field_staff", area=str(xundian)
        )[0]
        == 303
    )
    assert _new_user(client, username="evaluator1", role="evaluator", area="")[0] == 303
    with app.app_context():
        users = {u.username: (u.role, u.area_id) for u in db.session.scalars(select(User))}
        assert users == {
            "admin1": ("admin", None),
            "xd.field": ("field_staff", xundian),
            "evaluator1": ("evaluator", None),
        }
        creations = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.create")).all()
        assert [(e.actor, e.details["username"]) for e in creations[1:]] == [
            ("admin1", "xd.field"),
            ("admin1", "evaluator1"),
        ]
    newcomer = app.test_client()
    assert sign_in(newcomer, "xd.field") == 303
    assert "寻甸县" in newcomer.get("/").get_data(as_text=True)


def test_duplicate_name_is_refused_and_what_was_typed_is_kept(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    _area_id(app, "530129")
    make_user("admin1", "admin")
    sign_in(client, "admin1")
    status, page = _new_user(client, username="ADMIN1", display_name="第二个名字", role="evaluator", area="")
    assert status == 422
    assert "已有同名用户" in page
    assert 'value="第二个名字"' in page


def _edit(client: FlaskClient, user_id: int, **fields: str) -> tuple[int, str]:
    page = client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    response = client.post(f"/admin/users/{user_id}", data={"csrf_token": csrf_token(page), **fields})
    return response.status_code, response.get_data(as_text=True)


def test_disabled_account_cannot_sign_in_and_is_signed_out(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    _area_id(app, "530129")
    make_user("admin1", "admin")
    field = make_user("field1", "field_staff", "530129")
    worker = app.test_client()
    assert sign_in(worker, "field1") == 303
    sign_in(client, "admin1")
    assert (
        _edit(client, field, role="field_staff", area="", display_name="")[0] == 303
    )  # active left unticked
    assert worker.get("/entry/").status_code == 302
    assert sign_in(app.test_client(), "field1") == 401  # the same message as a wrong password
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.update")).one()
        assert event.details["changes"]["active"] == [True, False]
        assert event.details["changes"]["area_id"][1] is None


def test_admin_cannot_lock_themselves_out(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    _area_id(app, "530129")
    admin = make_user("admin1", "admin")
    sign_in(client, "admin1")
    status, page = _edit(client, admin, role="evaluator", area="", active="y")
    assert status == 422
    assert "不能停用自己的账号" in page
    with app.app_context():
        assert db.session.get(User, admin).role == "admin"  # type: ignore[union-attr]


def test_admin_sets_a_new_password(app: Flask, client: FlaskClient, make_user: Callable[..., int]) -> None:
    make_user("admin1", "admin")
    field = make_user("field1", "field_staff")
    sign_in(client, "admin1")
    page = client.get(f"/admin/users/{field}").get_data(as_text=True)
    token = csrf_token(page)
    new = "given on paper 2026"
    response = client.post(
        f"/admin/users/{field}/password",
        data={"reset-csrf_token": token, "reset-new_password": new, "reset-confirm_password": new},
    )
    assert response.status_code == 303
    assert sign_in(app.test_client(), "field1", new) == 303
