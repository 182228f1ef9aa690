"""An administrator sets a campaign's limits on its page or from the command line; audited."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Campaign
from tests.accounts.conftest import sign_in
from tests.conftest import csrf_token


def _limits(app: Flask, campaign: Campaign) -> tuple[int | None, int | None]:
    with app.app_context():
        stored = db.session.get(Campaign, campaign.id)
        assert stored is not None
        return stored.device_limit, stored.address_daily_limit


def test_new_campaigns_have_the_generous_defaults(app: Flask, campaign: Campaign) -> None:
    assert _limits(app, campaign) == (10, 500)


def test_an_administrator_changes_and_turns_off_the_limits(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], campaign: Campaign
) -> None:
    make_user("admin1", role="admin")
    sign_in(client, "admin1")
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "同一部手机最多答卷数" in page
    address = f"/campaigns/{campaign.slug}/limits"
    token = csrf_token(page)
    refused = client.post(
        address, data={"csrf_token": token, "device_limit": "0", "address_daily_limit": "1e1000"}
    )
    assert refused.status_code == 422
    assert "请输入1到1000000之间的整数" in refused.get_data(as_text=True)
    assert _limits(app, campaign) == (10, 500)
    saved = client.post(address, data={"csrf_token": token, "device_limit": "3", "address_daily_limit": ""})
    assert saved.status_code == 303
    assert _limits(app, campaign) == (3, None)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.limits")).one()
        assert event.details["after"] == {"device_limit": 3, "address_daily_limit": None}


def test_evaluators_see_but_cannot_change_the_limits(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], campaign: Campaign
) -> None:
    make_user("evaluator1")
    sign_in(client, "evaluator1")
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    address = f"/campaigns/{campaign.slug}/limits"
    assert client.post(address, data={"csrf_token": csrf_token(page), "device_limit": "1"}).status_code == 403
    assert _limits(app, campaign) == (10, 500)


def test_the_command_line_sets_the_limits(app: Flask, runner: FlaskCliRunner, campaign: Campaign) -> None:
    shown = runner.invoke(args=["campaign", "limits", campaign.slug])
    assert shown.exit_code == 0 and "per device 10, per address per day 500" in shown.output
    changed = runner.invoke(
        args=["campaign", "limits", campaign.slug, "--per-device", "off", "--per-address-day", "800"]
    )
    assert changed.exit_code == 0, changed.output
    assert _limits(app, campaign) == (None, 800)
    bad = runner.invoke(args=["campaign", "limits", campaign.slug, "--per-device", "0"])
    assert bad.exit_code != 0 and "not from 1 to 1000000" in bad.output
    assert _limits(app, campaign) == (None, 800)
