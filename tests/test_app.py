"""The application factory and configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveyapp import create_app
from surveyapp.config import load_config


def test_secret_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SURVEYAPP_SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    second = load_config(tmp_path)["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEYAPP_SECRET_KEY", "from-env")
    assert load_config(tmp_path)["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_database_defaults_to_sqlite_in_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SURVEYAPP_DATABASE_URL", raising=False)
    url = load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"]
    assert url == f"sqlite:///{tmp_path / 'surveyapp.sqlite3'}"


def test_base_url_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEYAPP_BASE_URL", "https://survey.example.org/")
    assert load_config(tmp_path)["BASE_URL"] == "https://survey.example.org"


def test_sqlite_runs_in_wal_mode_with_busy_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import text

    from surveyapp.extensions import db

    monkeypatch.setenv("SURVEYAPP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SURVEYAPP_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("url", "given", "pinged"),
    [
        ("sqlite:///{tmp}/a.sqlite3", None, False),  # a file: nothing to restart
        ("postgresql+psycopg://127.0.0.1:5432/test", None, True),  # a server may restart
        ("sqlite:///{tmp}/b.sqlite3", True, True),  # the configuration wins
    ],
)
def test_connections_to_a_server_are_pinged_on_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, given: bool | None, pinged: bool
) -> None:
    from surveyapp.extensions import db

    monkeypatch.setenv("SURVEYAPP_INSTANCE_PATH", str(tmp_path))
    config: dict[str, object] = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url.format(tmp=tmp_path)}
    if given is not None:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": given}
    app = create_app(config)
    with app.app_context():
        assert db.engine.pool._pre_ping is pinged  # no connection is made
        db.engine.dispose()
