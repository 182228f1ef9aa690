"""Security headers: HSTS over HTTPS only, nothing of staff pages or downloads kept in a cache."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.models import Campaign
from tests.accounts.conftest import PASSWORD, sign_in
from tests.conftest import make_app


def test_hsts_only_when_served_over_https(app: Flask) -> None:
    secure = app.test_client().get("/login", base_url="https://survey.example.cn")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(secure.headers["Strict-Transport-Security"].split(";")[0].split("=")[1]) >= 31536000
    plain = app.test_client().get("/login")
    assert "Strict-Transport-Security" not in plain.headers  # browsers ignore it on HTTP anyway


def test_hsts_behind_a_proxy_that_terminates_tls(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, PROXY_COUNT=1)
    answer = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in answer.headers


def test_staff_pages_and_downloads_are_not_stored(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    from surveyapp.accounts.services import create_user
    from surveyapp.extensions import db

    with app.app_context():
        create_user("evaluator1", PASSWORD, "evaluator")
        db.session.commit()
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    assert sign_in(client, "evaluator1") == 303
    for url in (
        "/",
        f"/campaigns/{campaign.slug}",
        f"/campaigns/{campaign.slug}/qr.png",
        f"/evaluation/campaigns/{campaign.slug}/report.xlsx",
        f"/evaluation/campaigns/{campaign.slug}/responses.csv",
    ):
        with client.get(url) as answer:  # downloads stream: close them
            assert answer.status_code == 200, url
            assert answer.headers["Cache-Control"] == "no-store", url
            assert "Server" not in answer.headers


def test_the_public_form_and_static_files_may_be_cached(app: Flask, campaign: Campaign) -> None:
    public = app.test_client()
    assert "no-store" not in public.get(f"/s/{campaign.slug}").headers.get("Cache-Control", "")
    with public.get("/static/survey.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")
