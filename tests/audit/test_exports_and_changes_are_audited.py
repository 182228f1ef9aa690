"""Exports, weight scheme changes and indicator changes leave an audit event with who and what."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Campaign
from surveyapp.scoring.schemes import load_builtin_schemes
from tests.accounts.conftest import sign_in
from tests.conftest import csrf_token
from tests.scoring.conftest import report_campaign

__all__ = ["report_campaign"]


def _events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_web_export_and_scheme_change_are_audited(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    with app.app_context():
        load_builtin_schemes()
        db.session.commit()
    make_user("eval1", role="evaluator")
    sign_in(client, "eval1")
    assert client.get(f"/evaluation/campaigns/{report_campaign.slug}/report.csv").status_code == 200
    page = client.get(f"/evaluation/campaigns/{report_campaign.slug}").get_data(as_text=True)
    changed = client.post(
        f"/evaluation/campaigns/{report_campaign.slug}/scheme",
        data={"csrf_token": csrf_token(page), "scheme": "national-100-80-60-30-0"},
    )
    assert changed.status_code == 303
    [export] = _events(app, "report.export")
    assert export.details["format"] == "csv" and export.details["campaign_slug"] == report_campaign.slug
    assert export.actor == "eval1"
    [scheme] = _events(app, "campaign.scheme")
    assert scheme.details["scheme"] == "national-100-80-60-30-0"


def test_command_line_export_is_audited(
    app: Flask, runner: FlaskCliRunner, report_campaign: Campaign, tmp_path: Path
) -> None:
    result = runner.invoke(
        args=["report", report_campaign.slug, "--format", "json", "-o", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 0, result.output
    [event] = _events(app, "report.export")
    assert event.details["format"] == "json"


def test_indicator_table_creation_change_and_export_are_audited(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    from surveyapp.indicators.services import create_table

    with app.app_context():
        create_table("kunming-2022-pension-subsidy", key="audited")
        db.session.commit()
    make_user("eval2", role="evaluator")
    sign_in(client, "eval2")
    leaf = client.get("/indicators/audited/leaves/C.1.1.1").get_data(as_text=True)
    saved = client.post(
        "/indicators/audited/leaves/C.1.1.1",
        data={"leaf-csrf_token": csrf_token(leaf), "leaf-target": "≥ 20000 人", "leaf-actual": "21000"},
    )
    assert saved.status_code == 303
    assert client.get("/indicators/audited/export.xlsx").status_code == 200
    assert len(_events(app, "indicator.create")) == 1
    changes = _events(app, "indicator.change")
    assert any(e.details["field"] == "actual" and e.details["new"] == "21000" for e in changes), [
        e.details for e in changes
    ]
    [export] = _events(app, "indicator.export")
    assert export.actor == "eval2" and export.details["format"] == "xlsx"
