"""The audit log: who, when, what and from where; administrators filter it; nobody can edit it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from surveyapp.audit import record
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Campaign
from tests.accounts.conftest import sign_in


def _events(app: Flask) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        return [
            (e.action, e.actor, e.remote_addr)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def test_sign_ins_and_failures_are_logged_with_address(app: Flask, make_user: Callable[..., int]) -> None:
    make_user("ev1")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert sign_in(client, "ev1", "not the password") == 401
    assert sign_in(client, "ev1") == 303
    events = [e for e in _events(app) if e[0].startswith("sign_in")]
    assert events == [("sign_in.failed", "ev1", "192.0.2.10"), ("sign_in", "ev1", "192.0.2.10")]


def test_command_line_changes_are_logged_as_the_command_line(
    app: Flask, make_user: Callable[..., int]
) -> None:
    make_user("ev1")  # made outside any request, like `surveyapp user create`
    assert _events(app) == [("account.create", "command line", None)]


def test_campaign_changes_are_logged(app: Flask, runner, campaign: Campaign) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["campaign", "close", campaign.slug]).exit_code == 0
    assert runner.invoke(args=["campaign", "open", campaign.slug]).exit_code == 0
    actions = [e[0] for e in _events(app)]
    assert actions == ["campaign.create", "campaign.close", "campaign.open"]
    with app.app_context():
        created = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.create")).one()
        assert created.target_type == "campaign" and created.target_id == str(campaign.id)
        assert created.details["target_responses"] == 41


@pytest.mark.parametrize("change", ["update", "delete"])
def test_the_database_refuses_to_change_or_delete_events(app: Flask, change: str) -> None:
    with app.app_context():
        record("test.event", ("thing", 1), note="kept")
        db.session.commit()
        statement = update(AuditEvent).values(action="forged") if change == "update" else delete(AuditEvent)
        with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()
        assert [e.action for e in db.session.scalars(select(AuditEvent))] == ["test.event"]


def test_no_route_can_change_the_log(app: Flask) -> None:
    methods = {
        m
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin/audit")
        for m in rule.methods or ()
    }
    assert methods <= {"GET", "HEAD", "OPTIONS"}


def test_admin_filters_by_action_and_user(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user("admin1", "admin")
    make_user("ev1")
    sign_in(client, "admin1")
    page = client.get("/admin/audit/?action=account.create&actor=command+line").get_data(as_text=True)
    assert page.count('data-action="account.create"') == 2
    assert 'data-action="sign_in"' not in page
    only_sign_ins = client.get("/admin/audit/?action=sign_in").get_data(as_text=True)
    assert 'data-action="sign_in"' in only_sign_ins and 'data-action="account.create"' not in only_sign_ins
    bad_date = client.get("/admin/audit/?since=yesterday")
    assert bad_date.status_code == 422


def test_only_administrators_read_the_log(client: FlaskClient, make_user: Callable[..., int]) -> None:
    make_user("ev1")
    sign_in(client, "ev1")
    assert client.get("/admin/audit/").status_code == 403
