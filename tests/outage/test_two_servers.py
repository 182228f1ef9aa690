"""Two app servers, each its own process on its own port, against one database.

The same submission sent to both at once is stored once, and sign-in failures made on either
count towards the same throttle. Run on a SQLite file and on a private PostgreSQL server.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from surveyapp.accounts.services import create_user
from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Response
from surveyapp.questionnaires.services import find_version, load_bundled
from tests.accounts.conftest import PASSWORD
from tests.conftest import CSRF_INPUT
from tests.outage.conftest import app_on

ROOT = Path(__file__).resolve().parents[2]
SUBMISSION = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(400):
        if server.poll() is not None:
            raise RuntimeError(
                f"the server at {base} ended: {server.stderr.read().decode() if server.stderr else ''}"
            )
        try:
            requests.get(f"{base}/login", timeout=15)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.05)
    raise RuntimeError(f"the server at {base} did not start")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One database for this module's servers: a SQLite file, then the private PostgreSQL server."""
    tmp_path = tmp_path_factory.mktemp("two-servers")
    url = "" if request.param == "sqlite" else request.getfixturevalue("private_pg").url
    yield from app_on(tmp_path, url)


@pytest.fixture(scope="module")
def two_servers(shared_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Two gunicorn servers (a process each) on the shared database; their base addresses."""
    folder = tmp_path_factory.mktemp("servers")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SURVEYAPP_DATABASE_URL": shared_app.config["SQLALCHEMY_DATABASE_URI"],
        "SURVEYAPP_SECRET_KEY": shared_app.config["SECRET_KEY"],
        "SURVEYAPP_INSTANCE_PATH": str(folder),
    }
    servers, bases = [], []
    try:
        for number in range(2):
            port = _free_port()
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "1",
                "--threads",
                "4",
            ]
            with (folder / f"server{number}.log").open("wb") as log:
                servers.append(
                    subprocess.Popen([*command, "surveyapp:create_app()"], cwd=ROOT, env=env, stderr=log)
                )
            bases.append(f"http://127.0.0.1:{port}")
        for base, server in zip(bases, servers, strict=True):
            _wait(base, server)
        yield bases[0], bases[1]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def _slug(app: Flask, username: str) -> str:
    with app.app_context():
        load_bundled()
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        slug = create_campaign(version, "two servers").slug
        create_user(username, PASSWORD, "evaluator")
        db.session.commit()
        return slug


def _token(page: str) -> str:
    found = CSRF_INPUT.search(page)
    assert found
    return found.group(1) or found.group(2)


def test_the_same_submission_sent_to_both_servers_is_stored_once(
    shared_app: Flask, two_servers: tuple[str, str]
) -> None:
    slug = _slug(shared_app, "evaluator1")
    first, second = two_servers
    phone = requests.Session()
    page = phone.get(f"{first}/s/{slug}", timeout=10).text
    submission = SUBMISSION.search(page)
    assert submission
    data = {"csrf_token": _token(page), "submission_id": submission.group(1)}
    data.update({f"q{n}": "A" for n in range(1, 11)})
    cookies = phone.cookies.get_dict()
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def send(base: str) -> None:
        barrier.wait()
        answer = requests.post(
            f"{base}/s/{slug}", data=data, cookies=cookies, allow_redirects=False, timeout=30
        )
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=send, args=(base,)) for base in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 4
    with shared_app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Response)
                .where(Response.submission_id == submission.group(1).split(".")[0])
            )
            == 1
        )


def test_sign_in_failures_on_either_server_count_together(
    shared_app: Flask, two_servers: tuple[str, str]
) -> None:
    _slug(shared_app, "evaluator2")
    first, second = two_servers
    guesser = requests.Session()
    for attempt in range(5):  # the account limit, split over the two servers
        base = (first, second)[attempt % 2]
        token = _token(guesser.get(f"{base}/login", timeout=10).text)
        refused = guesser.post(
            f"{base}/login",
            data={"csrf_token": token, "username": "evaluator2", "password": f"wrong guess {attempt}"},
            allow_redirects=False,
            timeout=10,
        )
        assert refused.status_code == 401
    for base in (first, second):
        token = _token(guesser.get(f"{base}/login", timeout=10).text)
        held = guesser.post(
            f"{base}/login",
            data={"csrf_token": token, "username": "evaluator2", "password": PASSWORD},
            allow_redirects=False,
            timeout=10,
        )
        assert held.status_code == 429
