"""The same table by county, channel and week, and how certain the score is."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from flask import Flask

from surveyapp.extensions import db
from surveyapp.models import Area, Campaign
from surveyapp.scoring.breakdowns import campaign_breakdown
from surveyapp.scoring.certainty import campaign_certainty, respondent_sums
from surveyapp.survey.services import Submission, submit_response
from tests.scoring.conftest import load

ALL_A = dict.fromkeys(range(1, 11), "A")
ALL_B = dict.fromkeys(range(1, 11), "B")


def _areas() -> dict[str, int]:
    city = Area(code="530100", name="昆明市", level="city")
    xundian = Area(code="530129", name="寻甸县", level="county", parent=city)
    town = Area(code="530129100", name="仁德街道", level="township", parent=xundian)
    luquan = Area(code="530128", name="禄劝县", level="county", parent=city)
    db.session.add_all([city, xundian, town, luquan])
    db.session.flush()
    return {"town": town.id, "luquan": luquan.id, "xundian": xundian.id}


@pytest.fixture
def mixed(app: Flask, campaign: Campaign) -> Campaign:
    """Five responses: two in 禄劝县 by QR, three in 寻甸县 (one in a township) on paper, over two weeks."""
    with app.app_context():
        areas, stored = _areas(), load(campaign)
        monday = datetime(2022, 5, 2, 2, tzinfo=UTC)  # 10:00 in Kunming, ISO week 2022-W18
        # 2022-05-08 20:00 UTC is Monday 9 May 04:00 in Kunming: week 19 there, week 18 in UTC.
        late_sunday = datetime(2022, 5, 8, 20, tzinfo=UTC)
        rows = [
            ("r1", ALL_A, "qr", areas["luquan"], monday),
            ("r2", ALL_A, "qr", areas["luquan"], monday),
            ("r3", ALL_A, "paper", areas["xundian"], late_sunday),
            ("r4", ALL_B, "paper", areas["town"], late_sunday),
            ("r5", ALL_B, "paper", None, late_sunday),
        ]
        for sid, answers, channel, area_id, when in rows:
            submit_response(stored, Submission(sid, answers, channel, None, area_id, when))
        db.session.commit()
    return campaign


def _by(frame: object, column: str) -> dict[str, tuple[int, float, float]]:
    return {
        row[column]: (row["respondents"], round(row["score"], 6), round(row["satisfaction_rate"], 6))
        for row in frame.to_dict("records")  # type: ignore[attr-defined]
    }


def test_breakdown_by_county_rolls_townships_up(app: Flask, mixed: Campaign) -> None:
    with app.app_context():
        result = _by(campaign_breakdown(load(mixed), "area"), "area")
    # 禄劝县: two all-A respondents, 100. 寻甸县: all A (100) and, in 仁德街道, all B (10 x 10 x 0.9 = 90):
    # (100 + 90) / 2 = 95. Unknown area: one all-B respondent, 90. A and B are both 'satisfied'.
    assert result == {"禄劝县": (2, 100.0, 100.0), "寻甸县": (2, 95.0, 100.0), "unknown": (1, 90.0, 100.0)}


def test_breakdown_by_channel_and_week(app: Flask, mixed: Campaign) -> None:
    with app.app_context():
        channels = _by(campaign_breakdown(load(mixed), "channel"), "channel")
        weeks = _by(campaign_breakdown(load(mixed), "week"), "week")
    # paper: A, B, B -> (100 + 90 + 90) / 3 = 93.333333
    assert channels == {"paper": (3, 93.333333, 100.0), "qr": (2, 100.0, 100.0)}
    # Weeks are counted in the campaign's time zone (Asia/Shanghai), not in UTC.
    assert weeks == {"2022-W18": (2, 100.0, 100.0), "2022-W19": (3, 93.333333, 100.0)}


def test_respondent_sums_are_made_in_sql(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        sums = respondent_sums(load(report_campaign))
    # Respondent r answers A where r < the question's A count (seed facts §2), B elsewhere, so a
    # respondent's score is 100 - (their B answers): 31 score 100, then 99, 97, 92, and 7 score 90.
    # total = 3100 + 99 + 97 + 92 + 630 = 4018 (mean 98.00, the report's score)
    # total_sq = 310000 + 9801 + 9409 + 8464 + 56700 = 394374
    assert (sums.respondents, sums.total, sums.total_sq, sums.satisfied) == (41, 4018.0, 394374.0, 41)


def test_finite_population_narrows_the_interval(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        # s^2 = (394374 - 4018^2 / 41) / 40 = (394374 - 393764) / 40 = 15.25; SE = sqrt(15.25 / 41) = 0.60988
        # margin = t(0.975, 40) 2.02108 x 0.60988 = 1.23262, without a population
        campaign.population_size = None
        infinite = campaign_certainty(campaign).score
        campaign.population_size = 23186
        beneficiaries = campaign_certainty(campaign)
        campaign.population_size = 100
        small = campaign_certainty(campaign).score
    assert infinite.margin == pytest.approx(1.23262, abs=1e-4)
    assert infinite.estimate == pytest.approx(98.0)
    # x sqrt((23186 - 41) / 23185) = 0.999137 -> 1.23156; x sqrt(59 / 99) = 0.771975 -> 0.95155
    assert beneficiaries.score.margin == pytest.approx(1.23156, abs=1e-4)
    assert small.margin == pytest.approx(0.95155, abs=1e-4)
    assert small.margin / infinite.margin == pytest.approx(math.sqrt(59 / 99))
    # Everyone satisfied: Wilson's lower bound is n / (n + z^2 x fpc^2) = 41 / (41 + 3.8415 x 0.998275)
    wilson_low = 100 * 41 / (41 + 1.959964**2 * 0.998275)
    assert beneficiaries.satisfaction_rate.low == pytest.approx(wilson_low, abs=1e-3)
    assert not beneficiaries.score.too_small


def test_small_sample_is_flagged(app: Flask, mixed: Campaign) -> None:
    with app.app_context():
        certainty = campaign_certainty(load(mixed))
    assert certainty.score.too_small and certainty.satisfaction_rate.too_small
    assert certainty.score.reason == "only 5 responses, fewer than 30"
