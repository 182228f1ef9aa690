"""The deployment contract, through the real command line and a real WSGI server, as a script would.

Each test works in a temporary instance directory of its own and runs ``surveyapp`` in a new
process: ``questionnaire load`` then ``campaign create`` as the README says, ``wsgi.py`` under
gunicorn (no migration, no seeding, no ``Server`` banner), and two ``init`` started together.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner
from sqlalchemy import create_engine, inspect, text

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "questionnaires" / "kunming-2022-pension-satisfaction.yaml"
CLI = [sys.executable, "-m", "surveyapp"]


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a new instance: its own folder, and an empty database."""
    env = {**os.environ, "SURVEYAPP_INSTANCE_PATH": str(tmp_path / "instance"), "PYTHONPATH": str(ROOT)}
    env.pop("SURVEYAPP_DATABASE_URL", None)
    if not PG_URL:
        env["SURVEYAPP_DATABASE_URL"] = f"sqlite:///{tmp_path / 'instance.sqlite3'}"
        yield env
        return
    schema = f"deploy_{uuid.uuid4().hex[:12]}"
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    env["SURVEYAPP_DATABASE_URL"] = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    yield env
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def surveyapp(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``surveyapp ARGS`` in a new process."""
    done = subprocess.run([*CLI, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def _questionnaire(tmp_path: Path, key: str, version: int) -> Path:
    text_ = BUNDLED.read_text(encoding="utf-8")
    text_ = text_.replace("id: kunming-2022-pension-satisfaction", f"id: {key}")
    text_ = text_.replace("version: 1\n", f"version: {version}\n")
    path = tmp_path / f"{key}-v{version}.yaml"
    path.write_text(text_, encoding="utf-8")
    return path


def test_questionnaire_load_then_campaign_create_works_as_the_readme_says(
    tmp_path: Path, instance: dict[str, str]
) -> None:
    surveyapp(instance, "init")
    loaded = surveyapp(instance, "questionnaire", "load", str(_questionnaire(tmp_path, "county-pilot", 1)))
    assert "county-pilot version 1: loaded and published" in loaded.stdout
    made = surveyapp(instance, "campaign", "create", "--questionnaire", "county-pilot", "--name", "试点")
    assert made.stdout.strip().splitlines()[-1].startswith("http://localhost:5000/s/")
    assert "county-pilot version 1" in made.stdout


def test_a_draft_is_held_back_and_campaigns_take_the_latest_published_version(
    tmp_path: Path, runner: FlaskCliRunner, questionnaire: object
) -> None:
    """The same commands in this process (each new process costs seconds of imports)."""

    def run(*args: str) -> Result:
        return runner.invoke(args=list(args))

    assert (
        "loaded as a draft"
        in run("questionnaire", "load", "--draft", str(_questionnaire(tmp_path, "pilot", 1))).output
    )
    refused = run("campaign", "create", "--questionnaire", "pilot", "--name", "x")
    assert refused.exit_code != 0 and "surveyapp questionnaire publish pilot" in refused.output
    assert "published" in run("questionnaire", "publish", "pilot").output
    run("questionnaire", "load", "--draft", str(_questionnaire(tmp_path, "pilot", 2)))
    made = run("campaign", "create", "--questionnaire", "pilot", "--name", "试点")
    assert made.exit_code == 0 and "pilot version 1" in made.output  # the latest published, not the draft
    refused = run("campaign", "create", "--questionnaire", "pilot", "--version", "2", "--name", "x")
    assert refused.exit_code != 0 and "not published" in refused.output
    again = run("questionnaire", "load", str(_questionnaire(tmp_path, "pilot", 2)))
    assert "already loaded, now published" in again.output
    made = run("campaign", "create", "--questionnaire", "pilot", "--name", "试点二")
    assert made.exit_code == 0 and "pilot version 2" in made.output


def test_two_inits_started_at_once_both_succeed(instance: dict[str, str]) -> None:
    started = [
        subprocess.Popen(
            [*CLI, "init"], env=instance, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=180)[0].decode() for process in started]
    assert [process.returncode for process in started] == [0, 0], outputs
    # One of them loaded the bundled questionnaire, the other found it there.
    assert sum("pension-satisfaction version 1: loaded" in out for out in outputs) == 1
    engine = create_engine(instance["SURVEYAPP_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            bundled = len(list((ROOT / "questionnaires").glob("*.yaml")))
            assert connection.scalar(text("SELECT count(*) FROM questionnaire_version")) == bundled
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) is not None
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_wsgi_py_under_gunicorn_never_migrates_and_sends_no_banner(instance: dict[str, str]) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"],
        env=instance,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                status, headers = _get(f"http://127.0.0.1:{port}/static/survey.css")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        assert status == 200
        assert "Server" not in headers
        status, headers = _get(f"http://127.0.0.1:{port}/login")
        assert status == 200 and "Server" not in headers
        assert headers["Cache-Control"] == "no-store"
    finally:
        server.terminate()
        server.wait(timeout=30)
    engine = create_engine(instance["SURVEYAPP_DATABASE_URL"])
    try:
        assert inspect(engine).get_table_names() == []  # nothing was migrated or loaded
    finally:
        engine.dispose()
