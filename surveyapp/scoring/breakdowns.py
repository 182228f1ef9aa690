"""The statistics table per county, channel or week, counted in the database.

Each breakdown is one ``GROUP BY`` of the answers joined to their responses, by the group column,
question and option; pandas sees only that aggregate. Areas are mapped to their county and days
to their ISO week after counting, on a few hundred rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from analysis.breakdown import statistics_by
from surveyapp.extensions import db
from surveyapp.models import Answer, Area, Campaign, Response
from surveyapp.scoring.services import campaign_weights, questions_frame, scale_frame

BREAKDOWNS = ("area", "channel", "week")
#: The group of responses without a known area.
UNKNOWN_AREA = "unknown"


def _local_day(column: Any) -> ColumnElement[Any]:
    """The calendar day of a UTC timestamp in the configured time zone, as SQL."""
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(zone, column))
    # SQLite has no time zones: shift by the zone's offset now (China keeps one offset all year).
    offset = ZoneInfo(zone).utcoffset(datetime.now())
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return func.date(column, f"{minutes:+d} minutes")


def _group_column(by: str) -> ColumnElement[Any]:
    columns: dict[str, Any] = {
        "area": Response.area_id,
        "channel": Response.channel,
        "week": _local_day(Response.submitted_at),
    }
    if by not in columns:
        raise ValueError(f"cannot break down by {by!r}; choose one of {', '.join(BREAKDOWNS)}")
    return columns[by].label("grp")


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


def _iso_week(day: Any) -> str:
    value = day if isinstance(day, date) else date.fromisoformat(str(day))
    year, week, _ = value.isocalendar()
    return f"{year}-W{week:02d}"


def _labeller(by: str) -> Any:
    if by == "area":
        counties = _counties()
        return lambda value: UNKNOWN_AREA if value is None else counties.get(value, UNKNOWN_AREA)
    if by == "week":
        return _iso_week
    return str


def grouped_counts(campaign: Campaign, by: str) -> pd.DataFrame:
    """Answers per group, question number and option code: ``by``, ``question``, ``code``, ``count``."""
    group = _group_column(by)
    rows = db.session.execute(
        select(group, Answer.question_id, Answer.option_id, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.campaign_id == campaign.id)
        .group_by(group, Answer.question_id, Answer.option_id)
    ).all()
    version = campaign.questionnaire_version
    numbers = {q.id: q.number for q in version.scored_questions}
    codes = {o.id: o.code for o in version.scale}
    label = _labeller(by)
    return pd.DataFrame(
        [(label(g), numbers[q], codes[o], int(n)) for g, q, o, n in rows if q in numbers and o in codes],
        columns=[by, "question", "code", "count"],
    )


def grouped_respondents(campaign: Campaign, by: str) -> pd.Series:
    """Responses per group, indexed by group label."""
    group = _group_column(by)
    rows = db.session.execute(
        select(group, func.count()).where(Response.campaign_id == campaign.id).group_by(group)
    ).all()
    label = _labeller(by)
    frame = pd.DataFrame([(label(g), int(n)) for g, n in rows], columns=[by, "respondents"])
    return frame.groupby(by)["respondents"].sum().astype("int64")


def campaign_breakdown(campaign: Campaign, by: str) -> pd.DataFrame:
    """Score and satisfaction rate per group: ``by``, ``respondents``, ``score``, ``satisfaction_rate``."""
    version = campaign.questionnaire_version
    respondents = grouped_respondents(campaign, by)
    if respondents.empty:
        return pd.DataFrame(columns=[by, "respondents", "score", "satisfaction_rate"])
    return statistics_by(
        grouped_counts(campaign, by),
        scale_frame(version, campaign_weights(campaign)),
        questions_frame(version),
        by=by,
        respondents=respondents,
    )
