"""The statistics table as the report prints it, and the individual responses, for CSV and XLSX.

The table is laid out like the report's 问卷统计表: three rows per question (人数, 占比, 分数) with
one column per option and a 合计 column, then the 合计 rows and the 最终得分 row. The headings
are the report's own Chinese words, since the export goes into the published report. Every
figure is rounded once, half up, from the unrounded table.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
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
    asked) become its cells, one cell per column.

    ``single`` says its answer is one row (every type but select_multiple), so ``cells`` of that
    one row is all it needs; ``code_only`` says its one cell is the code of the option chosen.
    Without an answer every cell of a question is empty.
    """

    columns: list[ResponseColumn]
    cells: Callable[[list[AnswerCells]], list[Any]]
    single: bool = True
    code_only: bool = False


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
        return _QuestionExport(
            columns, lambda rows: [codes.get(rows[0][0]) if rows else None], code_only=True
        )
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

    return _QuestionExport(columns, cells, single=False)


def response_header(campaign: Campaign) -> list[str]:
    """Columns of the individual responses: no personal data, no submission ids."""
    return [column.heading for column in response_columns(campaign)]


def _response_queries(campaign: Campaign, include_excluded: bool) -> tuple[Any, Any]:
    """The counted responses, and the campaign's answers in response order: two plain reads.

    The answers are pivoted into their questions' columns in Python, as the two reads are merged.
    Pivoting in SQL (a ``max(case ...)`` per column, grouped by response) costs the database a
    comparison per answer and column; reading the answers in the order of their index costs one
    step per answer, and no sort. Only the columns some question stores its answer in are read
    (the others are a constant NULL): answers of scale questions alone are read from the index
    ``ix_answer_campaign_response``, without touching the table.
    """
    head = (Response.id, Response.submitted_at, Response.channel, Response.mode, Response.area_id)
    responses = select(*head).where(*counted_responses(campaign, include_excluded)).order_by(Response.id)
    storages = {
        (QUESTION_TYPES[q.type].storage, bool(q.or_other)) for q in campaign.questionnaire_version.questions
    }
    kinds = {storage for storage, _ in storages}
    has_text = any(other for _, other in storages) or bool(
        kinds - {"option", "choices", "number", "date", "none"}
    )
    has_choices = "choices" in kinds
    # Numbers and dates as the driver gives them (a float or a number, ISO text or a date): the
    # cells are made from either, and a million answers skip a Decimal and a date parse each.
    stored = (
        Answer.response_id,
        Answer.question_id,
        Answer.option_id,
        Answer.value_text if has_text else null().label("value_text"),
        type_coerce(Answer.value_number, Float) if "number" in kinds else null().label("value_number"),
        type_coerce(Answer.value_date, String) if "date" in kinds else null().label("value_date"),
        AnswerChoice.option_id if has_choices else null().label("choice"),
    )
    answers = select(*stored)
    if has_choices:
        answers = answers.outerjoin(AnswerChoice, AnswerChoice.answer_id == Answer.id)
    answers = answers.where(Answer.campaign_id == campaign.id).order_by(Answer.response_id)
    return responses, answers


def response_records(campaign: Campaign, include_excluded: bool = False) -> Iterator[list[Any]]:
    """One row of stored values per response (codes, not names), streamed from the database.

    Everything taken from the campaign is read before the first row is produced, so the rows can
    be streamed after the request's session has ended (a web download).
    """
    return _records(campaign, include_excluded, named=False)


def response_rows(campaign: Campaign, include_excluded: bool = False) -> Iterator[list[Any]]:
    """One row per response (header first) as CSV and XLSX show it: channels and modes named."""
    header = response_header(campaign)
    return itertools.chain([header], _records(campaign, include_excluded, named=True))


def _records(campaign: Campaign, include_excluded: bool, named: bool) -> Iterator[list[Any]]:
    version = campaign.questionnaire_version
    codes = {o.id: o.code for o in version.options}
    exports = [(q.id, _question_export(version, q, codes)) for q in version.questions]
    areas = {a.id: (a.code, a.name) for a in db.session.scalars(select(Area))}
    # The head columns a row shows by name (channel, mode), by their place in the row.
    shown = [(i, c.values) for i, c in enumerate(_head_columns()) if c.shown] if named else []
    return _stream_records(_response_queries(campaign, include_excluded), exports, areas, codes, shown)


def _cell_reader(storage: str, codes: dict[int, str]) -> Callable[[Any], Any]:
    if storage == "number":
        return lambda value: float(value) if value is not None else None
    if storage == "date":
        return lambda value: value.isoformat() if hasattr(value, "isoformat") else value
    return lambda value: value


#: How an answer row fills a record: the option's code in one cell, the cells of the row, or
#: (a select_multiple) the cells of all its rows, made when the response's last row is read.
_CODE, _ROW, _ROWS = 0, 1, 2


def _pivot_plan(
    exports: list[tuple[int, _QuestionExport]], first: int
) -> tuple[dict[int, tuple[int, int, int, _QuestionExport]], int]:
    """Each question's place in a record (offset, width), how its answer rows fill it, and the
    record's width (``first`` head columns, then the questions' columns)."""
    plan: dict[int, tuple[int, int, int, _QuestionExport]] = {}
    offset = first
    for question_id, export in exports:
        width = len(export.columns)
        if width:
            kind = _CODE if export.code_only else _ROW if export.single else _ROWS
            plan[question_id] = (offset, width, kind, export)
        offset += width
    return plan, offset


_cursor_names = itertools.count(1)


def _driver_rows(connection: Any, query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a query as the database driver gives them, with no result processing.

    For a million answer rows, the result objects and their per-row steps cost as much as the
    read itself. Only plain columns (numbers, text, NULL) are read this way. On PostgreSQL the
    cursor is a server-side one, so the rows come in batches and memory stays flat.
    """
    compiled = query.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    arguments: Any = (
        tuple(params[name] for name in compiled.positiontup or ()) if compiled.positional else params
    )
    driver = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name=f"export_rows_{next(_cursor_names)}")
        cursor.itersize = BATCH
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(compiled.string, arguments)
        yield from cursor
    finally:
        cursor.close()


def _stream_records(
    queries: tuple[Any, Any],
    exports: list[tuple[int, _QuestionExport]],
    areas: dict[int, tuple[str, str]],
    codes: dict[int, str],
    shown: list[tuple[int, dict[str, str]]],
) -> Iterator[list[Any]]:
    """Merge the two ordered reads in one pass over the answers: a response without answers is
    left out, as is an answer of a response that is not counted.

    Each record is made empty at its full width, and each answer row puts its cells in place.
    """
    connection = db.session.connection()
    # Streamed in batches: an option of this statement only. Set on the connection, it would
    # stay for the rest of the transaction, and on PostgreSQL every later statement (a
    # SAVEPOINT too) would be sent as a server-side cursor, which aborts the transaction.
    responses = iter(connection.execute(queries[0], execution_options={"yield_per": BATCH}))
    answers = _driver_rows(connection, queries[1])
    plan, width = _pivot_plan(exports, len(_head_columns()))
    blank = [None] * (width - len(_head_columns()))
    zone = local_zone()
    head = next(responses, None)
    record: list[Any] | None = None
    gathered: dict[int, list[AnswerCells]] = {}  # a select_multiple's rows, by question
    current, sequence = None, 0
    for row in answers:
        response_id = row[0]
        if response_id != current:
            if record is not None:
                yield _finished(record, gathered, plan, shown)
                record = None
            current = response_id
            while head is not None and head[0] < response_id:
                head = next(responses, None)
            if head is None:
                break
            if head[0] == response_id:
                sequence += 1
                area_code, area_name = areas.get(head[4], (None, None))
                record = [sequence, local_time(head[1], zone), head[2], head[3], area_code, area_name, *blank]
                head = next(responses, None)
        if record is None:
            continue
        place = plan.get(row[1])
        if place is None:
            continue
        offset, size, kind, export = place
        if kind == _CODE:
            record[offset] = codes.get(row[2])
        elif kind == _ROW:
            record[offset : offset + size] = export.cells([row[2:]])
        else:
            gathered.setdefault(row[1], []).append(row[2:])
    if record is not None:
        yield _finished(record, gathered, plan, shown)


def _finished(
    record: list[Any],
    gathered: dict[int, list[AnswerCells]],
    plan: dict[int, tuple[int, int, int, _QuestionExport]],
    shown: list[tuple[int, dict[str, str]]],
) -> list[Any]:
    """The record with its select_multiple cells made and its shown head columns named."""
    if gathered:
        for question_id, rows in gathered.items():
            offset, size, _kind, export = plan[question_id]
            record[offset : offset + size] = export.cells(rows)
        gathered.clear()
    for index, values in shown:
        if record[index] is not None:
            record[index] = values.get(record[index], record[index])
    return record
