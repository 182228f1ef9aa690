"""The public form's sender counts each use their own index, however young the table.

The insert of every public response counts the campaign's responses from the sending phone and
from the sending address. On PostgreSQL the statement is prepared, and its generic plan is made
after a few runs on a connection, usually while the response table is small and has no
statistics. With every campaign index costing the same then, the planner once took an index that
cannot find a phone, and each submission read all of its campaign's responses. These tests make
the generic plan on a table that was never analyzed, as a new connection on a new database does,
and read which index it uses. SQLite chooses well without statistics; there the test checks
that the partial indexes still serve the counts (an equality on the column implies it is not
null).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import DateTime, Integer, String, bindparam
from sqlalchemy.dialects import postgresql

from surveyapp.extensions import db
from surveyapp.models import Campaign
from surveyapp.survey.services import sent_from_address, sent_from_device

DEVICE = sent_from_device(bindparam("campaign", type_=Integer), bindparam("device", type_=String))
ADDRESS = sent_from_address(
    bindparam("campaign", type_=Integer),
    bindparam("address", type_=String),
    bindparam("since", type_=DateTime(timezone=True)),
)


def _generic_plan(query: Any, name: str, arguments: str) -> str:
    """PostgreSQL's generic plan of ``query`` as a prepared statement, as text."""
    sql = str(query.compile(dialect=postgresql.dialect(paramstyle="numeric_dollar")))
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    connection.exec_driver_sql(f"PREPARE {name} AS {sql}")
    try:
        rows = connection.exec_driver_sql(f"EXPLAIN EXECUTE {name}({arguments})").all()
    finally:
        connection.exec_driver_sql(f"DEALLOCATE {name}")
    return "\n".join(row[0] for row in rows)


def _sqlite_plan(query: Any, parameters: dict[str, Any]) -> str:
    compiled = query.compile(dialect=db.session.get_bind().dialect)
    values = compiled.construct_params(parameters)
    positional = tuple(values[name] for name in compiled.positiontup or ())
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", positional)
    return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize(
    ("query", "index", "arguments", "parameters"),
    [
        (DEVICE, "ix_response_campaign_device", "'a-phone'", {"device": "a-phone"}),
        (
            ADDRESS,
            "ix_response_campaign_address",
            "'an-address', now()",
            {"address": "an-address", "since": datetime(2026, 1, 1, tzinfo=UTC)},
        ),
    ],
    ids=["phone", "address"],
)
def test_each_sender_count_uses_its_own_index_on_a_table_without_statistics(
    app: Flask, campaign: Campaign, query: Any, index: str, arguments: str, parameters: dict[str, Any]
) -> None:
    with app.app_context():
        if db.session.get_bind().dialect.name == "postgresql":  # the test schema is never analyzed
            plan = _generic_plan(query, "sender_count", f"{campaign.id}, {arguments}")
        else:
            plan = _sqlite_plan(query, {"campaign": campaign.id, **parameters})
        db.session.rollback()
    assert index in plan, plan
