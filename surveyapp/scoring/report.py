"""Everything the evaluator's page and the exports show about a campaign, computed once.

The statistics table comes from :func:`surveyapp.scoring.services.campaign_statistics`, the one
scoring path; this module only gathers it with its provenance (questionnaire version, weight
scheme, time), its certainty and its breakdowns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from analysis.certainty import Interval
from analysis.rounding import half_up_float
from analysis.scoring import StatisticsTable
from surveyapp.audit import record
from surveyapp.models import Campaign, utcnow
from surveyapp.scoring.breakdowns import BREAKDOWNS, campaign_breakdown, profile_breakdowns
from surveyapp.scoring.certainty import Certainty, campaign_certainty
from surveyapp.scoring.kept import one_reading
from surveyapp.scoring.schemes import SchemeInfo, scheme_info
from surveyapp.scoring.services import campaign_statistics, excluded_count


@dataclass(frozen=True)
class CampaignReport:
    """A campaign's statistics table with where it came from and how certain it is."""

    campaign: Campaign
    table: StatisticsTable
    scheme: SchemeInfo
    certainty: Certainty
    generated_at: datetime
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: how many responses an evaluator excluded, and whether this report counts them anyway
    excluded: int = 0
    include_excluded: bool = False

    @property
    def questionnaire(self) -> str:
        """The questionnaire's key."""
        return self.campaign.questionnaire_version.key

    @property
    def version(self) -> int:
        """The questionnaire version number that was asked."""
        return self.campaign.questionnaire_version.version

    def as_dict(self) -> dict[str, Any]:
        """The JSON report: the statistics table's keys plus provenance, intervals and breakdowns."""
        data = self.table.as_dict()
        version = self.campaign.questionnaire_version
        data.update(
            campaign={"slug": self.campaign.slug, "name": self.campaign.name},
            questionnaire=version.key,
            version=version.version,
            title=version.title,
            scheme=self.scheme.as_dict(),
            generated_at=self.generated_at.isoformat(),
            intervals={
                "score": interval_dict(self.certainty.score),
                "satisfaction_rate": interval_dict(self.certainty.satisfaction_rate),
            },
            breakdowns={by: breakdown_records(frame, by) for by, frame in self.breakdowns.items()},
            excluded={"responses": self.excluded, "counted": self.include_excluded},
        )
        return data


def interval_dict(interval: Interval) -> dict[str, Any]:
    """An interval as JSON: bounds and margin rounded half up to 2 decimals."""
    return {
        "estimate": half_up_float(interval.estimate),
        "low": half_up_float(interval.low),
        "high": half_up_float(interval.high),
        "margin": half_up_float(interval.margin),
        "confidence": interval.confidence,
        "respondents": interval.n,
        "population": interval.population,
        "too_small": interval.too_small,
        "reason": interval.reason,
    }


def breakdown_records(frame: pd.DataFrame, by: str) -> list[dict[str, Any]]:
    """A breakdown as JSON rows: ``group``, ``respondents``, ``score``, ``satisfaction_rate``."""
    return [
        {
            "group": row[by],
            "respondents": int(row["respondents"]),
            "score": half_up_float(row["score"]),
            "satisfaction_rate": half_up_float(row["satisfaction_rate"]),
        }
        for row in frame.to_dict("records")
    ]


def record_export(campaign: Campaign, fmt: str, include_excluded: bool, **details: Any) -> None:
    """Audit an export of the campaign's table or responses (``fmt``: json, ..., responses.csv)."""
    record(
        "report.export",
        campaign,
        campaign_slug=campaign.slug,
        format=fmt,
        include_excluded=include_excluded,
        **details,
    )


def campaign_report(
    campaign: Campaign, *, breakdowns: bool = True, include_excluded: bool = False
) -> CampaignReport:
    """Score the campaign and gather its provenance, certainty and (optionally) breakdowns.

    Responses an evaluator excluded are left out unless ``include_excluded``; either way the
    report says how many there are.
    """
    every = include_excluded
    with one_reading(campaign):  # every aggregate below is kept under the same reading
        return _report(campaign, breakdowns, every)


def _report(campaign: Campaign, breakdowns: bool, every: bool) -> CampaignReport:
    # The breakdowns first: with nothing kept, their one pass over the answers also gives the
    # respondents' sums the intervals need.
    groups = (
        {by: campaign_breakdown(campaign, by, every) for by in (*BREAKDOWNS, *profile_breakdowns(campaign))}
        if breakdowns
        else {}
    )
    return CampaignReport(
        campaign=campaign,
        table=campaign_statistics(campaign, include_excluded=every),
        scheme=scheme_info(campaign),
        certainty=campaign_certainty(campaign, include_excluded=every),
        generated_at=utcnow(),
        breakdowns=groups,
        excluded=excluded_count(campaign),
        include_excluded=every,
    )


def is_missing(value: float | None) -> bool:
    """Whether a figure is absent (None or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))
