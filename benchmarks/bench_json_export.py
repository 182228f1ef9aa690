"""Time the evaluator's JSON report against the XLSX workbook on the same campaign.

Not part of the test suite. Run from the project root::

    PYTHONPATH=$PWD python benchmarks/bench_json_export.py --responses 100000

Both downloads are timed as the web page serves them: the JSON report (table, intervals, the
three breakdowns) and the XLSX workbook (table, the responses sheet, provenance). The baseline is
the XLSX export measured in the same run; the last line is one JSON object with both times and
the ratio JSON / XLSX.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scoring import _app, _prepare, _timed, fill


def run(args: argparse.Namespace) -> dict[str, float]:
    """Fill one campaign, then time both exports."""
    from surveyapp.exports.writers import report_json, report_xlsx
    from surveyapp.extensions import db
    from surveyapp.scoring.report import campaign_report

    with tempfile.TemporaryDirectory() as workdir, _app(args.database_url, Path(workdir)).app_context():
        campaign, _, areas = _prepare(db)
        fill(db, campaign, args.responses, areas)

        def as_xlsx() -> int:
            with tempfile.TemporaryFile() as handle:
                report_xlsx(campaign_report(campaign, breakdowns=False)).save(handle)
                return handle.tell()

        def as_json() -> int:
            return len(report_json(campaign_report(campaign)).encode("utf-8"))

        xlsx, _ = _timed(f"XLSX report, {args.responses:,} responses", as_xlsx, runs=args.runs)
        as_json_s, _ = _timed(f"JSON report, {args.responses:,} responses", as_json, runs=args.runs)
        return {
            "responses": args.responses,
            "database": db.engine.dialect.name,
            "json_s": round(as_json_s, 3),
            "xlsx_baseline_s": round(xlsx, 3),
            "ratio_json_to_xlsx": round(as_json_s / xlsx, 3),
        }


def main() -> None:
    """Parse the arguments, run, print the figures as JSON on the last line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
