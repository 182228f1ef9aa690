"""Cross-check two 100,000-person lists, against a plain pandas merge of the same rows.

Not part of the test suite. Run from the project root::

    PYTHONPATH=$PWD python benchmarks/bench_crosscheck.py --people 100000

Generates two lists with valid ID numbers (half of each on the other), then times, in the same
run: the whole cross-check (``cross_check_sheets``: checking every ID number, the keyed hashes,
the merge, the conflict flags) and the bare ``pandas.merge`` of the raw ID numbers, the least any
matching can cost. The last line printed is one JSON object with the figures and the ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from surveyapp.distribution.crosscheck import cross_check_sheets
from tests.distribution.test_crosscheck_large import _sheet, id_numbers


def main() -> None:
    """Time both and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000, help="people on each list")
    n = parser.parse_args().people
    numbers = id_numbers(n + n // 2)
    order = np.random.default_rng(2022).permutation(len(numbers))
    a, b = numbers[order[:n]], numbers[order[n // 2 : n // 2 + n]]
    sheets = _sheet(a, np.full(n, 200)), _sheet(b, np.full(n, 200))

    from surveyapp import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/x.sqlite3", "ROSTER_KEY": "bench-key-0123456789"}
        )
        with app.test_request_context():
            start = time.perf_counter()
            report = cross_check_sheets(*sheets)
            ours = time.perf_counter() - start
    start = time.perf_counter()
    frames = [pd.DataFrame({"key": [row["身份证号"] for _, row in s.rows]}) for s in sheets]
    baseline_both = len(pd.merge(frames[0], frames[1], on="key", how="inner"))
    baseline = time.perf_counter() - start
    counts = report.counts()
    assert counts["both"] == baseline_both == n // 2
    print(f"people per list: {n}")
    print(f"cross-check (check, hash, merge, conflicts): {ours:.3f} s")
    print(f"plain pandas merge of the raw ID numbers:    {baseline:.3f} s")
    print(f"ratio: {ours / baseline:.1f}")
    figures = {"people": n, "crosscheck_seconds": round(ours, 3), "baseline_seconds": round(baseline, 3)}
    print(json.dumps({**figures, "ratio": round(ours / baseline, 2), "counts": counts}))


if __name__ == "__main__":
    main()
