"""The command line: init, campaigns, QR codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from surveyapp.extensions import db
from surveyapp.models import Campaign
from surveyapp.survey.services import Submission, submit_response


def _create(runner: FlaskCliRunner, *extra: str) -> str:
    result = runner.invoke(
        args=[
            "campaign",
            "create",
            "--questionnaire",
            "kunming-2022-pension-satisfaction",
            "--name",
            "县级试点",
            *extra,
        ]
    )
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_campaign_create_prints_the_public_address_last(
    runner: FlaskCliRunner, questionnaire: object
) -> None:
    address = _create(runner, "--target", "41")
    assert address.startswith("http://localhost:5000/s/")
    assert len(address.rsplit("/", 1)[-1]) == 8


def test_campaign_address_uses_the_configured_base_url(
    app: Flask, runner: FlaskCliRunner, questionnaire: object
) -> None:
    app.config["BASE_URL"] = "https://survey.example.org"
    assert _create(runner).startswith("https://survey.example.org/s/")


def test_campaign_show_json(app: Flask, runner: FlaskCliRunner, questionnaire: object) -> None:
    slug = _create(runner, "--target", "41").rsplit("/", 1)[-1]
    with app.app_context():
        campaign = db.session.query(Campaign).filter_by(slug=slug).one()
        submit_response(
            campaign, Submission("cli-test-0001", {n: "A" for n in range(1, 11)}, channel="paper")
        )
        db.session.commit()
    result = runner.invoke(args=["campaign", "show", slug, "--json"])
    shown = json.loads(result.output)
    assert shown["slug"] == slug
    assert shown["questionnaire"] == "kunming-2022-pension-satisfaction"
    assert shown["version"] == 1
    assert shown["status"] == "open"
    assert shown["responses"] == 1
    assert shown["target"] == 41


def test_campaign_close_and_open(runner: FlaskCliRunner, questionnaire: object) -> None:
    slug = _create(runner).rsplit("/", 1)[-1]
    assert runner.invoke(args=["campaign", "close", slug]).exit_code == 0
    assert json.loads(runner.invoke(args=["campaign", "show", slug, "--json"]).output)["status"] == "closed"
    again = runner.invoke(args=["campaign", "close", slug])
    assert again.exit_code != 0 and "already closed" in again.output
    assert runner.invoke(args=["campaign", "open", slug]).exit_code == 0


def test_unknown_questionnaire_and_campaign_are_clear_errors(
    runner: FlaskCliRunner, questionnaire: object
) -> None:
    result = runner.invoke(args=["campaign", "create", "--questionnaire", "nope", "--name", "x"])
    assert result.exit_code != 0 and "no questionnaire 'nope'" in result.output
    shown = runner.invoke(args=["campaign", "show", "zzzzzzzz", "--json"])
    assert shown.exit_code != 0 and "no campaign with slug 'zzzzzzzz'" in shown.output


def test_campaign_qr_svg_and_png(runner: FlaskCliRunner, questionnaire: object, tmp_path: Path) -> None:
    slug = _create(runner).rsplit("/", 1)[-1]
    svg, png = tmp_path / "code.svg", tmp_path / "code.png"
    assert runner.invoke(args=["campaign", "qr", slug, "-o", str(svg)]).exit_code == 0
    assert runner.invoke(args=["campaign", "qr", slug, "-o", str(png)]).exit_code == 0
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml") and "<svg" in svg.read_text(
        encoding="utf-8"
    )
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    wrong = runner.invoke(args=["campaign", "qr", slug, "-o", str(tmp_path / "code.gif")])
    assert wrong.exit_code != 0 and ".svg or .png" in wrong.output


def test_a_refused_campaign_is_explained_in_english(runner: FlaskCliRunner, questionnaire: object) -> None:
    key = "kunming-2022-pension-satisfaction"
    result = runner.invoke(args=["campaign", "create", "--questionnaire", key, "--name", "   "])
    assert result.exit_code != 0
    assert "A campaign needs a name." in result.output and "调查批次" not in result.output


def test_a_command_on_a_database_not_set_up_says_to_run_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a traceback: one line saying what to do, and a failing exit code."""
    from click.testing import CliRunner

    from surveyapp.__main__ import cli

    monkeypatch.setenv("SURVEYAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SURVEYAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'never-set-up.sqlite3'}")
    bundled = (
        Path(__file__).resolve().parents[1] / "questionnaires" / "kunming-2022-pension-satisfaction.yaml"
    )
    result = CliRunner().invoke(cli, ["questionnaire", "load", str(bundled)])
    assert result.exit_code == 1
    assert "surveyapp init" in result.output and "Traceback" not in result.output


def test_database_errors_are_told_in_one_line() -> None:
    from sqlalchemy.exc import DBAPIError

    from surveyapp.__main__ import NOT_SET_UP, database_problem

    class UndefinedTable(Exception):
        sqlstate = "42P01"  # PostgreSQL's code for a table that does not exist

    missing = DBAPIError("SELECT 1", {}, UndefinedTable('relation "campaign" does not exist'))
    assert database_problem(missing) == NOT_SET_UP
    locked = DBAPIError("INSERT", {}, Exception("database is locked\nmore detail"))
    assert database_problem(locked) == "the database refused this: database is locked"
