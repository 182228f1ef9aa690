"""SQLite's one write lock: a writer waits for another in short steps, a reader never waits."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from surveyapp import database
from surveyapp.extensions import db
from tests.conftest import make_app


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a SQLite file (whatever database the rest of the run uses): one table."""
    app = make_app(tmp_path, "")
    with app.app_context():
        db.session.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


class OtherWriter:
    """Another connection (another server process, say) holding the write lock for a while."""

    def __init__(self, path: str, seconds: float) -> None:
        self.path, self.seconds = path, seconds
        self.holding, self.released = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        other = sqlite3.connect(self.path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO note (body) VALUES ('other')")
            self.holding.set()
            self.released.wait(self.seconds)
            other.execute("COMMIT")
        finally:
            other.close()

    def __enter__(self) -> OtherWriter:
        self.thread.start()
        assert self.holding.wait(5)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.released.set()
        self.thread.join(5)


def _raw() -> sqlite3.Connection:
    raw = db.session.connection().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every pause the writer makes between its tries for the lock (really slept)."""
    pauses: list[float] = []
    sleep = database.time.sleep

    def recorded(seconds: float) -> None:
        pauses.append(seconds)
        sleep(seconds)

    monkeypatch.setattr(database.time, "sleep", recorded)
    return pauses


def test_a_writer_waits_for_another_in_short_steps_then_writes(
    sqlite_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    pauses = _pauses(monkeypatch)
    with OtherWriter(db.engine.url.database or "", seconds=0.05):
        db.session.execute(text("INSERT INTO note (body) VALUES ('mine')"))
        assert _raw().in_transaction
        db.session.commit()
    # It tried again every fraction of a millisecond, not in SQLite's sleeps of 1, 2, 5 ms...
    assert pauses, "the write waited inside SQLite instead"
    assert all(p <= database.WRITE_LOCK_LONG_PAUSE for p in pauses)
    assert pauses[0] == database.WRITE_LOCK_PAUSE
    rows = db.session.execute(text("SELECT body FROM note ORDER BY id")).scalars().all()
    assert rows == ["other", "mine"]
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == database.SQLITE_BUSY_TIMEOUT_MS


def test_a_writer_held_up_past_the_busy_timeout_is_refused_as_before(
    sqlite_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 150)
    with (
        OtherWriter(db.engine.url.database or "", seconds=5),
        pytest.raises(OperationalError, match="locked"),
    ):
        db.session.execute(text("INSERT INTO note (body) VALUES ('mine')"))
    db.session.rollback()
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 150  # not left at 0
    db.session.execute(text("INSERT INTO note (body) VALUES ('mine')"))  # free again: it writes
    db.session.commit()
    assert db.session.execute(text("SELECT count(*) FROM note")).scalar() == 2


def test_a_reader_takes_no_lock_and_never_waits(sqlite_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    pauses = _pauses(monkeypatch)
    with OtherWriter(db.engine.url.database or "", seconds=5):
        assert db.session.execute(text("SELECT count(*) FROM note")).scalar() == 0  # before its commit
        assert not _raw().in_transaction
    assert pauses == []


def test_writes_of_one_transaction_begin_it_once(sqlite_app: Flask) -> None:
    db.session.execute(text("INSERT INTO note (body) VALUES ('a')"))
    db.session.execute(text("UPDATE note SET body = 'b'"))
    db.session.execute(text("DELETE FROM note WHERE body = 'none'"))
    db.session.rollback()  # all three undone together: one transaction
    assert db.session.execute(text("SELECT count(*) FROM note")).scalar() == 0
