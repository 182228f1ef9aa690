"""Two 100,000-person lists, generated with valid check digits: every overlap is found."""

from __future__ import annotations

import numpy as np
from flask import Flask

from surveyapp.distribution.crosscheck import cross_check_sheets
from surveyapp.imports.reading import Sheet

#: GB 11643 weights and check characters, typed from the standard.
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
CHECK = np.array(list("10X98765432"))


def id_numbers(count: int) -> np.ndarray:
    """``count`` distinct valid ID numbers: county codes, birth dates in 1960, serial numbers."""
    index = np.arange(count)
    counties = np.array(["530129", "530128", "530124", "530125"])[index % 4]
    days = np.char.zfill((1 + (index // 4) % 28).astype(str), 2)
    months = np.char.zfill((1 + (index // 112) % 12).astype(str), 2)
    serial = np.char.zfill((index // 1344).astype(str), 3)
    first17 = np.char.add(np.char.add(np.char.add(np.char.add(counties, "1960"), months), days), serial)
    digits = np.frombuffer("".join(first17).encode("ascii"), dtype=np.uint8).reshape(count, 17) - 48
    return np.char.add(first17, CHECK[(digits * WEIGHTS).sum(axis=1) % 11])


def _sheet(numbers: np.ndarray, standards: np.ndarray) -> Sheet:
    rows = [
        (row, {"身份证号": number, "补助标准": f"{standard}元", "缴费方式": "代缴"})
        for row, (number, standard) in enumerate(zip(numbers, standards, strict=True), start=2)
    ]
    return Sheet(["身份证号", "补助标准", "缴费方式"], rows)


def test_every_overlap_of_two_100000_person_lists_is_found(app: Flask) -> None:
    n = 100_000
    numbers = id_numbers(150_000)
    assert len(set(numbers)) == 150_000
    order = np.random.default_rng(2022).permutation(150_000)
    a, b = numbers[order[:n]], numbers[order[50_000 : 50_000 + n]]  # 50,000 people on both
    b_standard = np.full(n, 200)
    b_standard[:10] = 100  # the first ten of B, all on both lists, get the lower standard there
    with app.test_request_context():
        report = cross_check_sheets(_sheet(a, np.full(n, 200)), _sheet(b, b_standard))
    counts = report.counts()
    assert counts["skipped_a"] == counts["skipped_b"] == 0  # every generated check digit is valid
    assert (counts["both"], counts["a_only"], counts["b_only"]) == (50_000, 50_000, 50_000)
    both = report.result.matched[report.result.matched["where"] == "both"]
    assert set(both["row_b"].astype(int)) == set(range(2, 50_002))  # B's first half is A's second
    assert sorted(report.result.conflicts["row_b"].astype(int)) == list(range(2, 12))
