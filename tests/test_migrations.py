"""The migrations build exactly the schema the models describe, and undo it."""

from __future__ import annotations

from decimal import Decimal
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


def test_0012_points_funds_rows_to_their_county_and_back(tmp_path: Path, database_url: str) -> None:
    app = _empty_app(tmp_path, database_url)
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            run = connection.exec_driver_sql
            # No ids given: PostgreSQL's sequence must hand out the ids of the areas 0012 makes.
            run("INSERT INTO area (code, name, level) VALUES ('C', '昆明市', 'city')")
            city = run("SELECT id FROM area WHERE code = 'C'").scalar_one()
            for values in (f"'A', '石林县', 'county', {city}, 0.5", f"'B', '寻甸县', 'county', {city}, NULL"):
                run(f"INSERT INTO area (code, name, level, parent_id, city_share) VALUES ({values})")
            run(
                "INSERT INTO indicator_table (id, key, title, template_id, template_version, grades,"
                " created_at) VALUES (1, 't', 't', 'x', '1', '[]', '2026-12-02 00:00:00')"
            )
            run("INSERT INTO funds_sheet (id, table_id, standard) VALUES (1, 1, 200)")
            run(
                "INSERT INTO funds_row (id, sheet_id, position, county, funds, people, city_share,"
                " county_share) VALUES (1, 1, 0, '石林县', 32, 1000, 5, 5),"
                " (2, 1, 1, '寻甸县', 67.432, 4752, 7, 3), (3, 1, 2, '新设区', 1, 10, 0, 10)"
            )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT funds_row.id, area.name, area.level, area.parent_id, area.city_share FROM funds_row"
                " JOIN area ON area.id = funds_row.area_id ORDER BY funds_row.id"
            ).all()
        # 石林县 keeps its 0.5; 寻甸县 had no share and takes its row's 7:3; 新设区 is made, 0:10.
        assert [(r[0], r[1], r[2], r[3], Decimal(str(r[4]))) for r in rows] == [
            (1, "石林县", "county", city, Decimal("0.5")),
            (2, "寻甸县", "county", city, Decimal("0.7")),
            (3, "新设区", "county", city, Decimal("0")),
        ]
        downgrade(revision="0007")
        with db.engine.connect() as connection:
            back = connection.exec_driver_sql(
                "SELECT id, county, city_share, county_share FROM funds_row ORDER BY id"
            ).all()
        assert [tuple(r) for r in back] == [(1, "石林县", 5, 5), (2, "寻甸县", 7, 3), (3, "新设区", 0, 10)]
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()
