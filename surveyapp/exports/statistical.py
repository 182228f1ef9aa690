"""The individual responses as SPSS (.sav) and Stata (.dta) files, which R reads as well.

One row per response. Every column of :func:`surveyapp.exports.report.response_columns` becomes
a variable: its label is the question's text (or the heading), and a column with value labels
(answers, channels, modes) is stored as whole numbers 1, 2, … labelled with the options' texts,
as KoboToolbox and LimeSurvey export for analysts. Whatever columns that source gives flow here.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pyreadstat

from surveyapp.exports.report import ResponseColumn, response_columns, response_records
from surveyapp.models import Campaign

FORMATS = ("sav", "dta")
MIMETYPES = {"sav": "application/x-spss-sav", "dta": "application/x-stata-dta"}
#: Stata names: 32 ASCII letters, digits or underscores, not starting with a digit.
NAME_LENGTH = 32
#: Stata keeps variable labels of at most 80 characters.
STATA_LABEL_LENGTH = 80
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")


@dataclass(frozen=True)
class LabelledFrame:
    """The responses with their variable names, variable labels and value labels."""

    frame: pd.DataFrame
    labels: list[str | None]
    value_labels: dict[str, dict[int | float, str]]


def variable_names(columns: list[ResponseColumn]) -> list[str]:
    """Unique names valid in SPSS and Stata: ASCII, at most 32 characters, no leading digit."""
    names: list[str] = []
    for column in columns:
        base = _NOT_NAME.sub("_", column.name).strip("_") or "v"
        if base[0].isdigit():
            base = f"v{base}"
        base = base[:NAME_LENGTH]
        name, number = base, 1
        while name.lower() in {taken.lower() for taken in names}:
            number += 1
            suffix = f"_{number}"
            name = base[: NAME_LENGTH - len(suffix)] + suffix
        names.append(name)
    return names


def _numbered(column: ResponseColumn) -> dict[str, int]:
    """Each code's number: its place in the column's value labels, from 1."""
    return {code: number for number, code in enumerate(column.values, start=1)}


def _values(records: Iterator[list[Any]], columns: list[ResponseColumn]) -> Iterator[list[Any]]:
    numbers = [_numbered(c) if c.values else None for c in columns]
    for record in records:
        yield [
            value if mapping is None or value is None else mapping.get(value, value)
            for value, mapping in zip(record, numbers, strict=True)
        ]


def labelled_responses(campaign: Campaign, include_excluded: bool = False) -> LabelledFrame:
    """The campaign's responses as a frame, with labels, ready for pyreadstat."""
    columns = response_columns(campaign)
    names = variable_names(columns)
    frame = pd.DataFrame(list(_values(response_records(campaign, include_excluded), columns)), columns=names)
    value_labels: dict[str, dict[int | float, str]] = {}
    for name, column in zip(names, columns, strict=True):
        if column.values:
            value_labels[name] = {n: column.values[code] for code, n in _numbered(column).items()}
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    return LabelledFrame(frame, [c.label for c in columns], value_labels)


def write_responses(campaign: Campaign, target: str | Path, fmt: str, include_excluded: bool = False) -> None:
    """Write the responses to ``target`` as ``sav`` (SPSS) or ``dta`` (Stata 15)."""
    data = labelled_responses(campaign, include_excluded)
    if fmt == "sav":
        pyreadstat.write_sav(
            data.frame, str(target), column_labels=data.labels, variable_value_labels=data.value_labels
        )
    elif fmt == "dta":
        short: list[str | None] = [(label or "")[:STATA_LABEL_LENGTH] for label in data.labels]
        pyreadstat.write_dta(
            data.frame, str(target), column_labels=short, variable_value_labels=data.value_labels
        )
    else:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def responses_file(campaign: Campaign, fmt: str, include_excluded: bool = False) -> IO[bytes]:
    """The responses file in a temporary file, rewound, for a download."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"responses.{fmt}"
        write_responses(campaign, path, fmt, include_excluded)
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed to the caller
        spool.write(path.read_bytes())
    spool.seek(0)
    return spool
