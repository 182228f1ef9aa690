"""Time the XLSX and CSV exports of N responses against the simplest code writing the same cells.

Not part of the test suite. Run from the project root::

    PYTHONPATH=$PWD python benchmarks/bench_exports.py --responses 100000
    PYTHONPATH=$PWD python benchmarks/bench_exports.py --responses 100000 \\
        --database-url postgresql+psycopg://127.0.0.1:5432/bench

One campaign of the bundled questionnaire is filled with N responses by bulk insert. Then, in the
same run and on the same data:

* **XLSX**: the evaluator's workbook (statistics table, responses sheet, provenance) as the page
  and ``surveyapp report --format xlsx`` write it, from the database, against XlsxWriter in
  constant-memory mode writing the same rows of cells (taken from the database beforehand, so
  the baseline is the writing alone), and the export's memory growth (peak resident memory during
  the export over resident memory before it; Linux only);
* **CSV**: the responses CSV as the page streams it, against one plain SQL query of the same
  answers written row by row with ``csv.writer``.

The targets: XLSX within 1.2x of its baseline and under 200 MB of memory growth; CSV within 1.5x.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scoring import _prepare, _timed, fill, scratch_app
from sqlalchemy import text


def _rss_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def memory_growth_mb(action: Any) -> float | None:
    """Peak resident memory while ``action`` runs, over resident memory before it, in MB."""
    before = _rss_kb("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak to the current size
    except OSError:
        return None
    action()
    peak = _rss_kb("VmHWM")
    return None if before is None or peak is None else round((peak - before) / 1024, 1)


def _ours_xlsx(campaign: Any) -> int:
    from surveyapp.exports.writers import report_xlsx
    from surveyapp.scoring.report import campaign_report

    with tempfile.TemporaryFile() as handle:
        report_xlsx(campaign_report(campaign, breakdowns=False)).save(handle)
        return handle.tell()


def _baseline_xlsx(rows: list[list[Any]]) -> int:
    import xlsxwriter

    with tempfile.TemporaryFile() as handle:
        book = xlsxwriter.Workbook(handle, {"constant_memory": True})
        sheet = book.add_worksheet("答卷")
        for index, row in enumerate(rows):
            sheet.write_row(index, 0, row)
        book.close()
        return handle.tell()


def _ours_csv(campaign: Any) -> int:
    from surveyapp.exports.writers import responses_csv

    return sum(len(chunk) for chunk in responses_csv(campaign))


def _baseline_csv(db: Any, campaign_id: int, questions: int) -> int:
    """One query of every answer in response order, written one row per response."""
    query = text(
        "SELECT r.id, r.submitted_at, r.channel, q.number, o.code FROM response r "
        "JOIN answer a ON a.response_id = r.id JOIN question q ON q.id = a.question_id "
        "LEFT JOIN scale_option o ON o.id = a.option_id WHERE r.campaign_id = :c ORDER BY r.id"
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "submitted_at", "channel", *(f"q{n}" for n in range(1, questions + 1))])
    size, current, cells = 0, None, [""] * questions
    head: list[Any] = []
    for rid, submitted, channel, number, code in db.session.execute(query, {"c": campaign_id}):
        if rid != current:
            if current is not None:
                writer.writerow([*head, *cells])
            current, head, cells = rid, [rid, submitted, channel], [""] * questions
        cells[number - 1] = code
    if current is not None:
        writer.writerow([*head, *cells])
    size += len(buffer.getvalue())
    return size


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Fill one campaign, then time each export against its baseline."""
    from surveyapp.exports.report import response_rows
    from surveyapp.extensions import db

    with (
        tempfile.TemporaryDirectory() as workdir,
        scratch_app(args.database_url, Path(workdir), "bench_exports"),
    ):
        campaign, _, areas = _prepare(db)
        n = args.responses
        print(f"database: {db.engine.dialect.name}; filling {n:,} responses")
        fill(db, campaign, n, areas)
        questions = len(campaign.questionnaire_version.questions)
        growth = memory_growth_mb(lambda: _ours_xlsx(campaign))  # first, before any other export
        print(f"memory growth during the XLSX export: {growth} MB")
        rows = list(response_rows(campaign))  # the same cells, for the XLSX baseline
        base_xlsx, _ = _timed(
            f"XlsxWriter constant memory, {n:,} rows", lambda: _baseline_xlsx(rows), args.runs
        )
        rows.clear()  # free them before measuring the export's memory
        ours_xlsx, size = _timed(
            f"XLSX export (workbook), {n:,} responses", lambda: _ours_xlsx(campaign), args.runs
        )
        print(f"  {size / 1e6:.1f} MB")
        base_csv, _ = _timed(
            "plain query + csv.writer", lambda: _baseline_csv(db, campaign.id, questions), args.runs
        )
        ours_csv, _ = _timed(f"responses CSV export, {n:,} responses", lambda: _ours_csv(campaign), args.runs)
        return {
            "benchmark": "exports",
            "responses": n,
            "database": db.engine.dialect.name,
            "xlsx_s": round(ours_xlsx, 3),
            "xlsx_baseline_s": round(base_xlsx, 3),
            "xlsx_ratio": round(ours_xlsx / base_xlsx, 3),
            "xlsx_memory_growth_mb": growth,
            "csv_s": round(ours_csv, 3),
            "csv_baseline_s": round(base_csv, 3),
            "csv_ratio": round(ours_csv / base_csv, 3),
        }


def main() -> None:
    """Parse the arguments, run, print the figures as JSON on the last line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    print(json.dumps(run(parser.parse_args()), ensure_ascii=False))


if __name__ == "__main__":
    main()
