"""The statistics table as the report prints it, and the individual responses, for CSV and XLSX.

The table is laid out like the report's 问卷统计表: three rows per question (人数, 占比, 分数) with
one column per option and a 合计 column, then the 合计 rows and the 最终得分 row. The headings
are the report's own Chinese words, since the export goes into the published report. Every
figure is rounded once, half up, from the unrounded table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Float, String, null, select, type_coerce

from analysis.rounding import half_up_float
from surveyapp import labels
from surveyapp.extensions import db
from surveyapp.i18n import local_zone
from surveyapp.models import Answer, AnswerChoice, Area, Campaign, Response
from surveyapp.questionnaires.question_types import QUESTION_TYPES
from surveyapp.scoring.report import CampaignReport
from surveyapp.scoring.services import counted_responses
from surveyapp.survey.forms import OTHER, choices_of

#: Rows read from the database at a time when streaming responses.
BATCH = 5000


def local_time(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """A UTC time as a naive local time (spreadsheets know no time zones)."""
    return moment.astimezone(zone or local_zone()).replace(tzinfo=None, microsecond=0)


def _fraction(percent: float | None) -> float | None:
    """A percent on 0..100, rounded to 2 decimals, as a spreadsheet fraction (82.93 -> 0.8293)."""
    rounded = half_up_float(percent)
    return None if rounded is None else round(rounded / 100, 6)


def provenance_rows(report: CampaignReport) -> list[list[Any]]:
    """Which campaign, questionnaire version, weight scheme and time produced the table."""
    version = report.campaign.questionnaire_version
    weights = "、".join(f"{code} {float(w) * 100:g}%" for code, w in report.scheme.weights.items())
    return [
        ["调查批次", report.campaign.name, report.campaign.slug],
        ["问卷", version.title, f"{version.key} 第{version.version}版"],
        ["权重方案", report.scheme.name, f"{report.scheme.key}：{weights}"],
        ["有效问卷", report.table.respondents, ""],
        ["剔除答卷", report.excluded, "已计入" if report.include_excluded else "未计入"],
        ["导出时间", local_time(report.generated_at), str(local_zone())],
    ]


def _header(totals: Any, width: int) -> list[str]:
    labels = [f"{code}（{label}）" for code, label in totals[["code", "label"]].itertuples(index=False)]
    return ["问卷题目及选项", "项目", *labels, *([""] * (width - len(labels))), "合计人数"]


def _option_columns(report: CampaignReport) -> int:
    return max(len(totals) for _, _, totals in report.table.sections())


def _block(title: str, options: Any, respondents: int, score: float | None, width: int) -> list[list[Any]]:
    """The three rows 人数, 占比, 分数 of one question or of the totals."""
    pad = [""] * (width - len(options))
    counts = [int(c) for c in options["count"]]
    percents = [_fraction(p) for p in options["percent"]]
    points = [half_up_float(p) for p in options["points"]]
    whole = 1.0 if respondents else None
    return [
        [title, "人数", *counts, *pad, respondents],
        ["", "占比", *percents, *pad, whole],
        ["", "分数", *points, *pad, half_up_float(score)],
    ]


def table_rows(report: CampaignReport) -> list[list[Any]]:
    """The report's table, row by row, header first (percents as fractions of 1).

    Questions scored on lists of their own come in sections, each opened by its own header row
    (its options) and closed by its own 合计 rows; the 最终得分 row ends the table.
    """
    table = report.table
    width = _option_columns(report)
    by_question = dict(tuple(table.options.groupby("question", sort=False)))
    questions = {int(q.number): q for q in table.questions.itertuples(index=False)}
    rows: list[list[Any]] = []
    for _name, numbers, totals in table.sections():
        rows.append(_header(totals, width))
        for number in numbers:
            question = questions[number]
            title = f"{question.number}.{question.text}"
            rows += _block(title, by_question[number], int(question.respondents), question.score, width)
        counted = int(totals.loc[totals["counted"], "count"].sum())
        rows += _block("合计", totals, counted, table.section_score(numbers), width)
    rows.append(["最终得分", "", *([""] * width), half_up_float(table.score)])
    return rows


@dataclass(frozen=True)
class ResponseColumn:
    """One column of the individual responses, for every format (CSV, XLSX, SPSS, Stata).

    ``values`` maps each stored code to its text (value labels); ``shown`` says the CSV and XLSX
    show that text rather than the code (channels and modes; answers keep their option codes).
    """

    heading: str  #: the column heading in CSV and XLSX, in the user's language
    name: str  #: the variable name for SPSS, Stata and R (ASCII)
    label: str  #: the variable label: the question's text, or the heading
    values: dict[str, str] = field(default_factory=dict)
    shown: bool = False


def _head_column(heading: str, name: str, values: dict[str, str] | None = None) -> ResponseColumn:
    return ResponseColumn(heading, name, heading, values or {}, shown=values is not None)


def response_columns(campaign: Campaign) -> list[ResponseColumn]:
    """The columns of the individual responses, with variable and value labels."""
    version = campaign.questionnaire_version
    return [
        *_head_columns(),
        *(column for q in version.questions for column in _question_export(version, q, {}).columns),
    ]


def _head_columns() -> list[ResponseColumn]:
    return [
        _head_column(_("Row no."), "seq"),
        _head_column(_("Submitted at"), "submitted"),
        _head_column(_("Channel"), "channel", {c: str(n) for c, n in labels.CHANNELS.items()}),
        _head_column(_("Mode"), "mode", {c: str(n) for c, n in labels.MODES.items()}),
        _head_column(_("Area code"), "area_code"),
        _head_column(_("Area"), "area"),
    ]


#: One stored answer as the export reads it: option, text, number, date, and the option of one
#: of its choices (a select_multiple answer gives one such row per option chosen).
AnswerCells = tuple[Any, Any, Any, Any, Any]
_STORED = {"option": 0, "text": 1, "number": 2, "date": 3}


@dataclass(frozen=True)
class _QuestionExport:
    """How one question is exported: its columns, and how its answer rows (none when it was not
    asked) become its cells, one cell per column."""

    columns: list[ResponseColumn]
    cells: Callable[[list[AnswerCells]], list[Any]]


def _question_export(version: Any, question: Any, codes: dict[int, str]) -> _QuestionExport:
    """A question's columns by where its type stores the answer (see the type registry).

    A scale or select_one question is one column of option codes (``other`` for the "other"
    option); a select_multiple question is its codes joined by spaces, then one 0/1 column per
    option (``q17/slow``, as KoboToolbox exports it; empty when the question was not asked); a
    question with "other" adds the text given (``q17_other_text``).
    """
    storage = QUESTION_TYPES[question.type].storage
    number = f"q{question.number}"
    if storage == "none":
        return _QuestionExport([], lambda rows: [])
    if storage == "option":
        return _option_export(version, question, codes)
    if storage == "choices":
        return _choices_export(version, question)
    index = _STORED.get(storage, _STORED["text"])
    read = _cell_reader(storage, codes)
    return _QuestionExport(
        [ResponseColumn(number, number, question.text)],
        lambda rows: [read(rows[0][index]) if rows else None],
    )


def _other_column(question: Any) -> ResponseColumn:
    name = f"q{question.number}_other_text"
    return ResponseColumn(name, name, f"{question.text} {_('Other: please say what')}")


def _option_export(version: Any, question: Any, codes: dict[int, str]) -> _QuestionExport:
    offered = choices_of(version, question)
    values = {o.code: o.label for o in offered}
    number = f"q{question.number}"
    columns = [ResponseColumn(number, number, question.text, values)]
    if not question.or_other:
        return _QuestionExport(columns, lambda rows: [codes.get(rows[0][0]) if rows else None])
    columns.append(_other_column(question))

    def cells(rows: list[AnswerCells]) -> list[Any]:
        if not rows:
            return [None, None]
        option, text = rows[0][0], rows[0][1]
        code = codes.get(option) if option is not None else (OTHER if text is not None else None)
        return [code, text]

    return _QuestionExport(columns, cells)


def _choices_export(version: Any, question: Any) -> _QuestionExport:
    listed = list(version.choice_list(question.list_name or version.scale_list))
    synthetic_other = question.or_other and not any(o.code == OTHER for o in listed)
    number = f"q{question.number}"
    columns = [ResponseColumn(number, number, question.text)]
    for option in listed:
        columns.append(
            ResponseColumn(
                f"{number}/{option.code}", f"{number}_{option.code}", f"{question.text} {option.label}"
            )
        )
    if synthetic_other:
        columns.append(
            ResponseColumn(f"{number}/{OTHER}", f"{number}_{OTHER}", f"{question.text} {_('Other')}")
        )
    if question.or_other:
        columns.append(_other_column(question))

    def cells(rows: list[AnswerCells]) -> list[Any]:
        if not rows:
            return [None] * len(columns)
        picked = {row[4] for row in rows}
        flags = [int(option.id in picked) for option in listed]
        text = rows[0][1] if question.or_other else None
        chosen = [option.code for option in listed if option.id in picked]
        other_flags: list[Any] = []
        if synthetic_other:
            other_flags = [int(text is not None)]
            chosen += [OTHER] if text is not None else []
        return [" ".join(chosen), *flags, *other_flags, *([text] if question.or_other else [])]

    return _QuestionExport(columns, cells)


def response_header(campaign: Campaign) -> list[str]:
    """Columns of the individual responses: no personal data, no submission ids."""
    return [column.heading for column in response_columns(campaign)]


def _response_queries(campaign: Campaign, include_excluded: bool) -> tuple[Any, Any]:
    """The counted responses, and the campaign's answers in response order: two plain reads.

    The answers are pivoted into their questions' columns in Python, as the two reads are merged.
    Pivoting in SQL (a ``max(case ...)`` per column, grouped by response) costs the database a
    comparison per answer and column; reading the answers in the order of their index costs one
    step per answer, and no sort.
    """
    head = (Response.id, Response.submitted_at, Response.channel, Response.mode, Response.area_id)
    responses = select(*head).where(*counted_responses(campaign, include_excluded)).order_by(Response.id)
    stored = (Answer.response_id, Answer.question_id, Answer.option_id, Answer.value_text)
    version = campaign.questionnaire_version
    has_choices = any(QUESTION_TYPES[q.type].storage == "choices" for q in version.questions)
    choice = AnswerChoice.option_id if has_choices else null()
    # Numbers and dates as the driver gives them (a float or a number, ISO text or a date): the
    # cells are made from either, and a million answers skip a Decimal and a date parse each.
    number, day = type_coerce(Answer.value_number, Float), type_coerce(Answer.value_date, String)
    answers = select(*stored, number, day, choice)
    if has_choices:
        answers = answers.outerjoin(AnswerChoice, AnswerChoice.answer_id == Answer.id)
    answers = answers.where(Answer.campaign_id == campaign.id).order_by(Answer.response_id)
    return responses, answers


def response_records(campaign: Campaign, include_excluded: bool = False) -> Iterator[list[Any]]:
    """One row of stored values per response (codes, not names), streamed from the database.

    Everything taken from the campaign is read before the first row is produced, so the rows can
    be streamed after the request's session has ended (a web download).
    """
    version = campaign.questionnaire_version
    codes = {o.id: o.code for o in version.options}
    exports = [(q.id, _question_export(version, q, codes)) for q in version.questions]
    areas = {a.id: (a.code, a.name) for a in db.session.scalars(select(Area))}
    return _stream_records(_response_queries(campaign, include_excluded), exports, areas)


def response_rows(campaign: Campaign, include_excluded: bool = False) -> Iterator[list[Any]]:
    """One row per response (header first) as CSV and XLSX show it: channels and modes named."""
    columns = response_columns(campaign)
    return _shown_rows(columns, response_records(campaign, include_excluded))


def _shown_rows(columns: list[ResponseColumn], records: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield [column.heading for column in columns]
    named = [(i, c.values) for i, c in enumerate(columns) if c.shown]
    for record in records:
        for index, values in named:
            if record[index] is not None:
                record[index] = values.get(record[index], record[index])
        yield record


def _cell_reader(storage: str, codes: dict[int, str]) -> Callable[[Any], Any]:
    if storage == "number":
        return lambda value: float(value) if value is not None else None
    if storage == "date":
        return lambda value: value.isoformat() if hasattr(value, "isoformat") else value
    return lambda value: value


def _answers_by_response(rows: Iterator[Any]) -> Iterator[tuple[int, dict[int, list[AnswerCells]]]]:
    """Each response's answers by question, from answer rows in response order."""
    for response_id, group in groupby(rows, key=itemgetter(0)):
        answers: dict[int, list[AnswerCells]] = {}
        for row in group:
            answers.setdefault(row[1], []).append(row[2:])
        yield response_id, answers


def _stream_records(
    queries: tuple[Any, Any],
    exports: list[tuple[int, _QuestionExport]],
    areas: dict[int, tuple[str, str]],
) -> Iterator[list[Any]]:
    """Merge the two ordered reads: a response without answers is left out, as is an answer of
    a response that is not counted."""
    connection = db.session.connection().execution_options(yield_per=BATCH)
    responses = connection.execute(queries[0])
    answered = _answers_by_response(iter(connection.execute(queries[1])))
    zone = local_zone()
    none: list[AnswerCells] = []
    next_id, answers = next(answered, (None, {}))
    sequence = 0
    for response_id, submitted, channel, mode, area_id in responses:
        while next_id is not None and next_id < response_id:
            next_id, answers = next(answered, (None, {}))
        if next_id != response_id:
            continue
        sequence += 1
        area_code, area_name = areas.get(area_id, (None, None))
        record = [sequence, local_time(submitted, zone), channel, mode, area_code, area_name]
        for question_id, export in exports:
            record += export.cells(answers.get(question_id, none))
        yield record
