"""A correction carried over to the kept aggregates: never stale, and no answer read again but its own."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Answer, Area, Campaign, Response, ScaleOption
from surveyapp.scoring import kept
from surveyapp.scoring.upkeep import bring_up_to_date
from tests.scoring.conftest import load
from tests.scoring.test_kept_aggregates import _figures, _over_all_answers, fresh, viewed


def _first(campaign: Campaign) -> Response:
    """The report's first response: ten A."""
    found = db.session.scalars(select(Response).where(Response.submission_id == "report-0000")).one()
    assert found.campaign_id == campaign.id
    return found


def _set_answer(campaign: Campaign, response: Response, number: int, code: str) -> None:
    question = next(q for q in campaign.questionnaire_version.questions if q.number == number)
    option = db.session.scalars(
        select(ScaleOption).where(
            ScaleOption.questionnaire_version_id == campaign.questionnaire_version_id,
            ScaleOption.code == code,
        )
    ).one()
    answer = db.session.scalars(
        select(Answer).where(Answer.response_id == response.id, Answer.question_id == question.id)
    ).one()
    answer.option_id = option.id  # through the session, as a correction changes it


def _corrected(campaign: Campaign, response: Response, change: Any) -> None:
    with kept.carried_over(campaign, [response.id], bring_up_to_date):
        change()
        db.session.flush()


def _counted_and_kept(report_campaign: Campaign) -> tuple[Campaign, Response]:
    """The campaign, its page counted once and kept (committed), and its first response."""
    campaign = load(report_campaign)
    assert fresh(campaign)["score"] == 98.0
    db.session.commit()
    return campaign, _first(campaign)


def test_a_corrected_answer_is_carried_over_without_counting_every_answer_again(
    app: Flask, report_campaign: Campaign
) -> None:
    with app.app_context():
        campaign, response = _counted_and_kept(report_campaign)
        revision = db.session.scalar(select(Campaign.data_revision).where(Campaign.id == campaign.id))
        _corrected(campaign, response, lambda: _set_answer(campaign, response, 1, "E"))
        db.session.commit()
        assert db.session.scalar(select(Campaign.data_revision).where(Campaign.id == campaign.id)) > revision
        figures, seen = viewed(campaign)
        assert _over_all_answers(seen) == []  # only the corrected response's answers were read
        # One A became an E (weight 0): 327 A, 82 B, 1 E over 41: 10 x (327 + 73.8) / 41 = 97.76.
        assert figures["respondents"] == 41 and figures["score"] == 97.76
        assert figures == fresh(campaign)


def test_another_worker_starts_from_the_copy_carried_over(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        campaign, response = _counted_and_kept(report_campaign)
        _corrected(campaign, response, lambda: _set_answer(campaign, response, 2, "C"))
        db.session.commit()
        kept.forget_kept(in_database=False)  # a worker with nothing in memory
        figures, seen = viewed(campaign)
        assert _over_all_answers(seen) == []
        # 327 A, 82 B, 1 C (0.6) over 41: 10 x (327 + 73.8 + 0.6) / 41 = 4014 / 41 = 97.90.
        assert figures["score"] == 97.9
        assert figures == fresh(campaign)


def test_a_response_moved_to_another_area_and_back_leaves_every_breakdown_exact(
    app: Flask, report_campaign: Campaign
) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        county = Area(code="530199", name="测试县", level="county")
        db.session.add(county)
        fresh(campaign)
        db.session.commit()
        response = _first(campaign)
        moved = response.area_id

        def to_county() -> None:
            response.area_id = county.id

        _corrected(campaign, response, to_county)
        db.session.commit()
        there = _figures(campaign)
        assert [g["group"] for g in there["breakdowns"]["area"]].count("测试县") == 1
        assert there == fresh(campaign)

        def back() -> None:
            response.area_id = moved

        # Its county is left with nothing counted: those rows are computed afresh, still exact.
        _corrected(campaign, response, back)
        db.session.commit()
        again = _figures(campaign)
        assert "测试县" not in [g["group"] for g in again["breakdowns"]["area"]]
        assert again == fresh(campaign)


@pytest.mark.parametrize("ending", ["rollback", "close"])
def test_a_correction_not_committed_leaves_nothing_that_a_later_change_could_meet(
    app: Flask, report_campaign: Campaign, ending: str
) -> None:
    with app.app_context():
        campaign, response = _counted_and_kept(report_campaign)
        # Carried over, then rolled back (or the session closed without a commit): its figures
        # must not outlive it, in the process or the database, though the next change raises the
        # data revision to the very same number.
        _corrected(campaign, response, lambda: _set_answer(campaign, response, 1, "E"))
        getattr(db.session, ending)()
        campaign = load(report_campaign)
        response = _first(campaign)
        _set_answer(campaign, response, 2, "D")  # a change not carried over
        db.session.commit()
        figures = _figures(campaign)
        # 327 A, 82 B, 1 D (0.3) over 41: 10 x (327 + 73.8 + 0.3) / 41 = 4011 / 41 = 97.83.
        assert figures["score"] == 97.83
        assert figures == fresh(campaign)


def test_rows_are_replaced_exactly_or_not_at_all() -> None:
    counts = [(1, "a", 2), (1, "b", 1)]
    # The response's count moves from b to c; a keeps the other response's.
    assert sorted(kept._replaced([(1, "a", 2)], [(1, "a", 1)], [(1, "c", 1)], 1) or []) == [
        (1, "a", 1),
        (1, "c", 1),
    ]
    # b left with nothing: a fresh GROUP BY would not list it, sums alone cannot tell: not carried.
    assert kept._replaced(counts, [(1, "b", 1)], [(1, "a", 1)], 1) is None
    assert kept._replaced([(1, None)], [(1, 1)], [(1, 2)], 1) is None  # values that do not subtract
    assert kept._replaced(counts, [(2, "z", 1)], [], 1) is None  # a part that was never counted
    # Sets of response ids: the response's membership before and after.
    assert kept._replaced([(3,), (5,)], [(5,)], [], 0) == [(3,)]
    assert kept._replaced([(3,)], [], [(5,)], 0) == [(3,), (5,)]


def test_a_change_to_a_campaign_with_nothing_kept_is_computed_when_asked(
    app: Flask, report_campaign: Campaign
) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        response = _first(campaign)
        _corrected(campaign, response, lambda: _set_answer(campaign, response, 1, "E"))
        db.session.commit()
        figures = _figures(campaign)
        assert figures["score"] == 97.76
        assert figures == fresh(campaign)
