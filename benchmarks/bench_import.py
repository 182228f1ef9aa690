"""Time ``responses import`` of an N-row CSV against one bulk insert of the same rows.

Not part of the test suite. Run from the project root::

    PYTHONPATH=$PWD python benchmarks/bench_import.py --rows 100000
    PYTHONPATH=$PWD python benchmarks/bench_import.py --rows 100000 \\
        --database-url postgresql+psycopg://127.0.0.1:5432/bench

A CSV of N paper questionnaires of the bundled questionnaire (``id``, ``q1``..``q10``, ``area``,
``channel``, ``submitted_at``) is made, then in the same run, into two campaigns of the same
database:

* **baseline**: the file read with :mod:`csv` and its rows stored with one multi-row insert per
  table (responses, then answers), nothing checked;
* **import**: the file imported by ``surveyapp responses import`` itself: read (encodings,
  headers), every row checked first (all or nothing), each response stored once, then the
  campaign's kept aggregates brought up to date, so the evaluator's page opens at once.

The target: the import within 3x of the baseline. A second import of the same file is timed as
well: it must add nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scoring import CODES_WEIGHTS, _prepare, scratch_app

BATCH = 5000


def make_csv(rows: int, area_codes: list[str]) -> bytes:
    """The file: N rows of ten answers, areas by code, times in local time."""
    rng = random.Random(rows)
    start = datetime(2022, 5, 2, 9, 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", *(f"q{n}" for n in range(1, 11)), "area", "channel", "submitted_at"])
    for number in range(1, rows + 1):
        answers = rng.choices("ABCDE", CODES_WEIGHTS, k=10)
        when = start + timedelta(minutes=rng.randrange(60 * 24 * 56))
        writer.writerow(
            [f"p-{number:07d}", *answers, rng.choice(area_codes), "paper", f"{when:%Y-%m-%d %H:%M}"]
        )
    return buffer.getvalue().encode("utf-8")


def bulk_insert(db: Any, campaign: Any, data: bytes) -> int:
    """The floor: parse with csv, insert responses and answers with executemany, check nothing."""
    from surveyapp.models import Answer, Area, Response

    version = campaign.questionnaire_version
    questions = [q.id for q in version.questions]
    options = {o.code: o.id for o in version.scale}
    areas = {a.code: a.id for a in db.session.query(Area)}
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    next(reader)
    now = datetime.now(UTC)
    stored = 0
    rows = list(reader)
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        responses = [
            {
                "campaign_id": campaign.id,
                "questionnaire_version_id": version.id,
                "submission_id": f"import:{row[0]}",
                "channel": row[12],
                "area_id": areas[row[11]],
                "submitted_at": datetime.fromisoformat(row[13]).replace(tzinfo=UTC),
                "received_at": now,
            }
            for row in part
        ]
        ids = db.session.scalars(
            Response.__table__.insert().returning(Response.id, sort_by_parameter_order=True), responses
        ).all()
        answers = [
            {"response_id": rid, "campaign_id": campaign.id, "question_id": q, "option_id": options[code]}
            for rid, row in zip(ids, part, strict=True)
            for q, code in zip(questions, row[1:11], strict=True)
        ]
        db.session.execute(Answer.__table__.insert(), answers)
        stored += len(part)
    db.session.commit()
    return stored


def import_file(db: Any, campaign: Any, path: Path) -> tuple[int, int]:
    """The import as ``surveyapp responses import`` runs it, through the command itself: read,
    check every row, store, commit, then bring the campaign's kept aggregates up to date."""
    from flask import current_app

    db.session.commit()  # the command works in a session of its own
    result = current_app.test_cli_runner().invoke(args=["responses", "import", campaign.slug, str(path)])
    assert result.exit_code == 0, result.output
    found = re.search(r": (\d+) rows, (\d+) added", result.output)
    assert found is not None, result.output
    return int(found[1]), int(found[2])


def _time(label: str, action: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    print(f"{label:<48} {seconds:9.3f} s")
    return seconds, result


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Make the file, then time the baseline and the import on two campaigns."""
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.extensions import db

    with (
        tempfile.TemporaryDirectory() as workdir,
        scratch_app(args.database_url, Path(workdir), "bench_import"),
    ):
        first, _, area_ids = _prepare(db)
        from surveyapp.models import Area

        codes = [a.code for a in db.session.query(Area) if a.id in area_ids]
        second = create_campaign(first.questionnaire_version, "import benchmark")
        db.session.commit()
        data = make_csv(args.rows, codes)
        path = Path(workdir) / "paper.csv"
        path.write_bytes(data)
        print(f"database: {db.engine.dialect.name}; a CSV of {args.rows:,} rows, {len(data) / 1e6:.1f} MB")
        baseline, stored = _time(
            f"bulk insert of the same rows ({args.rows:,})", lambda: bulk_insert(db, first, data)
        )
        ours, (rows, added) = _time(
            f"responses import ({args.rows:,} rows)", lambda: import_file(db, second, path)
        )
        again, (_, added_again) = _time("the same file imported again", lambda: import_file(db, second, path))
        assert stored == rows == added == args.rows and added_again == 0, (stored, rows, added, added_again)
        return {
            "benchmark": "import",
            "rows": args.rows,
            "database": db.engine.dialect.name,
            "import_s": round(ours, 3),
            "baseline_bulk_insert_s": round(baseline, 3),
            "ratio": round(ours / baseline, 3),
            "reimport_s": round(again, 3),
        }


def main() -> None:
    """Parse the arguments, run, print the figures as JSON on the last line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    print(json.dumps(run(parser.parse_args()), ensure_ascii=False))


if __name__ == "__main__":
    main()
