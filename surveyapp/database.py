"""Database engine settings and the one place a web request's work is committed."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from surveyapp.extensions import db

#: How long a SQLite write waits for another writer before the request answers 503.
SQLITE_BUSY_TIMEOUT_MS = 5000
#: Helper threads SQLite may use for one large sort.
SQLITE_SORT_THREADS = 2


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL lets readers and a writer work at once; the busy timeout waits instead of failing.

    A sort too big for memory (a breakdown of a million responses' answers) may use a second
    thread.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA threads={SQLITE_SORT_THREADS}")
        cursor.close()


def begin_writing() -> None:
    """Begin the session's transaction as SQLite's one writer (``BEGIN IMMEDIATE``), for work that
    reads before it writes inside a savepoint.

    A SQLite transaction that has read cannot wait for the write lock when it comes to write: if
    another connection wrote in between, SQLite refuses at once ("database is locked") and the
    request would answer 503. Taking the write lock first makes it wait its turn (up to the busy
    timeout) before it reads. Nothing to do on another database, or once the transaction writes.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def configure(app: Flask) -> None:
    """Engine options for the configured database, set before the engine is made.

    A database server may restart between two requests: each connection taken from the pool
    is checked first (a round trip), so a restart costs no respondent a 503. A SQLite file has
    no server to lose, so its connections are not pinged. Options given in the configuration win.
    """
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    is_file = str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite")
    options.setdefault("pool_pre_ping", not is_file)


def init_app(app: Flask) -> None:
    """Commit a request's work when it succeeded, roll it back otherwise.

    Called once every other ``after_request`` hook is registered: Flask runs them in reverse
    order, so this one runs first, and a request's transaction ends as soon as its view has
    returned, not after the answer's headers and cookies are made. On SQLite a write holds the one
    write lock until then, and another worker that finds it taken sleeps a millisecond or more.
    """
    from surveyapp.scoring import kept  # noqa: F401 (counts changes to responses on every flush)

    @app.after_request
    def commit_on_success(response: Response) -> Response:
        if not db.session.registry.has() or not db.session().in_transaction():
            return response  # the request began no transaction: nothing to commit or undo
        if response.status_code < 400:
            db.session.commit()
        else:
            try:
                db.session.rollback()
            except SQLAlchemyError:
                db.session().invalidate()  # the database is gone: drop the connection, keep the answer
        return response
