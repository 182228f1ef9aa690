"""The migrations build exactly the schema the models describe, and undo it."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from surveyapp.extensions import db
from surveyapp.models import Base
from tests.conftest import make_app


def _empty_app(tmp_path: Path, database_url: str) -> Flask:
    app = make_app(tmp_path, database_url)
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    return app


def test_upgrade_matches_models_and_downgrade_removes_all(tmp_path: Path, database_url: str) -> None:
    app = _empty_app(tmp_path, database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.session.remove()
        db.engine.dispose()


def test_init_is_safe_to_run_twice(tmp_path: Path, database_url: str) -> None:
    app = _empty_app(tmp_path, database_url)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    second = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "kunming-2022-pension-satisfaction version 1: loaded" in first.output
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    with app.app_context():
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()
