"""Cross-checking two lists of people (the federation's roster and another department's list).

Both files are read, every ID number is checked and hashed with the roster key, and one pandas
merge (``analysis.crosscheck``) matches them. Nothing is stored. The export names people by
their row in each file and a masked ID number (first 6 and last 4 characters), never in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

import pandas as pd
from flask_babel import gettext as _

from analysis.crosscheck import CrossCheck, cross_check
from analysis.idnumber import id_number_problems
from surveyapp.distribution.columns import fields
from surveyapp.distribution.protection import hash_id_numbers, roster_keys
from surveyapp.distribution.roster import RosterError
from surveyapp.exports.streams import XlsxBook
from surveyapp.imports.reading import Sheet


@dataclass(frozen=True)
class ListRead:
    """One list as a frame of good rows, and the rows left out (bad ID number or listed twice)."""

    frame: pd.DataFrame
    skipped: list[tuple[int, str]]


def _as_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _column(frame: pd.DataFrame, header: str | None) -> pd.Series:
    """A column as trimmed text, None where empty; a column the file lacks is all None."""
    if header is None or header not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object)
    values = frame[header]
    if (
        pd.api.types.infer_dtype(values, skipna=True) == "string"
    ):  # CSV cells: text already, no per-cell conversion
        text = values.str.strip()
    else:  # XLSX cells may be numbers: 200.0 is 200
        text = values.map(
            lambda v: None if v is None else str(int(v) if isinstance(v, float) else v)
        ).str.strip()
    return text.where(text.fillna("") != "", None)


def read_list(sheet: Sheet) -> ListRead:
    """The good rows of a list: hashed key, row number, standard, payment method, masked number.

    Column-wise (pandas) rather than row by row, so a 100,000-person list reads in about a second.
    """
    columns = fields(sheet)
    if "id_number" not in columns:
        raise RosterError("missing_columns", columns="id_number")
    key = roster_keys()[0]
    frame = pd.DataFrame.from_records([row for _, row in sheet.rows])
    numbers = _column(frame, columns["id_number"]).fillna("").str.upper()
    rows = pd.Series([number for number, _ in sheet.rows], index=frame.index, dtype="int64")
    problems = id_number_problems(numbers).where(numbers != "", "missing")
    good = problems.isna()
    hashed = pd.Series(hash_id_numbers(numbers[good].tolist(), key), index=numbers[good].index, dtype=object)
    twice = hashed.duplicated()
    problems[twice[twice].index] = "duplicate"
    keep = problems.isna()
    standard = _column(frame, columns.get("standard")).str.removesuffix("元").str.strip()
    result = pd.DataFrame(
        {
            "key": hashed[keep[keep].index],
            "row": rows[keep],
            "standard": standard[keep],
            "payment": _column(frame, columns.get("payment"))[keep],
            "masked": numbers[keep].str.slice(0, 6) + "********" + numbers[keep].str.slice(14, 18),
        }
    ).reset_index(drop=True)
    left_out = problems.notna()
    skipped = list(zip(rows[left_out].tolist(), problems[left_out].tolist(), strict=True))
    return ListRead(result, skipped)


@dataclass(frozen=True)
class CrossCheckReport:
    """The match of two lists and what each left out."""

    result: CrossCheck
    first: ListRead
    second: ListRead

    def counts(self) -> dict[str, int]:
        """The figures printed by the command line and shown on the page."""
        return {
            "both": self.result.both,
            "a_only": self.result.a_only,
            "b_only": self.result.b_only,
            "conflicts": len(self.result.conflicts),
            "skipped_a": len(self.first.skipped),
            "skipped_b": len(self.second.skipped),
        }


def cross_check_sheets(first: Sheet, second: Sheet) -> CrossCheckReport:
    """Read and match two lists."""
    a, b = read_list(first), read_list(second)
    result = cross_check(a.frame, b.frame)
    masked = pd.concat([a.frame[["key", "masked"]], b.frame[["key", "masked"]]]).drop_duplicates("key")
    merged = result.matched.merge(masked, on="key", how="left")
    return CrossCheckReport(CrossCheck(merged), a, b)


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _where(value: str) -> str:
    return {"both": _("On both lists"), "a_only": _("On list A only"), "b_only": _("On list B only")}[value]


def _people_sheet(book: XlsxBook, title: str, frame: pd.DataFrame) -> None:
    sheet = book.sheet(title, widths=(22, 18, 10, 10, 12, 12, 12, 12))
    book.header(
        sheet,
        [
            _("ID number (masked)"),
            _("Where"),
            _("Row in A"),
            _("Row in B"),
            _("Standard in A"),
            _("Standard in B"),
            _("Payment in A"),
            _("Payment in B"),
        ],
    )
    columns = ["masked", "where", "row_a", "row_b", "standard_a", "standard_b", "payment_a", "payment_b"]
    for values in frame[columns].itertuples(index=False):
        row = [_cell(v) for v in values]
        row[1] = _where(str(values[1]))
        book.row(sheet, row)


def cross_check_xlsx(report: CrossCheckReport, target: str | IO[bytes]) -> None:
    """Write the summary, the conflicts, each group and the left-out rows as an XLSX workbook."""
    book = XlsxBook()
    summary = book.sheet(_("Summary"), widths=(40, 12))
    labels = {
        "both": _("On both lists"),
        "a_only": _("On list A only"),
        "b_only": _("On list B only"),
        "conflicts": _("Standard or payment method differ"),
        "skipped_a": _("Rows of A left out"),
        "skipped_b": _("Rows of B left out"),
    }
    book.header(summary, [_("Figure"), _("People")])
    for name, count in report.counts().items():
        book.row(summary, [labels[name], count])
    matched = report.result.matched
    _people_sheet(book, _("Conflicts"), report.result.conflicts)
    for where in ("both", "a_only", "b_only"):
        _people_sheet(book, _where(where), matched[matched["where"] == where])
    left_out = book.sheet(_("Rows left out"), widths=(8, 8, 30))
    book.header(left_out, [_("List"), _("Row"), _("Why")])
    for name, read in (("A", report.first), ("B", report.second)):
        for row, problem in read.skipped:
            book.row(left_out, [name, row, skip_reason(problem)])
    book.save(target)


def skip_reason(problem: str) -> str:
    """Why a row of a list was left out, in the user's language."""
    return {
        "missing": _("no ID number"),
        "length": _("the ID number does not have 18 characters"),
        "characters": _("the ID number has characters other than digits and a final X"),
        "birth_date": _("the birth date in the ID number is not a real date"),
        "check_digit": _("the check digit of the ID number is wrong"),
        "duplicate": _("the person is listed twice"),
    }[problem]
