"""Submissions per second through the public form, against a bare Flask endpoint, in the same run.

Not part of the test suite. Run from the project root::

    PYTHONPATH=$PWD python benchmarks/bench_submit.py --seconds 20
    PYTHONPATH=$PWD python benchmarks/bench_submit.py --seconds 20 \\
        --database-url postgresql+psycopg://127.0.0.1:5432/test

Both applications are served the same way, by gunicorn with two sync workers on a free localhost
port, on a fresh database (a temporary SQLite file, or a schema of its own on PostgreSQL that is
dropped afterwards), and driven by the same clients (16 by default, spread over a few processes).
Both are served at once and driven in turn: each is warmed up, then each gets ``--rounds`` turns
(four by default, the order alternating) of an equal share of ``--seconds``, so that the shared
machine's slow and quiet spells fall on both alike and their ratio holds from run to run.
One submission is what a respondent's phone does: GET the form, POST it, follow the redirect to
the thank-you page, each time with new cookies, as a new respondent.

* surveyapp: the bundled ten-question questionnaire, every question answered; the form's CSRF
  token and signed submission id are read from the page, as a browser sends them back.
* the baseline, the simplest thing doing the same job: a bare Flask app whose GET returns a
  two-field form, whose POST inserts one row with SQLAlchemy Core and redirects, and whose
  thank-you page is a constant.

Afterwards every acknowledged submission (a 303 to the thank-you page) must be stored exactly once;
the script checks it in the database. The last line is one JSON object: submissions per second,
the 99th percentile of the POST and of the whole submission, the same for the baseline, and the
ratio of the throughputs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import create_engine, event, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scoring import scratch_url

HERE = Path(__file__).resolve().parent
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SUBMISSION_ID = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')
BARE_TABLE = "bench_bare_submission"
#: Seconds each round drives before measuring (the clients' processes start, connections settle).
ROUND_WARMUP = 1.0


# --- the two applications, as gunicorn loads them --------------------------------------------


def surveyapp_app() -> Any:
    """The real application, configured from the environment (``SURVEYAPP_*``)."""
    from surveyapp import create_app

    return create_app()


def _wal(dbapi_connection: Any, _record: Any) -> None:
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def bare_app() -> Any:
    """The baseline: a form page, one Core INSERT per POST, a redirect, a constant thank-you page."""
    from flask import Flask, redirect, request
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, func, insert

    engine = create_engine(os.environ["BENCH_BARE_URL"], pool_pre_ping=True)
    event.listen(engine, "connect", _wal)
    table = Table(
        BARE_TABLE,
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("submission_id", String(64), unique=True, nullable=False),
        Column("answers", Text, nullable=False),
        Column("received_at", DateTime, server_default=func.now()),
    )
    app = Flask("bare")

    @app.get("/form")
    def form() -> str:
        token = uuid.uuid4().hex
        return (
            '<form method="post" action="/submit">'
            f'<input name="csrf_token" type="hidden" value="{token}">'
            f'<input name="submission_id" type="hidden" value="{token}">'
            "</form>"
        )

    @app.post("/submit")
    def submit() -> Any:
        answers = ",".join(f"{k}={v}" for k, v in request.form.items() if k.startswith("q"))
        with engine.begin() as connection:
            connection.execute(
                insert(table), {"submission_id": request.form["submission_id"], "answers": answers}
            )
        return redirect("/thanks", code=303)

    @app.get("/thanks")
    def thanks() -> str:
        return "<p>Thank you</p>"

    return app


# --- the clients ------------------------------------------------------------------------------


def _request(
    port: int, method: str, path: str, cookies: dict[str, str], body: str | None = None
) -> tuple[int, str, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Connection": "close"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        page = answer.read().decode("utf-8", "replace")
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return answer.status, page, {k.lower(): v for k, v in answer.getheaders()}
    finally:
        connection.close()


def _one_submission(
    port: int, paths: tuple[str, str], answers: dict[str, str]
) -> tuple[float, float, str | None]:
    """GET, POST, follow the redirect; (whole seconds, POST seconds, the id if acknowledged)."""
    cookies: dict[str, str] = {}
    start = time.perf_counter()
    status, page, _headers = _request(port, "GET", paths[0], cookies)
    csrf, submission = CSRF.search(page), SUBMISSION_ID.search(page)
    if status != 200 or csrf is None or submission is None:
        return time.perf_counter() - start, 0.0, None
    data = {"csrf_token": csrf.group(1), "submission_id": submission.group(1), **answers}
    posted = time.perf_counter()
    status, _page, headers = _request(port, "POST", paths[1], cookies, urlencode(data))
    post_seconds = time.perf_counter() - posted
    if status != 303:
        return time.perf_counter() - start, post_seconds, None
    location = headers["location"]
    status, _page, _headers = _request(port, "GET", location, cookies)
    acknowledged = submission.group(1) if status == 200 else None
    return time.perf_counter() - start, post_seconds, acknowledged


def _client_process(
    port: int, paths: tuple[str, str], answers: dict[str, str], threads: int, until: float, out: Any
) -> None:
    import threading

    results: list[tuple[float, float, str | None, float]] = []
    lock = threading.Lock()

    def work() -> None:
        mine = []
        while time.time() < until:
            whole, post, acknowledged = _one_submission(port, paths, answers)
            mine.append((whole, post, acknowledged, time.time()))
        with lock:
            results.extend(mine)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put(results)


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def drive(
    port: int,
    paths: tuple[str, str],
    answers: dict[str, str],
    args: argparse.Namespace,
    seconds: float,
    warmup: float,
) -> tuple[list[tuple[float, float, str | None, float]], list[str]]:
    """Run the clients for ``warmup`` then ``seconds`` seconds: the measured part's rows
    (whole seconds, POST seconds, id if acknowledged, end time) and every acknowledged id."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start = time.time()
    measured_from = start + warmup
    until = measured_from + seconds
    per_process = [args.clients // args.client_processes] * args.client_processes
    for i in range(args.clients % args.client_processes):
        per_process[i] += 1
    processes = [
        context.Process(target=_client_process, args=(port, paths, answers, n, until, queue))
        for n in per_process
        if n
    ]
    for process in processes:
        process.start()
    rows: list[tuple[float, float, str | None, float]] = []
    for _ in processes:
        rows.extend(queue.get())
    for process in processes:
        process.join()
    measured = [r for r in rows if r[3] >= measured_from]
    return measured, [r[2] for r in rows if r[2] is not None]


def _figures(measured: list[tuple[float, float, str | None, float]], seconds: float) -> dict[str, Any]:
    acknowledged = [r for r in measured if r[2] is not None]
    return {
        "submissions_per_s": round(len(acknowledged) / seconds, 1),
        "post_p50_ms": round(_percentile([r[1] for r in acknowledged], 0.50) * 1000, 1),
        "post_p99_ms": round(_percentile([r[1] for r in acknowledged], 0.99) * 1000, 1),
        "submission_p99_ms": round(_percentile([r[0] for r in acknowledged], 0.99) * 1000, 1),
        "failed": len(measured) - len(acknowledged),
    }


def drive_in_turn(
    targets: dict[str, tuple[int, tuple[str, str]]], answers: dict[str, str], args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """Warm each application up, then drive them in turn for ``--rounds`` rounds (the order
    alternating), ``--seconds`` in all each: a shared machine's slow and quiet spells fall on
    both alike, so their ratio holds from run to run better than their rates do."""
    measured: dict[str, list[tuple[float, float, str | None, float]]] = {name: [] for name in targets}
    acknowledged: dict[str, list[str]] = {name: [] for name in targets}
    for name, (port, paths) in targets.items():
        _rows, ids = drive(port, paths, answers, args, seconds=0.0, warmup=args.warmup)
        acknowledged[name] += ids
    names = list(targets)
    for round_ in range(args.rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            port, paths = targets[name]
            rows, ids = drive(
                port, paths, answers, args, seconds=args.seconds / args.rounds, warmup=ROUND_WARMUP
            )
            measured[name] += rows
            acknowledged[name] += ids
    return {
        name: {**_figures(measured[name], args.seconds), "acknowledged_ids": acknowledged[name]}
        for name in targets
    }


# --- serving ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(target: str, env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}", "--chdir", str(HERE), "--log-level", "warning", target,
    ]  # fmt: skip
    server = subprocess.Popen(command, env={**os.environ, **env})
    deadline = time.time() + 60
    while time.time() < deadline:
        try:  # answered once a worker has booted (the arbiter listens before that)
            _request(port, "GET", "/", {})
            return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"{target} did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


# --- databases --------------------------------------------------------------------------------


def _prepare_surveyapp(url: str, workdir: Path) -> tuple[str, dict[str, str]]:
    """Migrate, load the bundled questionnaire, start a campaign; its slug and the answers to post."""
    os.environ["SURVEYAPP_INSTANCE_PATH"] = str(workdir / "instance")
    from flask_migrate import upgrade

    from surveyapp import create_app
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.extensions import db
    from surveyapp.questionnaires.services import find_version, load_bundled

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
    with app.app_context():
        upgrade()
        load_bundled()
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        campaign = create_campaign(version, "submission benchmark")
        campaign.address_daily_limit = None  # every client comes from 127.0.0.1
        db.session.commit()
        answers = {f"q{q.number}": version.scale[i % 3].code for i, q in enumerate(version.questions)}
        slug = campaign.slug
        db.engine.dispose()
    return slug, answers


def _stored_surveyapp(url: str, slug: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT count(*), count(DISTINCT submission_id) FROM response "
                "WHERE campaign_id = (SELECT id FROM campaign WHERE slug = :slug)"
            ),
            {"slug": slug},
        ).one()
    engine.dispose()
    return int(row[0]), int(row[1])


def _stored_bare(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        row = connection.execute(
            text(f"SELECT count(*), count(DISTINCT submission_id) FROM {BARE_TABLE}")
        ).one()
    engine.dispose()
    return int(row[0]), int(row[1])


def _prepare_bare(url: str) -> None:
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, func

    metadata = MetaData()
    Table(
        BARE_TABLE,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("submission_id", String(64), unique=True, nullable=False),
        Column("answers", Text, nullable=False),
        Column("received_at", DateTime, server_default=func.now()),
    )
    engine = create_engine(url)
    metadata.create_all(engine)
    engine.dispose()


def _report(name: str, figures: dict[str, Any], stored: tuple[int, int]) -> None:
    acknowledged = len(figures["acknowledged_ids"])
    rate, p50, p99 = figures["submissions_per_s"], figures["post_p50_ms"], figures["post_p99_ms"]
    whole = figures["submission_p99_ms"]
    print(
        f"{name:<10} {rate:8.1f} submissions/s   POST p50 {p50:7.1f} ms   POST p99 {p99:7.1f} ms"
        f"   submission p99 {whole:7.1f} ms   failed {figures['failed']}"
    )
    print(f"{'':<10} acknowledged {acknowledged}, stored {stored[0]} ({stored[1]} distinct ids)")
    if stored != (acknowledged, acknowledged):
        raise SystemExit(f"{name}: {acknowledged} acknowledged submissions but {stored} stored")


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Prepare both databases, serve and drive each application in turn, check what was stored."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url, drop = scratch_url(args.database_url, workdir, "bench_submit")
        bare_url = url if args.database_url else f"sqlite:///{workdir / 'bare.sqlite3'}"
        try:
            slug, answers = _prepare_surveyapp(url, workdir)
            _prepare_bare(bare_url)
            env = {
                "SURVEYAPP_DATABASE_URL": url,
                "SURVEYAPP_INSTANCE_PATH": str(workdir / "instance"),
                "SURVEYAPP_SECRET_KEY": secrets.token_hex(16),
                "BENCH_BARE_URL": bare_url,
                "PYTHONPATH": os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]),
            }
            dialect = "postgresql" if args.database_url else "sqlite"
            print(f"database: {dialect}; {args.clients} clients, gunicorn {args.workers} sync workers")
            bare_server, bare_port = _serve("bench_submit:bare_app()", env, args.workers)
            try:
                real_server, real_port = _serve("bench_submit:surveyapp_app()", env, args.workers)
                try:
                    targets = {
                        "baseline": (bare_port, ("/form", "/submit")),
                        "surveyapp": (real_port, (f"/s/{slug}", f"/s/{slug}")),
                    }
                    figures = drive_in_turn(targets, answers, args)
                finally:
                    _stop(real_server)
            finally:
                _stop(bare_server)
            bare, real = figures["baseline"], figures["surveyapp"]
            _report("baseline", bare, _stored_bare(bare_url))
            _report("surveyapp", real, _stored_surveyapp(url, slug))
        finally:
            drop()
    ratio = (
        real["submissions_per_s"] / bare["submissions_per_s"] if bare["submissions_per_s"] else float("nan")
    )
    return {
        "benchmark": "submit",
        "database": dialect,
        "clients": args.clients,
        "workers": args.workers,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "submissions_per_s": real["submissions_per_s"],
        "post_p99_ms": real["post_p99_ms"],
        "submission_p99_ms": real["submission_p99_ms"],
        "stored_once": True,
        "baseline_submissions_per_s": bare["submissions_per_s"],
        "baseline_post_p99_ms": bare["post_p99_ms"],
        "baseline_submission_p99_ms": bare["submission_p99_ms"],
        "ratio": round(ratio, 3),
    }


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per application")
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds each application is driven first")
    parser.add_argument(
        "--rounds", type=int, default=4, help="turns each application gets; --seconds is split among them"
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    figures = run(parser.parse_args())
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
