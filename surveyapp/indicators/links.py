"""Leaves that follow a campaign: the value is computed when the table is read, never copied.

A satisfaction leaf follows the campaign's score or satisfaction rate, a quantity leaf its number
of responses. Computing on read (one ``GROUP BY`` per campaign) means the value follows new
answers and a changed weight scheme without anything to go stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from analysis.rounding import round_half_up
from surveyapp.extensions import db
from surveyapp.models import Campaign, IndicatorNode, Response, utcnow
from surveyapp.scoring.services import campaign_statistics, respondent_count

#: Which link kinds fit which indicator type.
LINKS_BY_TYPE = {
    "satisfaction": ("campaign_score", "campaign_satisfaction_rate"),
    "quantity": ("campaign_responses",),
}


@dataclass(frozen=True)
class LinkedValue:
    """A campaign figure a leaf follows, and when it was taken."""

    kind: str
    campaign: Campaign
    #: the figure; None while the campaign has no response to score
    value: Decimal | None
    respondents: int
    #: when the figure was computed
    taken_at: datetime
    #: when the latest response the figure includes was stored
    latest_response_at: datetime | None


def latest_response_at(campaign: Campaign) -> datetime | None:
    """When the campaign's most recent response was given (its answer's date, not when it arrived).

    A paper or offline batch typed in today holds answers given weeks ago: the newest answer's
    date is what tells an evaluator how current the figure is.
    """
    latest: datetime | None = db.session.scalar(
        select(func.max(Response.submitted_at)).where(Response.campaign_id == campaign.id)
    )
    if latest is not None and latest.tzinfo is None:  # max() bypasses the column type on SQLite
        latest = latest.replace(tzinfo=UTC)
    return latest


def campaign_figure(campaign: Campaign, kind: str) -> tuple[Decimal | None, int]:
    """The campaign's score, satisfaction rate (both 0..100, 2 places) or response count."""
    if kind == "campaign_responses":
        count = respondent_count(campaign)
        return Decimal(count), count
    statistics = campaign_statistics(campaign)
    if statistics.respondents == 0:
        return None, 0
    figure = statistics.score if kind == "campaign_score" else statistics.satisfaction_rate
    # The printed figure (98.00) is what the report measures against the target.
    return round_half_up(figure, 2), statistics.respondents


def linked_values(rows: list[IndicatorNode]) -> dict[str, LinkedValue]:
    """The current value of every linked leaf among ``rows``, by node id."""
    taken_at = utcnow()
    cache: dict[tuple[int, str], LinkedValue] = {}
    values = {}
    for row in rows:
        if row.link == "none" or row.link_campaign is None:
            continue
        key = (row.link_campaign.id, row.link)
        if key not in cache:
            value, respondents = campaign_figure(row.link_campaign, row.link)
            cache[key] = LinkedValue(
                row.link,
                row.link_campaign,
                value,
                respondents,
                taken_at,
                latest_response_at(row.link_campaign),
            )
        values[row.node_key] = cache[key]
    return values


def link_fits(indicator_type: str | None, kind: str) -> bool:
    """Whether a leaf of this type may follow this kind of campaign figure."""
    return kind == "none" or kind in LINKS_BY_TYPE.get(indicator_type or "", ())
