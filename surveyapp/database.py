"""Database engine settings and the one place a web request's work is committed."""

from __future__ import annotations

import sqlite3
import time
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


#: Statements before which Python's ``sqlite3`` begins a transaction of its own.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
#: How long a SQLite writer pauses before it tries the write lock again (seconds): briefly while
#: another writer's transaction is a usual one (a response and its commit take a millisecond or
#: two), longer once it has waited ``WRITE_LOCK_SHORT_WAIT`` (behind an import, a migration).
WRITE_LOCK_PAUSE = 0.0002
WRITE_LOCK_LONG_PAUSE = 0.002
WRITE_LOCK_SHORT_WAIT = 0.02


@event.listens_for(Engine, "before_cursor_execute")
def _write_lock_first(
    _conn: Any, cursor: Any, statement: str, _parameters: Any, _context: Any, _executemany: bool
) -> None:
    """A SQLite write outside a transaction begins one holding the write lock (see
    :func:`take_write_lock`); Python's ``sqlite3`` would begin a deferred one, whose write then
    waits for the lock in SQLite's own steps."""
    if (
        isinstance(cursor, sqlite3.Cursor)
        and not cursor.connection.in_transaction
        and statement.lstrip()[:7].upper().startswith(_WRITES)
    ):
        take_write_lock(cursor.connection)


def take_write_lock(raw: sqlite3.Connection) -> None:
    """Begin a transaction as SQLite's one writer (``BEGIN IMMEDIATE``), waiting for another
    writer's commit in short steps, for at most the busy timeout, then "database is locked".

    SQLite's own wait sleeps 1, 2, 5, 10 ms and more between its tries, so a writer that finds
    the lock taken by a transaction about to end (a respondent's answers, their commit) sleeps a
    millisecond or several while the lock is free: under a rush of phones, with a few server
    processes, a good part of their time. Tried every fraction of a millisecond instead, the lock
    is taken soon after it is free. Only the beginning waits so: once the transaction holds the
    lock, nothing in it waits for another writer.
    """
    raw.execute("PRAGMA busy_timeout=0")  # each try answers at once
    try:
        started = time.monotonic()
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                waited = time.monotonic() - started
                busy = error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or waited * 1000 >= SQLITE_BUSY_TIMEOUT_MS:
                    raise
            time.sleep(WRITE_LOCK_PAUSE if waited < WRITE_LOCK_SHORT_WAIT else WRITE_LOCK_LONG_PAUSE)
    finally:
        raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def begin_writing() -> None:
    """Begin the session's transaction as SQLite's one writer (:func:`take_write_lock`), for work
    that reads before it writes inside a savepoint.

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
        take_write_lock(raw)


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
    write lock until then, and every other writer waits for it (see :func:`take_write_lock`).
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
