"""The statistics table by county, channel, week, interviewer, mode, township or village.

Each breakdown is one ``GROUP BY`` of the answers joined to their responses, by the group column,
question and option; pandas sees only that aggregate. Areas are mapped to their county and days
to their ISO week after counting, on a few hundred rows. A page that finds nothing kept counts
every breakdown by a column of the response in one pass instead (:func:`_one_pass`); what it
keeps is then brought up to date by each breakdown's own query over the new responses only.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, case, cast, func, literal, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

import analysis.breakdown
import analysis.rounding
import analysis.scoring
import analysis.survey_inputs
from analysis.breakdown import statistics_by
from analysis.scoring import statistics_table
from surveyapp.areas.services import ordered_areas
from surveyapp.extensions import db
from surveyapp.i18n import local_zone
from surveyapp.models import Answer, Area, Campaign, Response, User
from surveyapp.questionnaires.texts import current_language, text_of
from surveyapp.scoring.certainty import HISTOGRAM, histogram_of, maps_key, scoring_maps
from surveyapp.scoring.kept import (
    FORM_SECONDS,
    SAME_ANSWER,
    content_key,
    kept_by_content,
    once_per_reading,
    pinned_reading,
    pure_result,
)
from surveyapp.scoring.services import campaign_weights, counted_rows, questions_frame, scale_frame


class GroupFigures(NamedTuple):
    """What a breakdown shows of one group's statistics table."""

    respondents: int
    score: float
    satisfaction_rate: float

    @classmethod
    def of(cls, table: Any) -> GroupFigures:
        """The figures of a statistics table."""
        return cls(int(table.respondents), float(table.score), float(table.satisfaction_rate))


def _source_digest(*modules: Any) -> str:
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


#: Kept group figures carry the scoring code they were computed with: a new release that scores
#: differently never reads figures of the old one.
SCORING_DIGEST = _source_digest(
    analysis.scoring, analysis.survey_inputs, analysis.breakdown, analysis.rounding
)

BREAKDOWNS = ("area", "channel", "week", "interviewer", "mode", "township", "village")
#: The group of responses without a known area.
UNKNOWN_AREA = "unknown"
#: The group of responses that did not answer (or were not asked) a profile question.
NOT_ANSWERED = "unanswered"


def _local_day(column: Any) -> ColumnElement[Any]:
    """The calendar day of a UTC timestamp in the configured time zone, as SQL."""
    zone = local_zone()
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(zone.key, column))
    # SQLite has no time zones: shift by the zone's offset now (China keeps one offset all year).
    offset = zone.utcoffset(datetime.now())
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return func.date(column, f"{minutes:+d} minutes")


#: A breakdown by a profile question (a select_one) is named ``question:<its name>``.
PROFILE_PREFIX = "question:"


def profile_breakdowns(campaign: Campaign) -> list[str]:
    """The profile questions a campaign's score can be broken down by (gender, age group, ...)."""
    return [
        PROFILE_PREFIX + q.name for q in campaign.questionnaire_version.questions if q.type == "select_one"
    ]


#: The answer to the profile question a breakdown groups by, joined beside the counted answers.
PROFILE_ANSWER = aliased(Answer, name="profile_answer")


def _with_profile(query: Any, campaign: Campaign, by: str) -> Any:
    """The query with each response's answer to the profile question joined (None if none)."""
    if not by.startswith(PROFILE_PREFIX):
        return query
    question = _profile_question(campaign, by)
    return query.outerjoin(
        PROFILE_ANSWER,
        (PROFILE_ANSWER.response_id == Response.id) & (PROFILE_ANSWER.question_id == question.id),
    )


def _profile_question(campaign: Campaign | None, by: str) -> Any:
    name = by[len(PROFILE_PREFIX) :]
    version = campaign.questionnaire_version if campaign is not None else None
    found = [q for q in (version.questions if version else []) if q.name == name and q.type == "select_one"]
    if not found:
        raise ValueError(f"no profile question {name!r}")
    return found[0]


#: The column of the response each breakdown by one groups by (several share one), by name.
RESPONSE_GROUPS = {
    "area": "area",
    "channel": "channel",
    "week": "day",
    # Field work: who entered it, how the answers were given, where the respondent lives.
    "interviewer": "interviewer",
    "mode": "mode",
    "township": "area",
    "village": "area",
}


def _response_group(name: str) -> ColumnElement[Any]:
    columns: dict[str, Any] = {
        "area": Response.area_id,
        "channel": Response.channel,
        "day": _local_day(Response.submitted_at),
        "interviewer": Response.entered_by_id,
        "mode": Response.mode,
    }
    return columns[name]


def _group_column(by: str, campaign: Campaign | None = None) -> ColumnElement[Any]:
    if by.startswith(PROFILE_PREFIX):
        return PROFILE_ANSWER.option_id.label("grp")
    if by not in RESPONSE_GROUPS:
        raise ValueError(f"cannot break down by {by!r}; choose one of {', '.join(BREAKDOWNS)}")
    return _response_group(RESPONSE_GROUPS[by]).label("grp")


#: How many responses' rows :func:`_one_pass` reads at a time.
_PASS_ROWS = 50_000


class _Patterns(NamedTuple):
    """Each answer of a response as a digit of a few integers (see :func:`_one_pass`)."""

    base: int  # 2 + the version's options: 0 unanswered, 1 answered without an option, 2.. an option
    questions: list[int]  # question ids, in digit order
    options: list[int | None]  # what each digit means: None for 1, an option id from 2 on
    per_column: int  # questions per integer


def _patterns(campaign: Campaign) -> _Patterns:
    version = campaign.questionnaire_version
    options: list[int | None] = [None, None, *sorted(o.id for o in version.options)]
    base = len(options)
    per_column = max(1, int(62 / math.log2(base)))
    while base**per_column >= 2**62:  # the float above may round up
        per_column -= 1
    return _Patterns(base, [q.id for q in version.questions], options, per_column)


def _one_run(ids: list[int]) -> bool:
    """Whether sorted ids follow one another with no gap (as a version's options are stored)."""
    return bool(ids) and ids[-1] - ids[0] == len(ids) - 1


def _pattern_columns(patterns: _Patterns) -> list[Any]:
    """Per response, one sum per group of questions: each answer's digit at its question's place."""
    ids = [option for option in patterns.options if option is not None]  # in order, digits 2..
    if _one_run(ids):  # the digit is the id less the first id, plus 2
        digit = case(
            (Answer.option_id.between(ids[0], ids[-1]), Answer.option_id - (ids[0] - 2)),
            (Answer.option_id.is_(None), literal(1)),
        )
    else:
        digit = case(
            (Answer.option_id.is_(None), literal(1)),
            else_=case({o: literal(d) for d, o in enumerate(ids, start=2)}, value=Answer.option_id),
        )
    columns = []
    for start in range(0, len(patterns.questions), patterns.per_column):
        chunk = patterns.questions[start : start + patterns.per_column]
        place = case(
            {q: literal(patterns.base**i, BigInteger) for i, q in enumerate(chunk)}, value=Answer.question_id
        )
        columns.append(func.coalesce(cast(func.sum(digit * place), BigInteger), 0))
    return columns


class OnePass(NamedTuple):
    """What :func:`_one_pass` counted over the responses that have answers."""

    #: per group column: (group, question id, option id, answers)
    answers: dict[str, list[tuple[Any, ...]]]
    #: per group column: (group, responses)
    respondents: dict[str, list[tuple[Any, ...]]]
    #: whether it read every response of the campaign (a response without answers it cannot see)
    complete: bool


def _one_pass(campaign: Campaign) -> OnePass | None:
    """Every breakdown by a column of the response counted in one pass over the campaign's answers.

    Each response's answers become a few integers in SQL, one digit per question (which option,
    if any), summed over its answers in the order of ``ix_answer_campaign_response`` with no sort;
    each response's row (its group in every breakdown and its digits) is then read, a part at a
    time, and counted here per breakdown, question and option, and per breakdown. The result is
    the very rows each breakdown's own queries give (the same group expressions, every answer
    counted), for one read of the answers instead of a join and a sort of every answer per
    breakdown. The respondents' sums for the intervals are counted from the same digits and kept
    for the block (see ``surveyapp.scoring.certainty.respondent_sums``). None if a response holds
    an answer the questionnaire version does not know (the queries count it then).
    """
    totals = _Totals(_patterns(campaign), scoring_maps(campaign), sorted(set(RESPONSE_GROUPS.values())))
    per_response = (
        select(Answer.response_id.label("response_id"), func.count().label("answers"))
        .add_columns(*_pattern_columns(totals.patterns))
        .where(Answer.campaign_id == campaign.id)
        .group_by(Answer.response_id)
        .subquery()
    )
    statement = select(
        *(_response_group(name) for name in totals.names), Response.form_seconds, *per_response.c
    ).join_from(per_response, Response, Response.id == per_response.c.response_id)
    for part in _parts(statement):
        if not totals.add(part):
            return None  # an answer to a question or with an option of another version
    questions = len(totals.patterns.questions)
    at = pinned_reading(campaign)
    complete = at is not None and at[0] == totals.read
    once_per_reading(campaign, (HISTOGRAM, maps_key(totals.maps)), lambda: totals.histogram_rows)
    once_per_reading(campaign, (SAME_ANSWER, questions), lambda: [(i,) for i in sorted(totals.alike)])
    if complete:  # the too-fast check reads every response, with answers or not
        once_per_reading(campaign, FORM_SECONDS, totals.form_seconds)
    return totals.result(complete)


class _Totals:
    """What :func:`_one_pass` has counted so far, part by part of the responses' rows: each row the
    response's groups (``names``), its form-open seconds, id, number of answers and digits."""

    def __init__(self, patterns: _Patterns, maps: Any, names: list[str]) -> None:
        self.patterns, self.maps, self.names = patterns, maps, names
        self.groups: dict[str, dict[Any, int]] = {name: {} for name in names}
        self.counts = {name: np.zeros(0, dtype=np.int64) for name in names}
        self.people = {name: np.zeros(0, dtype=np.int64) for name in names}
        self.histogram: dict[tuple[int, int, int], int] = {}
        self.alike: list[int] = []
        self.ids: list[Any] = []
        self.seconds: list[Any] = []
        self.read = 0

    def add(self, part: Sequence[Any]) -> bool:
        """Count one part; False if a response holds an answer the version does not know."""
        columns = list(zip(*part, strict=True))
        width = len(self.names)
        seconds, ids, answers = columns[width : width + 3]
        given = np.asarray(answers, dtype=np.int64)
        states = _states(self.patterns, columns[width + 3 :], len(part))
        if not np.array_equal((states > 0).sum(axis=1), given):
            return False
        self.read += len(part)
        self.alike.extend(_all_alike(ids, given, states))
        self.ids.append(np.asarray(ids, dtype=np.int64))
        self.seconds.append(np.asarray([-1 if v is None else v for v in seconds], dtype=np.int64))
        for triple, n in histogram_of(
            self.maps, self.patterns.questions, self.patterns.options, states
        ).items():
            self.histogram[triple] = self.histogram.get(triple, 0) + n
        questions, size = len(self.patterns.questions), len(self.patterns.options)
        for name, values in zip(self.names, columns[:width], strict=True):
            codes = _codes(values, self.groups[name])
            keys = (codes[:, None] * questions + np.arange(questions)) * size + states
            self.counts[name] = _added(self.counts[name], np.bincount(keys.ravel()))
            self.people[name] = _added(self.people[name], np.bincount(codes))
        return True

    @property
    def histogram_rows(self) -> list[tuple[int, ...]]:
        """The respondents' sums as the intervals' query gives them."""
        return [(*triple, n) for triple, n in self.histogram.items()]

    def form_seconds(self) -> tuple[Any, Any]:
        """Every response's id and form-open seconds (-1 for none)."""
        return _joined(self.ids), _joined(self.seconds)

    def result(self, complete: bool) -> OnePass:
        """The counts per group, as each breakdown's queries give them."""
        return OnePass(
            answers={name: _rows(self.patterns, self.groups[name], self.counts[name]) for name in self.names},
            respondents={
                name: [(value, int(self.people[name][code])) for value, code in self.groups[name].items()]
                for name in self.names
            },
            complete=complete,
        )


def _parts(statement: Any) -> Iterator[Sequence[Any]]:
    """The statement's rows, :data:`_PASS_ROWS` at a time, as the database driver gives them.

    Only for columns the driver gives as they are (numbers, text, the day as SQL gives it): the
    rows skip SQLAlchemy's building of a row object each, a second for a million rows.
    """
    result = db.session.connection().execute(statement)
    try:
        while rows := result.cursor.fetchmany(_PASS_ROWS):
            yield rows
    finally:
        result.close()


def _joined(parts: list[Any]) -> Any:
    """Arrays of whole numbers one after another (none: an empty one)."""
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _all_alike(ids: Sequence[Any], answers: Any, states: Any) -> list[int]:
    """The responses that answered every question, all with the same option (``count(*)`` equal to
    the questions and one distinct option id, as ``surveyapp.quality.services`` asks SQL)."""
    chosen = states >= 2
    lowest = np.where(chosen, states, np.iinfo(np.int64).max).min(axis=1)
    highest = np.where(chosen, states, -1).max(axis=1)
    alike = (answers == states.shape[1]) & (highest >= 2) & (lowest == highest)
    return [int(ids[int(i)]) for i in np.flatnonzero(alike)]


def _added(total: Any, more: Any) -> Any:
    """Two arrays of counts added, the shorter one padded with zeros."""
    length = max(len(total), len(more))
    return np.pad(total, (0, length - len(total))) + np.pad(more, (0, length - len(more)))


def _codes(values: tuple[Any, ...], known: dict[Any, int]) -> Any:
    """Each value's number in ``known`` (new values numbered on), None included, as an array."""
    local, uniques = pd.factorize(np.asarray(values, dtype=object))
    numbers = [known.setdefault(value, len(known)) for value in uniques]
    if (local < 0).any():  # None
        numbers.append(known.setdefault(None, len(known)))
    return np.asarray(numbers, dtype=np.int64)[local]


def _states(patterns: _Patterns, columns: list[tuple[Any, ...]], rows: int) -> Any:
    """The digit of every question of every response: a rows x questions array."""
    states = np.zeros((rows, len(patterns.questions)), dtype=np.int64)
    for index, column in enumerate(columns):
        values = np.asarray(column, dtype=np.int64)
        first = index * patterns.per_column
        for place in range(min(patterns.per_column, len(patterns.questions) - first)):
            states[:, first + place] = values % patterns.base
            values = values // patterns.base
    return states


def _rows(patterns: _Patterns, groups: dict[Any, int], counts: Any) -> list[tuple[Any, ...]]:
    """(group, question id, option id, count) for every count above 0."""
    size, questions = len(patterns.options), len(patterns.questions)
    values = list(groups)
    rows = []
    for key in np.flatnonzero(counts):
        group, rest = divmod(int(key), questions * size)
        question, state = divmod(rest, size)
        if state:  # 0: not answered
            rows.append(
                (values[group], patterns.questions[question], patterns.options[state], int(counts[key]))
            )
    return rows


def _counties() -> dict[int, str]:
    """Each area's county (or the area itself above county level), by area id."""
    areas = {a.id: a for a in db.session.scalars(select(Area))}
    result = {}
    for area_id, area in areas.items():
        current: Area | None = area
        while current is not None and current.level not in ("county", "city"):
            current = areas.get(current.parent_id) if current.parent_id is not None else None
        result[area_id] = (current or area).name
    return result


def _at_level(level: str) -> dict[int, str]:
    """Each area's township or village (itself or an area above it), by area id; areas above have none."""
    areas = {a.id: a for a in db.session.scalars(select(Area))}
    result = {}
    for area_id, area in areas.items():
        current: Area | None = area
        while current is not None and current.level != level:
            current = areas.get(current.parent_id) if current.parent_id is not None else None
        if current is not None:
            # Two villages of the same name in different townships stay apart.
            parent = areas.get(current.parent_id) if current.parent_id is not None else None
            result[area_id] = (
                f"{parent.name} {current.name}" if level == "village" and parent else current.name
            )
    return result


def _interviewers() -> dict[int, str]:
    return {u.id: u.display_name or u.username for u in db.session.scalars(select(User))}


def _iso_week(day: Any) -> str:
    value = day if isinstance(day, date) else date.fromisoformat(str(day))
    year, week, _ = value.isocalendar()
    return f"{year}-W{week:02d}"


def _labeller(by: str, campaign: Campaign | None = None) -> Any:
    if by.startswith(PROFILE_PREFIX):
        version = campaign.questionnaire_version  # type: ignore[union-attr]
        question = _profile_question(campaign, by)
        language = current_language()
        labels = {
            o.id: text_of(o, "label", language, version.language) or o.code
            for o in version.choice_list(question.list_name)
        }
        return lambda value: labels.get(value, NOT_ANSWERED)
    if by == "area":
        counties = _counties()
        return lambda value: UNKNOWN_AREA if value is None else counties.get(value, UNKNOWN_AREA)
    if by in ("township", "village"):
        places = _at_level(by)
        return lambda value: UNKNOWN_AREA if value is None else places.get(value, UNKNOWN_AREA)
    if by == "interviewer":
        names = _interviewers()
        return lambda value: UNKNOWN_AREA if value is None else names.get(value, str(value))
    if by == "week":
        return _iso_week
    if by == "mode":
        return lambda value: UNKNOWN_AREA if value is None else str(value)
    return str


def counts_statement(campaign: Campaign, by: str, conditions: list[Any]) -> Any:
    """A breakdown's own query: answers per group, question and option id, over ``conditions``."""
    group = _group_column(by, campaign)
    query = (
        select(group, Answer.question_id, Answer.option_id, func.count())
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
    )
    return (
        _with_profile(query, campaign, by)
        .where(*conditions)
        .group_by(group, Answer.question_id, Answer.option_id)
    )


def grouped_counts(campaign: Campaign, by: str, include_excluded: bool = False) -> pd.DataFrame:
    """Answers per group, question number and option code: ``by``, ``question``, ``code``, ``count``."""

    def counts(conditions: list[Any]) -> Any:
        return counts_statement(campaign, by, conditions)

    def fresh() -> list[tuple[Any, ...]] | None:
        if by not in RESPONSE_GROUPS:
            return None
        passed = once_per_reading(campaign, "breakdowns", lambda: _one_pass(campaign))
        return None if passed is None else passed.answers[RESPONSE_GROUPS[by]]

    rows = counted_rows(campaign, counts, include_excluded=include_excluded, fresh=fresh)
    version = campaign.questionnaire_version
    numbers = {q.id: q.number for q in version.scored_questions}
    codes = {o.id: o.code for o in version.scored_options}
    label = _labeller(by, campaign)
    return pd.DataFrame(
        [(label(g), numbers[q], codes[o], int(n)) for g, q, o, n in rows if q in numbers and o in codes],
        columns=[by, "question", "code", "count"],
    )


def grouped_respondents(campaign: Campaign, by: str, include_excluded: bool = False) -> pd.Series:
    """Responses per group, indexed by group label."""
    group = _group_column(by, campaign)
    query = _with_profile(select(group, func.count()).select_from(Response), campaign, by)

    def counts(conditions: list[Any]) -> Any:
        return query.where(*conditions).group_by(group)

    def fresh() -> list[tuple[Any, ...]] | None:
        if by not in RESPONSE_GROUPS:
            return None
        passed = once_per_reading(campaign, "breakdowns", lambda: _one_pass(campaign))
        if passed is None or not passed.complete:
            return None  # a response without answers, which the pass does not see
        return passed.respondents[RESPONSE_GROUPS[by]]

    rows = counted_rows(campaign, counts, include_excluded=include_excluded, over="responses", fresh=fresh)
    label = _labeller(by, campaign)
    frame = pd.DataFrame([(label(g), int(n)) for g, n in rows], columns=[by, "respondents"])
    return frame.groupby(by)["respondents"].sum().astype("int64")


def campaign_breakdown(campaign: Campaign, by: str, include_excluded: bool = False) -> pd.DataFrame:
    """Score and satisfaction rate per group: ``by``, ``respondents``, ``score``, ``satisfaction_rate``."""
    version = campaign.questionnaire_version
    respondents = grouped_respondents(campaign, by, include_excluded)
    if respondents.empty:
        return pd.DataFrame(columns=[by, "respondents", "score", "satisfaction_rate"])
    counts = grouped_counts(campaign, by, include_excluded)
    scale = scale_frame(version, campaign_weights(campaign))
    questions = questions_frame(version)
    # Scoring a few hundred counts per group costs more than reading them once they are kept:
    # the scored frame is kept too, under the exact content it is computed from.
    # Each group's figures are kept too (in the database as well, for other workers), so after a
    # new response only its own group is scored again.
    scale_key, questions_key = content_key(scale), content_key(questions)

    def group_table(part: pd.DataFrame, *args: Any) -> GroupFigures:
        if part.empty:
            return GroupFigures.of(statistics_table(part, *args))
        group = part[by].iloc[0]
        content = (SCORING_DIGEST, content_key(part[["question", "code", "count"]]), scale_key, questions_key)
        identity = ("breakdown", by, repr(group), include_excluded)
        figures = kept_by_content(
            campaign.id,
            identity,
            (*content, args[2:]),
            lambda: list(GroupFigures.of(statistics_table(part, *args))),
        )
        return GroupFigures(int(figures[0]), float(figures[1]), float(figures[2]))

    inputs = (by, content_key(counts), content_key(respondents.reset_index()), scale_key)
    frame = pure_result(
        ("breakdown", *inputs, questions_key),
        lambda: statistics_by(counts, scale, questions, by=by, respondents=respondents, table=group_table),
    )
    return in_tree_order(frame) if by == "area" else frame


def in_tree_order(frame: pd.DataFrame) -> pd.DataFrame:
    """County rows in the area tree's order (as the areas page lists them), unknown areas last."""
    rank: dict[str, int] = {}
    for position, (area, _depth) in enumerate(ordered_areas()):
        rank.setdefault(area.name, position)
    order = frame["area"].map(lambda name: rank.get(name, len(rank)))
    ordered = frame.assign(_rank=order).sort_values("_rank", kind="stable")
    return ordered.drop(columns="_rank").reset_index(drop=True)
