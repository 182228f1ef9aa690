"""One migration at a time: servers started together never race on upgrading the database.

``surveyapp init`` and ``surveyapp serve`` upgrade the schema and load the bundled data; two of
them started at once (two servers, or a restart script run twice) would both create the same
tables. On PostgreSQL a session-level advisory lock serialises them, whichever machine they run
on; on SQLite an exclusive lock on a file next to the database does. The second one waits, then
finds the schema current and has nothing to do.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from surveyapp.extensions import db

#: The advisory lock's key: any 64-bit number that no other program on the database uses.
ADVISORY_KEY = 7_215_400_815_011_001


@contextmanager
def migration_lock(app: Flask) -> Iterator[None]:
    """Hold the database's migration lock for the duration of the ``with`` block."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
                connection.commit()
        return
    with _file_lock(_lock_path(app)):
        yield


def _lock_path(app: Flask) -> Path:
    database = db.engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        return Path(database).with_name(Path(database).name + ".migrate-lock")
    return Path(app.instance_path) / "migrate.lock"


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path``; released when the file closes, even if the process dies."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
