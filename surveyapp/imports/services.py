"""Check every row of an import file, then store the responses once each. Services flush.

Nothing is stored unless every row is good: the problems of all bad rows are reported together,
each with its row number (as the spreadsheet shows it, the header being row 1) and column.
Each row's submission id comes from its ``id`` column, or else from a hash of its row number and
content, so importing the same file twice adds nothing, and a file with rows appended adds only
the new rows.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.i18n import local_zone
from surveyapp.imports.reading import Sheet
from surveyapp.models import CHANNELS, MODES, Area, Campaign
from surveyapp.questionnaires.question_types import QUESTION_TYPES, AnswerError
from surveyapp.survey.forms import choices_of
from surveyapp.survey.services import Submission, submit_response

OPTIONAL_COLUMNS = ("id", "area", "channel", "mode", "submitted_at")
QUESTION_COLUMN = re.compile(r"^q(\d+)$")
MAX_ID = 57  # submission ids are 64 characters; "import:" takes 7


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one cell (or the header, row 1)."""

    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.problem}"


class ImportRowsError(ValueError):
    """The file has bad rows; nothing was imported."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    """How many rows the file had, and how many of them were new."""

    rows: int
    added: int

    @property
    def already(self) -> int:
        """Rows stored by an earlier import of the same data."""
        return self.rows - self.added


class _RowChecker:
    """Turns one row into a :class:`Submission`, collecting problems instead of stopping."""

    def __init__(self, campaign: Campaign, header: list[str]) -> None:
        version = campaign.questionnaire_version
        self.questions = version.by_number()
        self.codes = [o.code for o in version.scale]
        self.lists = {n: [o.code for o in choices_of(version, q)] for n, q in self.questions.items()}
        self.zone = local_zone()
        self.areas = _area_lookup()
        self.header = header
        self.problems: list[RowProblem] = []
        self.ids: dict[str, int] = {}

    def check_header(self) -> None:
        for column in self.header:
            match = QUESTION_COLUMN.match(column)
            if match and int(match.group(1)) in self.questions:
                continue
            if column and column not in OPTIONAL_COLUMNS:
                expected = f"q1..q{max(self.questions)}, {', '.join(OPTIONAL_COLUMNS)}"
                self._add(1, column or "?", f"unknown column; expected {expected}")
        for number, question in self.questions.items():
            if question.required and f"q{number}" not in self.header:
                self._add(1, f"q{number}", "the column is missing")

    def _add(self, row: int, column: str, problem: str) -> None:
        self.problems.append(RowProblem(row, column, problem))

    def submission(self, row: int, cells: dict[str, Any]) -> Submission | None:
        before = len(self.problems)
        answers = self._answers(row, cells)
        channel = self._choice(row, cells, "channel", CHANNELS) or "import"
        mode = self._choice(row, cells, "mode", MODES)
        submitted_at = self._time(row, cells.get("submitted_at"))
        area_id = self._area(row, cells.get("area"))
        submission_id = self._submission_id(row, cells)
        if len(self.problems) > before:
            return None
        return Submission(submission_id, answers, channel, mode, area_id, submitted_at)

    def _answers(self, row: int, cells: dict[str, Any]) -> dict[int, Any]:
        answers: dict[int, Any] = {}
        for number, question in self.questions.items():
            value = cells.get(f"q{number}")
            if value is None:
                if question.required and not question.relevant:
                    self._add(row, f"q{number}", "empty, but the question must be answered")
                continue
            if question.type == "scale":
                code = str(value).strip().upper()
                if code not in self.codes:
                    self._add(row, f"q{number}", f"'{value}' is not an option ({', '.join(self.codes)})")
                    continue
                answers[number] = code
                continue
            try:
                answers[number] = QUESTION_TYPES[question.type].read(  # type: ignore[misc]
                    question, value, self.lists[number]
                )
            except AnswerError as error:
                self._add(row, f"q{number}", str(error))
        return answers

    def _choice(self, row: int, cells: dict[str, Any], column: str, allowed: tuple[str, ...]) -> str | None:
        value = cells.get(column)
        if value is None:
            return None
        text = str(value).strip().lower()
        if text not in allowed:
            self._add(row, column, f"'{value}' is not one of {', '.join(allowed)}")
            return None
        return text

    def _time(self, row: int, value: Any) -> datetime | None:
        if value is None:
            return None
        moment = _parse_time(value)
        if moment is None:
            self._add(row, "submitted_at", f"'{value}' is not a date and time such as 2022-05-03 10:30")
            return None
        return (moment if moment.tzinfo else moment.replace(tzinfo=self.zone)).astimezone(UTC)

    def _area(self, row: int, value: Any) -> int | None:
        if value is None:
            return None
        found = self.areas.get(str(value).strip())
        if found is None:
            self._add(row, "area", f"no area with the code or name '{value}'")
        elif found < 0:
            self._add(row, "area", f"more than one area is named '{value}'; give its code")
            return None
        return found

    def _submission_id(self, row: int, cells: dict[str, Any]) -> str:
        given = cells.get("id")
        if given is not None:
            key = str(given)
            if key in self.ids:
                self._add(row, "id", f"the same id as row {self.ids[key]}")
            self.ids[key] = row
            return f"import:{key}" if len(key) <= MAX_ID else f"import:{_digest(key)}"
        content = json.dumps({k: str(v) for k, v in sorted(cells.items())}, ensure_ascii=False)
        return f"import-row:{_digest(f'{row}|{content}')}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:48]


def _area_lookup() -> dict[str, int]:
    """Area id by code and by name; -1 for a name several areas share."""
    lookup: dict[str, int] = {}
    names: dict[str, int] = {}
    for area in db.session.scalars(select(Area)):
        lookup[area.code] = area.id
        names[area.name] = -1 if area.name in names else area.id
    return {**names, **lookup}


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    text = str(value).strip().replace("/", "-").replace("T", " ")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def check_rows(campaign: Campaign, sheet: Sheet) -> list[Submission]:
    """Every row as a submission; raise :class:`ImportRowsError` listing every problem found."""
    checker = _RowChecker(campaign, sheet.header)
    checker.check_header()
    if checker.problems:
        raise ImportRowsError(checker.problems)
    submissions = [checker.submission(row, cells) for row, cells in sheet.rows]
    if checker.problems:
        raise ImportRowsError(checker.problems)
    return [s for s in submissions if s is not None]


def import_responses(campaign: Campaign, sheet: Sheet) -> ImportResult:
    """Check all rows, then store each response once; nothing is stored if a row is bad."""
    submissions = check_rows(campaign, sheet)
    added = sum(1 for s in submissions if submit_response(campaign, s)[1])
    return ImportResult(rows=len(submissions), added=added)
