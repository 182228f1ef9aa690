"""Score a campaign of a million responses from the database, and time the exports.

Not part of the test suite. Run from the project root::

    PYTHONPATH=$PWD python benchmarks/bench_scoring.py --responses 1000000
    PYTHONPATH=$PWD python benchmarks/bench_scoring.py --responses 1000000 \\
        --database-url postgresql+psycopg://127.0.0.1:5432/bench

The schema comes from the migrations (so the indexes measured are the ones shipped). The script
fills one campaign with N responses by bulk insert, then times, in the same run and on the same
data, a plain ``SELECT question_id, option_id, count(*) ... GROUP BY`` against
``campaign_statistics`` (the one scoring path), the confidence-interval sums, one breakdown and
the whole evaluator's report; and the XLSX and responses CSV exports of a 100,000-response campaign.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

BATCH = 20_000
CHANNELS = ("qr", "qr", "qr", "interview", "paper", "import")
CODES_WEIGHTS = (0.70, 0.20, 0.06, 0.03, 0.01)


def _timed(label: str, action: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    """Best of ``runs`` wall-clock times in seconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best:9.3f} s")
    return best, result


def _response_rows(
    campaign_id: int, version_id: int, first_id: int, n: int, areas: list[int]
) -> Iterator[dict]:
    start = datetime(2022, 5, 2, tzinfo=UTC)
    rng = random.Random(first_id)
    for offset in range(n):
        rid = first_id + offset
        yield {
            "id": rid,
            "campaign_id": campaign_id,
            "questionnaire_version_id": version_id,
            "submission_id": f"bench-{campaign_id}-{rid}",
            "channel": rng.choice(CHANNELS),
            "area_id": rng.choice(areas),
            "submitted_at": start + timedelta(minutes=rng.randrange(60 * 24 * 56)),
            "received_at": start,
        }


def fill(db: Any, campaign: Any, n: int, areas: list[int]) -> None:
    """Insert ``n`` responses of ten answers each, in batches, with executemany."""
    from surveyapp.models import Answer, Response

    version = campaign.questionnaire_version
    questions = [q.id for q in version.questions]
    options = [o.id for o in version.scale]
    first = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
    rng = random.Random(n)
    answer_id = (db.session.scalar(select(func.max(Answer.id))) or 0) + 1
    for batch_start in range(0, n, BATCH):
        size = min(BATCH, n - batch_start)
        responses = list(_response_rows(campaign.id, version.id, first + batch_start, size, areas))
        db.session.execute(Response.__table__.insert(), responses)
        answers = []
        for row in responses:
            for question, option in zip(
                questions, rng.choices(options, CODES_WEIGHTS, k=len(questions)), strict=True
            ):
                answers.append(
                    {
                        "id": answer_id,
                        "response_id": row["id"],
                        "campaign_id": campaign.id,
                        "question_id": question,
                        "option_id": option,
                    }
                )
                answer_id += 1
        db.session.execute(Answer.__table__.insert(), answers)
        db.session.commit()
        print(f"\r  {batch_start + size:>9,} responses stored", end="", file=sys.stderr)
    print(file=sys.stderr)


def scratch_url(database_url: str | None, workdir: Path, name: str) -> tuple[str, Callable[[], None]]:
    """A database URL for this run, and the function that drops it afterwards.

    On PostgreSQL the run works in a schema of its own (``name`` and the process id), so runs can
    follow one another on the same database; otherwise a SQLite file in ``workdir``.
    """
    if not database_url:
        return f"sqlite:///{workdir / f'{name}.sqlite3'}", lambda: None
    schema = f"{name}_{os.getpid()}"
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

    sep = "&" if "?" in database_url else "?"
    return f"{database_url}{sep}options=-csearch_path%3D{schema}", drop


def _app(database_url: str | None, workdir: Path) -> Any:
    os.environ["SURVEYAPP_INSTANCE_PATH"] = str(workdir)
    from surveyapp import create_app

    url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})


@contextmanager
def scratch_app(database_url: str | None, workdir: Path, name: str) -> Iterator[Any]:
    """The app's context on a database of this run's own (see :func:`scratch_url`), dropped after."""
    url, drop = scratch_url(database_url, workdir, name)
    try:
        with _app(url, workdir).app_context() as context:
            yield context
    finally:
        drop()


def _prepare(db: Any) -> tuple[Any, Any, list[int]]:
    from flask_migrate import upgrade

    from surveyapp.campaigns.services import create_campaign
    from surveyapp.models import Area
    from surveyapp.questionnaires.services import find_version, load_bundled
    from surveyapp.scoring.schemes import load_builtin_schemes

    upgrade()
    load_bundled()
    load_builtin_schemes()
    city = Area(code="530100", name="昆明市", level="city")
    counties = [Area(code=f"5301{i:02d}", name=f"县{i}", level="county", parent=city) for i in range(1, 15)]
    db.session.add_all([city, *counties])
    version = find_version("kunming-2022-pension-satisfaction")
    big = create_campaign(version, "benchmark", population_size=23186)
    small = create_campaign(version, "export benchmark")
    db.session.commit()
    return big, small, [c.id for c in counties]


def plain_group_by(db: Any, campaign_id: int) -> list[Any]:
    """The floor: counting answers per question and option, nothing else."""
    return db.session.execute(
        text(
            "SELECT question_id, option_id, count(*) FROM answer WHERE campaign_id = :c "
            "GROUP BY question_id, option_id"
        ),
        {"c": campaign_id},
    ).all()


def _export_xlsx(campaign: Any) -> int:
    from surveyapp.exports.writers import report_xlsx
    from surveyapp.scoring.report import campaign_report

    with tempfile.TemporaryFile() as handle:
        report_xlsx(campaign_report(campaign, breakdowns=False)).save(handle)
        return handle.tell()


def _export_csv(campaign: Any) -> int:
    from surveyapp.exports.writers import responses_csv

    return sum(len(chunk.encode("utf-8")) for chunk in responses_csv(campaign))


def run(args: argparse.Namespace) -> None:
    """Fill, then time."""
    from surveyapp.extensions import db
    from surveyapp.scoring.breakdowns import campaign_breakdown
    from surveyapp.scoring.certainty import respondent_sums
    from surveyapp.scoring.report import campaign_report
    from surveyapp.scoring.services import campaign_statistics

    with tempfile.TemporaryDirectory() as workdir, _app(args.database_url, Path(workdir)).app_context():
        big, small, areas = _prepare(db)
        print(f"database: {db.engine.dialect.name}; filling {args.responses:,} + {args.export_responses:,}")
        start = time.perf_counter()
        fill(db, big, args.responses, areas)
        fill(db, small, args.export_responses, areas)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
        print(f"{'fill':<48} {time.perf_counter() - start:9.1f} s")
        plain, _ = _timed("plain GROUP BY count", lambda: plain_group_by(db, big.id))
        scored, table = _timed("campaign_statistics (the scoring path)", lambda: campaign_statistics(big))
        _timed("respondent sums for the intervals", lambda: respondent_sums(big))
        _timed("breakdown by channel", lambda: campaign_breakdown(big, "channel"))
        _timed("whole report (table, intervals, 3 breakdowns)", lambda: campaign_report(big), runs=1)
        print(f"score {table.as_dict()['score']} over {table.respondents:,} responses")
        print(f"ratio campaign_statistics / plain GROUP BY: {scored / plain:.2f}")
        n = args.export_responses
        _, size = _timed(f"XLSX export, {n:,} responses", lambda: _export_xlsx(small), runs=1)
        print(f"  {size / 1e6:.1f} MB")
        _, size = _timed(f"responses CSV export, {n:,} responses", lambda: _export_csv(small), runs=1)
        print(f"  {size / 1e6:.1f} MB")


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--export-responses", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
