"""The first view of a campaign's page: every breakdown by a column of the response in one pass.

The evaluator's page computes its breakdowns by county, channel, week, interviewer, mode,
township and village with nothing kept from one read of each response's answers, as digits of a
few integers (``surveyapp.scoring.breakdowns._one_pass``), instead of one join of the answers to
their responses per breakdown. These tests hold it to the figures worked out by hand in
``test_breakdowns_and_certainty`` and to the rows each breakdown's own query gives, for every
kind of answer.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import event, func, select

from surveyapp.accounts.services import create_user
from surveyapp.extensions import db
from surveyapp.models import Answer, Area, Campaign, Response
from surveyapp.quality.services import exclude_response
from surveyapp.scoring import breakdowns, kept, services
from surveyapp.scoring.breakdowns import BREAKDOWNS, campaign_breakdown
from surveyapp.survey.services import Submission, find_response, submit_response
from tests.scoring.conftest import load
from tests.scoring.test_breakdowns_and_certainty import _areas, _by, mixed

__all__ = ["mixed"]  # the fixture, used by name

ALL_A = dict.fromkeys(range(1, 11), "A")


def _joins_run(statements: list[str]) -> list[str]:
    return [s for s in statements if "JOIN response" in s and "GROUP BY" in s]


def _statements() -> tuple[list[str], Any]:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    return seen, note


def _same_as_each_alone(campaign: Campaign, include_excluded: bool = False) -> dict[str, pd.DataFrame]:
    """Every breakdown computed alone and then in one page's block, with nothing kept each time:
    the two must be equal; the page's breakdowns are returned."""
    kept.forget_kept()
    alone = {by: campaign_breakdown(campaign, by, include_excluded) for by in BREAKDOWNS}
    kept.forget_kept()
    with kept.one_reading(campaign):
        together = {by: campaign_breakdown(campaign, by, include_excluded) for by in BREAKDOWNS}
    for by in BREAKDOWNS:
        pd.testing.assert_frame_equal(together[by], alone[by], obj=by)
    return together


def test_the_page_gives_the_figures_worked_out_by_hand_in_one_pass(app: Flask, mixed: Campaign) -> None:
    seen, note = _statements()
    with app.app_context():
        campaign = load(mixed)
        kept.forget_kept()
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            with kept.one_reading(campaign):
                areas = _by(campaign_breakdown(campaign, "area"), "area")
                channels = _by(campaign_breakdown(campaign, "channel"), "channel")
                weeks = _by(campaign_breakdown(campaign, "week"), "week")
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
    # The same figures as test_breakdowns_and_certainty works out by hand.
    assert areas == {"禄劝县": (2, 100.0, 100.0), "寻甸县": (2, 95.0, 100.0), "unknown": (1, 90.0, 100.0)}
    assert channels == {"paper": (3, 93.333333, 100.0), "qr": (2, 100.0, 100.0)}
    assert weeks == {"2022-W18": (2, 100.0, 100.0), "2022-W19": (3, 93.333333, 100.0)}
    # One join of the answers to their responses for the three, not one each (the excluded
    # responses' part is read per breakdown, but there are none: those joins find nothing).
    grouped_over_everything = [s for s in _joins_run(seen) if "excluded_at" not in s]
    assert len(grouped_over_everything) == 1


@pytest.fixture
def varied(app: Flask, campaign: Campaign) -> Campaign:
    """Responses with every response column set and unset: areas, channels, days either side of
    midnight in Kunming, interviewers, modes, every option, one excluded response."""
    with app.app_context():
        areas, stored = _areas(), load(campaign)
        first = create_user("interviewer-one", "correct horse battery staple", "field_staff")
        second = create_user("interviewer-two", "correct horse battery staple", "field_staff")
        db.session.flush()
        before_midnight = datetime(2022, 5, 8, 15, 59, tzinfo=UTC)  # 23:59 in Kunming
        after_midnight = datetime(2022, 5, 8, 16, 1, tzinfo=UTC)  # 00:01 the next day there
        partly = dict(zip(range(1, 11), "ABCDEABCDE", strict=True))
        rows: list[tuple[str, dict[int, str], str, str | None, int | None, datetime, int | None]] = [
            ("v1", ALL_A, "qr", None, areas["luquan"], before_midnight, None),
            ("v2", partly, "interview", "read_aloud", areas["town"], after_midnight, first.id),
            ("v3", dict.fromkeys(range(1, 11), "C"), "interview", "proxy", None, after_midnight, second.id),
            ("v4", partly, "paper", "self", areas["xundian"], before_midnight, first.id),
            ("v5", dict.fromkeys(range(1, 11), "E"), "import", None, areas["town"], after_midnight, None),
            ("v6", ALL_A, "interview", "self", areas["luquan"], after_midnight, second.id),
        ]
        for sid, answers, channel, mode, area_id, when, interviewer in rows:
            submit_response(stored, Submission(sid, answers, channel, mode, area_id, when, interviewer))
        db.session.flush()
        excluded = find_response(stored, "v6")
        assert excluded is not None
        user = create_user("evaluator-one", "correct horse battery staple", "evaluator")
        exclude_response(stored, excluded.id, "tested twice", user)
        db.session.commit()
    return campaign


def test_one_pass_gives_each_breakdowns_own_rows(app: Flask, varied: Campaign) -> None:
    with app.app_context():
        campaign = load(varied)
        kept.forget_kept()
        with kept.one_reading(campaign):
            passed = breakdowns._one_pass(campaign)
        assert passed is not None
        for by in BREAKDOWNS:
            everything = services._over(campaign, "answers", None, excluded=False)
            own = db.session.execute(breakdowns.counts_statement(campaign, by, everything)).all()
            assert Counter(passed.answers[breakdowns.RESPONSE_GROUPS[by]]) == Counter(
                tuple(row) for row in own
            ), by


@pytest.mark.parametrize("include_excluded", [False, True])
def test_the_page_gives_what_each_breakdown_gives_alone(
    app: Flask, varied: Campaign, include_excluded: bool
) -> None:
    with app.app_context():
        campaign = load(varied)
        together = _same_as_each_alone(campaign, include_excluded)
    # Hand check of one of them: by channel, the excluded all-A interview is left out or not.
    interview = _by(together["channel"], "channel")["interview"]
    assert interview[0] == (3 if include_excluded else 2)


@pytest.fixture
def surveyed(app: Flask, questionnaire: object) -> Campaign:
    """The full survey (profile questions on lists of their own, a follow-up asked only after a
    low rating, several choices at once, "don't know"), over two chunks of digits."""
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.questionnaires.services import find_version

    rng = random.Random(7)
    with app.app_context():
        version = find_version("kunming-2022-pension-survey")
        assert version is not None
        campaign = create_campaign(version, "one pass")
        areas = list(db.session.scalars(select(Area.id))) or list(_areas().values())
        for respondent in range(60):
            rated = {n: rng.choice("ABCDEX") for n in range(7, 17)}
            follow_up = (
                {17: rng.sample(["slow", "unclear", "amount"], k=rng.randint(1, 2))}
                if rated[7] in "DE"
                else {}
            )
            profile = {1: rng.choice(["self", "guardian"]), 2: rng.choice("mf"), 3: "45_59", 6: "g3"}
            submit_response(
                campaign,
                Submission(
                    f"s{respondent}",
                    {**profile, **rated, **follow_up},
                    channel=rng.choice(["qr", "paper", "interview"]),
                    mode=rng.choice([None, "self", "proxy"]),
                    area_id=rng.choice([None, *areas]),
                    submitted_at=datetime(2022, 5, rng.randint(1, 28), rng.randint(0, 23), tzinfo=UTC),
                ),
            )
        db.session.commit()
        db.session.refresh(campaign)  # its id stays readable once the session is gone
        return campaign


@pytest.mark.parametrize("one_run", [True, False], ids=["ids-in-one-run", "ids-scattered"])
def test_one_pass_counts_every_kind_of_answer_as_each_breakdown_does(
    app: Flask, surveyed: Campaign, one_run: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether the options' ids follow one another (the digit is then the id less the first) or
    not (the digit is looked up per id)."""
    if not one_run:
        monkeypatch.setattr(breakdowns, "_one_run", lambda _ids: False)
    with app.app_context():
        campaign = load(surveyed)
        patterns = breakdowns._patterns(campaign)
        assert len(patterns.questions) > patterns.per_column  # more than one integer per response
        with kept.one_reading(campaign):
            passed = breakdowns._one_pass(campaign)
        assert passed is not None
        everything = services._over(campaign, "answers", None, excluded=False)
        for by in BREAKDOWNS:
            own = db.session.execute(breakdowns.counts_statement(campaign, by, everything)).all()
            assert Counter(passed.answers[breakdowns.RESPONSE_GROUPS[by]]) == Counter(
                tuple(row) for row in own
            ), by
        # answered without an option (several choices at once): counted as each query counts it
        assert any(option is None for _group, _question, option, _n in passed.answers["channel"])


def test_an_answer_the_version_does_not_know_leaves_it_to_each_breakdowns_query(
    app: Flask, varied: Campaign, surveyed: Campaign
) -> None:
    with app.app_context():
        campaign, other = load(varied), load(surveyed)
        stranger = other.questionnaire_version.questions[0]
        response = find_response(campaign, "v1")
        assert response is not None
        db.session.add(Answer(response_id=response.id, campaign_id=campaign.id, question_id=stranger.id))
        db.session.commit()
        with kept.one_reading(campaign):
            assert breakdowns._one_pass(campaign) is None
        _same_as_each_alone(campaign)


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "one-case-per-sum"])
def test_one_pass_gives_the_respondents_and_their_sums_as_their_queries_do(
    app: Flask, surveyed: Campaign, packed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from surveyapp.scoring import certainty

    if not packed:
        monkeypatch.setattr(certainty, "_packable", lambda *_args: False)
    with app.app_context():
        campaign = load(surveyed)
        kept.forget_kept()
        alone = certainty.respondent_sums(campaign)
        with kept.one_reading(campaign):
            passed = breakdowns._one_pass(campaign)
            assert passed is not None
            maps = certainty.scoring_maps(campaign)
            counted = kept.computed_per_reading(campaign, (certainty.HISTOGRAM, certainty.maps_key(maps)))
            together = certainty.respondent_sums(campaign)
        weight, _unit, counted_flags, satisfied, points = maps
        build = certainty._packed_histogram if packed else certainty._histogram
        everything = services._over(campaign, "answers", None, excluded=False)
        own = db.session.execute(build(points, weight, counted_flags, satisfied)(everything)).all()
        assert sorted(counted) == sorted(tuple(row) for row in own)
        assert together == alone
        everything = services._over(campaign, "responses", None, excluded=False)
        for by in BREAKDOWNS:
            group = breakdowns._group_column(by, campaign)
            statement = select(group, func.count()).select_from(Response).where(*everything).group_by(group)
            own_people = db.session.execute(statement).all()
            mine = passed.respondents[breakdowns.RESPONSE_GROUPS[by]]
            assert Counter(mine) == Counter(tuple(row) for row in own_people), by


def test_a_response_without_answers_is_counted_by_the_respondents_query(app: Flask, varied: Campaign) -> None:
    """The one pass sees only responses with answers; a campaign with one without any leaves the
    respondents per group to their own queries, and the page still counts it."""
    with app.app_context():
        campaign = load(varied)
        db.session.add(
            Response(
                campaign_id=campaign.id,
                questionnaire_version_id=campaign.questionnaire_version_id,
                submission_id="empty",
                channel="paper",
            )
        )
        db.session.commit()
        together = _same_as_each_alone(campaign)
    # on paper: v4 and the response without answers
    assert _by(together["channel"], "channel")["paper"][0] == 2


def test_one_pass_finds_the_responses_answering_every_question_alike(app: Flask, varied: Campaign) -> None:
    """As the quality check's own query finds them: v1 and v6 all A, v5 all E; v3, all C, no
    longer once one of its answers is gone (not every question answered)."""
    from surveyapp.quality import services as quality

    with app.app_context():
        campaign = load(varied)
        shortened = find_response(campaign, "v3")
        assert shortened is not None
        db.session.delete(shortened.answers[0])
        db.session.commit()
        ids = {sid: find_response(campaign, sid) for sid in ("v1", "v5", "v6")}
        expected = {response.id for response in ids.values() if response is not None}
        kept.forget_kept()
        alone = quality._same_answer(campaign)
        kept.forget_kept()
        with kept.one_reading(campaign):
            assert breakdowns._one_pass(campaign) is not None
            questions = len(campaign.questionnaire_version.questions)
            found = kept.computed_per_reading(campaign, (kept.SAME_ANSWER, questions))
            together = quality._same_answer(campaign)
    assert found is not None
    assert len(expected) == 3
    assert {row[0] for row in found} == alone == together == expected


def test_one_pass_finds_the_responses_sent_too_fast(app: Flask, varied: Campaign) -> None:
    """As the quality check's own query: form open for less than its threshold (None never is)."""
    from surveyapp.quality import services as quality

    with app.app_context():
        campaign = load(varied)
        threshold = quality.too_fast_seconds(campaign)
        for sid, seconds in (("quick", threshold - 1), ("slow", threshold), ("zero", 0)):
            submit_response(campaign, Submission(sid, ALL_A, form_seconds=seconds))
        db.session.commit()
        expected = {r.id for r in (find_response(campaign, "quick"), find_response(campaign, "zero")) if r}
        kept.forget_kept()
        alone = quality._too_fast(campaign)
        kept.forget_kept()
        with kept.one_reading(campaign):
            assert breakdowns._one_pass(campaign) is not None
            assert kept.computed_per_reading(campaign, kept.FORM_SECONDS) is not None
            together = quality._too_fast(campaign)
    assert len(expected) == 2
    assert alone == together == expected
