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

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.i18n import local_zone
from surveyapp.imports.reading import Sheet
from surveyapp.models import CHANNELS, MODES, Area, Campaign
from surveyapp.questionnaires.expressions import holds
from surveyapp.questionnaires.question_types import QUESTION_TYPES, AnswerError
from surveyapp.questionnaires.relevance import asked_names, compiled
from surveyapp.survey.bulk import submit_many
from surveyapp.survey.forms import choices_of
from surveyapp.survey.services import Submission

OPTIONAL_COLUMNS = ("id", "area", "channel", "mode", "submitted_at")
QUESTION_COLUMN = re.compile(r"^q(\d+)$")
#: the text given with a question's "other" option, as the exports write it
OTHER_TEXT_COLUMN = re.compile(r"^q(\d+)_other_text$")
#: one 0/1 column per option of a select_multiple question (``q17/slow``), as the exports write it
OPTION_COLUMN = re.compile(r"^q(\d+)/(.+)$")
CHOSEN = {"1": True, "0": False, "1.0": True, "0.0": False, "true": True, "false": False, "": False}
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
        version = self.version = campaign.questionnaire_version
        self.questions = version.by_number()
        self.lists = {n: [o.code for o in choices_of(version, q)] for n, q in self.questions.items()}
        self.zone = local_zone()
        self.areas = _area_lookup()
        self.header = header
        self.problems: list[RowProblem] = []
        self.ids: dict[str, int] = {}

    def check_header(self) -> None:
        for column in self.header:
            if self._known_column(column) or column in OPTIONAL_COLUMNS:
                continue
            if column:
                expected = f"q1..q{max(self.questions)}, {', '.join(OPTIONAL_COLUMNS)}"
                self._add(1, column, f"unknown column; expected {expected}")
        for number, question in self.questions.items():
            given = f"q{number}" in self.header or self._option_columns(number)
            if question.required and not given:
                self._add(1, f"q{number}", "the column is missing")

    def _known_column(self, column: str) -> bool:
        """A question's column, its "other" text, or one of a select_multiple's option columns."""
        match = QUESTION_COLUMN.match(column)
        if match:
            return int(match.group(1)) in self.questions
        match = OTHER_TEXT_COLUMN.match(column)
        if match:
            question = self.questions.get(int(match.group(1)))
            return question is not None and bool(question.or_other)
        match = OPTION_COLUMN.match(column)
        return match is not None and self._option_code(int(match.group(1)), match.group(2)) is not None

    def _option_code(self, number: int, written: str) -> str | None:
        """The code of a select_multiple option as a column heading names it (any case)."""
        question = self.questions.get(number)
        if question is None or question.type != "select_multiple":
            return None
        return next((code for code in self.lists[number] if code.lower() == written.lower()), None)

    def _option_columns(self, number: int) -> list[tuple[str, str]]:
        """The (column, code) pairs of question ``number``'s 0/1 option columns in the file."""
        prefix = f"q{number}/"
        pairs = [
            (c, self._option_code(number, c[len(prefix) :])) for c in self.header if c.startswith(prefix)
        ]
        return [(column, code) for column, code in pairs if code is not None]

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
        others = {
            n: str(cells[f"q{n}_other_text"]).strip() for n in self.questions if cells.get(f"q{n}_other_text")
        }
        return Submission(submission_id, answers, channel, mode, area_id, submitted_at, other_texts=others)

    def _chosen_by_flags(self, row: int, number: int, cells: dict[str, Any]) -> list[str] | None:
        """The codes a row marks 1 in question ``number``'s option columns (None if it has none)."""
        chosen: list[str] = []
        given = False
        for column, code in self._option_columns(number):
            value = cells.get(column)
            if value is None:
                continue
            given = True
            flag = CHOSEN.get(str(value).strip().lower())
            if flag is None:
                self._add(row, column, f"'{value}' is not 1 (chosen) or 0 (not chosen)")
            elif flag:
                chosen.append(code)
        return chosen if given else None

    def _answers(self, row: int, cells: dict[str, Any]) -> dict[int, Any]:
        answers: dict[int, Any] = {}
        for number, question in self.questions.items():
            value = cells.get(f"q{number}")
            if question.type == "select_multiple":
                flagged = self._chosen_by_flags(row, number, cells)
                if value is None and flagged:
                    value = flagged
                elif value is not None and flagged is not None:
                    listed = set(str(value).split())
                    if {code for _, code in self._option_columns(number)} & (listed ^ set(flagged)):
                        self._add(row, f"q{number}", f"'{value}' disagrees with its option columns")
                        continue
            if value is None:
                if question.required and not question.relevant:
                    self._add(row, f"q{number}", "empty, but the question must be answered")
                continue
            if question.type == "scale":
                code = str(value).strip()
                code = code if code in self.lists[number] else code.upper()  # "other" or "a" for A
                if code not in self.lists[number]:
                    offered = ", ".join(self.lists[number])
                    self._add(row, f"q{number}", f"'{value}' is not an option ({offered})")
                    continue
                answers[number] = code
                continue
            try:
                answers[number] = QUESTION_TYPES[question.type].read(  # type: ignore[misc]
                    question, value, self.lists[number]
                )
            except AnswerError as error:
                self._add(row, f"q{number}", str(error))
        self._check_constraints(row, answers)
        return answers

    def _check_constraints(self, row: int, answers: dict[int, Any]) -> None:
        """Each asked question's ``constraint``, as the form checks it; its message if it has one."""
        values = {self.questions[n].name: value for n, value in answers.items()}
        asked = asked_names(self.version, values)
        for number, value in answers.items():
            question = self.questions[number]
            kept = question.name not in asked or holds(compiled(question.constraint), values, value)
            if question.constraint and not kept:
                message = question.constraint_message or f"the answer does not meet {question.constraint}"
                self._add(row, f"q{number}", message)

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


def import_responses(campaign: Campaign, sheet: Sheet, source: str | None = None) -> ImportResult:
    """Check all rows, then store each response once; nothing is stored if a row is bad.

    The import is recorded in the audit log with ``source`` (the file's name) and its counts.
    """
    submissions = check_rows(campaign, sheet)
    result = ImportResult(rows=len(submissions), added=submit_many(campaign, submissions))
    audit.record("responses.import", campaign, file=source, rows=result.rows, added=result.added)
    return result
