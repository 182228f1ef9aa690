"""The evaluator's report keeps its aggregates, yet always gives what a fresh computation gives.

After every kind of change (a new response, an exclusion, a restore, another weight scheme, a
corrected answer, a deleted response) the report read through the kept aggregates is compared with
one computed with nothing kept, and with figures worked out by hand from the report's counts:
328 A and 82 B answers over 41 respondents, ten questions of 10 points each, so with B worth 0.9
the score is 10 x (328 + 0.9 x 82) / 41 = 98.00, and with B worth 0.8 it is 3936 / 41 = 96.00.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from surveyapp.accounts.services import create_user
from surveyapp.extensions import db
from surveyapp.models import Answer, Campaign, KeptAggregate, Response
from surveyapp.quality.services import campaign_quality, exclude_response, restore_response
from surveyapp.scoring import kept
from surveyapp.scoring.report import campaign_report
from surveyapp.scoring.schemes import load_builtin_schemes, set_campaign_scheme
from surveyapp.survey.services import Submission, submit_response
from tests.scoring.conftest import load

ALL_A = {n: "A" for n in range(1, 11)}


def _figures(campaign: Campaign) -> dict[str, Any]:
    data = campaign_report(campaign).as_dict()
    data.pop("generated_at")
    return data


def fresh(campaign: Campaign) -> dict[str, Any]:
    """The report computed with nothing kept."""
    kept.forget_kept()
    return _figures(campaign)


@contextmanager
def grouped_queries() -> Iterator[list[str]]:
    """The GROUP BY statements run while the block runs."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "GROUP BY" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def viewed(campaign: Campaign) -> tuple[dict[str, Any], list[str]]:
    """The report's figures, and the GROUP BY statements computing them ran."""
    with grouped_queries() as seen:
        figures = _figures(campaign)
    return figures, seen


def test_a_second_view_runs_no_group_by(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        first = fresh(campaign)
        with grouped_queries() as seen:
            again = _figures(campaign)
        assert seen == []
        assert again == first
        assert first["score"] == 98.0 and first["respondents"] == 41


def test_kept_figures_follow_every_change(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        load_builtin_schemes()
        evaluator = create_user("evaluator1", "correct horse battery", "evaluator")
        campaign = load(report_campaign)
        assert _figures(campaign) == fresh(campaign)
        _figures(campaign)  # now kept

        # A new response: 42 respondents, 338 A, 82 B: 10 x (338 + 73.8) / 42 = 98.05.
        submit_response(campaign, Submission("new-one", ALL_A))
        after_new = _figures(campaign)
        assert after_new["respondents"] == 42 and after_new["score"] == 98.05
        assert after_new == fresh(campaign)

        # Excluded, it is left out again; restored, it counts again.
        new_id = db.session.scalar(select(Response.id).where(Response.submission_id == "new-one"))
        assert new_id is not None
        exclude_response(campaign, new_id, "a test", evaluator)
        excluded = _figures(campaign)
        assert excluded["respondents"] == 41 and excluded["score"] == 98.0
        assert excluded == fresh(campaign)
        restore_response(campaign, new_id)
        assert _figures(campaign) == after_new == fresh(campaign)

        # Another weight scheme (B worth 0.8) without the new response: 3936 / 41 = 96.00.
        exclude_response(campaign, new_id, "a test", evaluator)
        set_campaign_scheme(campaign, "national-100-80-60-30-0")
        national = _figures(campaign)
        assert national["score"] == 96.0
        assert national == fresh(campaign)

        # A corrected answer (one A of the first response becomes a B): 327 A, 83 B,
        # 10 x (327 + 0.8 x 83) / 41 = 3934 / 41 = 95.95.
        answer = db.session.scalars(
            select(Answer)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.submission_id == "report-0000")
            .order_by(Answer.question_id)
        ).first()
        assert answer is not None
        b_option = next(o for o in campaign.questionnaire_version.scale if o.code == "B")
        assert answer.option_id != b_option.id
        answer.option_id = b_option.id
        corrected = _figures(campaign)
        assert corrected["score"] == 95.95
        assert corrected == fresh(campaign)

        # A deleted response (the corrected one: 9 A left, 1 B gone): 318 A, 82 B over 40,
        # 10 x (318 + 0.8 x 82) / 40 = 3836 / 40 = 95.90.
        db.session.delete(db.session.get(Response, answer.response_id))
        deleted = _figures(campaign)
        assert deleted["respondents"] == 40 and deleted["score"] == 95.9
        assert deleted == fresh(campaign)
        db.session.commit()


def test_a_change_committed_by_another_worker_is_seen(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        before = _figures(campaign)  # kept in this process
        db.session.commit()
        # Another worker excludes a response: its own session and connection, its own commit.
        with Session(db.engine) as other:
            response = other.scalars(select(Response).where(Response.campaign_id == campaign.id)).first()
            assert response is not None
            response.excluded_at, response.excluded_reason = response.received_at, "a test"
            other.commit()
        after = _figures(campaign)
        assert after["respondents"] == 40 != before["respondents"]
        assert after == fresh(campaign)


def test_new_responses_are_added_to_the_kept_counts(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        _figures(campaign)  # kept
        for number in range(3):
            submit_response(campaign, Submission(f"more-{number}", ALL_A))
        with grouped_queries() as seen:
            added = _figures(campaign)
        # Every aggregate, the respondents' sums for the intervals included (counted in whole
        # units), reads the three new responses alone.
        over_everything = [s for s in seen if "response_id >" not in s and "response.id >" not in s]
        assert over_everything == []
        # 44 respondents, 358 A, 82 B: 10 x (358 + 73.8) / 44 = 98.136... -> 98.14.
        assert added["respondents"] == 44 and added["score"] == 98.14
        assert added == fresh(campaign)


def test_the_respondents_sums_added_up_over_new_responses_equal_a_fresh_count_exactly(
    app: Flask, report_campaign: Campaign
) -> None:
    # Weights 0.85 and 0.35 make every respondent's score a float with a long tail: a sum of
    # floats kept and added to would drift from a fresh one. The counts are whole numbers, so
    # after each step the kept figures must equal the fresh ones to the last bit.
    import random

    from surveyapp.scoring.certainty import respondent_sums

    chooser = random.Random(20221201)
    with app.app_context():
        campaign = load(report_campaign)
        for option in campaign.questionnaire_version.scale:
            option.weight = {"B": Decimal("0.85"), "C": Decimal("0.35")}.get(option.code, option.weight)
        db.session.commit()
        respondent_sums(campaign)  # kept
        for step in range(4):
            for number in range(chooser.randint(1, 6)):
                answers = {n: chooser.choice("ABCDE") for n in range(1, 11)}
                submit_response(campaign, Submission(f"step-{step}-{number}", answers))
            added = respondent_sums(campaign)
            kept.forget_kept()
            assert added == respondent_sums(campaign)
        assert added.respondents > 41


def _forget_memory() -> None:
    """What another worker, or this one after a restart, starts with: nothing in memory."""
    kept.forget_kept(in_database=False)


def test_another_worker_starts_from_the_copy_kept_in_the_database(
    app: Flask, report_campaign: Campaign
) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        first = _figures(campaign)
        db.session.commit()  # the request that computed them ends well
        _forget_memory()
        with grouped_queries() as seen:
            again = _figures(campaign)
        assert seen == [] and again == first and again["score"] == 98.0
        # One more response: the new worker adds it to the database copy, reading it alone.
        db.session.commit()
        _forget_memory()
        submit_response(campaign, Submission("another-worker", ALL_A))
        db.session.commit()
        _forget_memory()
        with grouped_queries() as seen:
            added = _figures(campaign)
        assert seen and all("response_id >" in s or "response.id >" in s for s in seen)
        # 42 respondents, 338 A, 82 B: 10 x (338 + 0.9 x 82) / 42 = 4118 / 42 = 98.047... -> 98.05.
        assert added["respondents"] == 42 and added["score"] == 98.05
        db.session.commit()
        assert added == fresh(campaign)


def test_figures_of_a_change_rolled_back_are_never_kept_in_the_database(
    app: Flask, report_campaign: Campaign
) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        _figures(campaign)
        db.session.commit()
        # A correction is made and the page computed, then the request fails and rolls back.
        answer = db.session.scalars(select(Answer).where(Answer.campaign_id == campaign.id)).first()
        assert answer is not None
        db.session.delete(db.session.get(Response, answer.response_id))
        assert _figures(campaign)["respondents"] == 40
        db.session.rollback()
        _forget_memory()
        revisions = set(db.session.scalars(select(KeptAggregate.data_revision)))
        assert revisions == {0}  # only the committed reading's rows
        # A later change that reaches the same revision is not served the rolled-back figures.
        with Session(db.engine) as other:
            response = other.scalars(select(Response).where(Response.campaign_id == campaign.id)).first()
            assert response is not None
            response.excluded_at, response.excluded_reason = response.received_at, "a test"
            other.commit()
        db.session.expire_all()
        after = _figures(campaign)
        assert after["respondents"] == 40
        db.session.commit()
        assert after == fresh(campaign)


def test_a_database_that_refuses_the_copy_still_gives_the_figures(
    app: Flask, report_campaign: Campaign
) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA query_only = ON")
        else:
            db.session.commit()
            connection = db.session.connection()
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        try:
            figures = _figures(campaign)
            assert figures["score"] == 98.0 and figures["respondents"] == 41
            assert db.session.scalar(select(func.count()).select_from(KeptAggregate)) == 0
        finally:
            db.session.rollback()
            if connection.dialect.name == "sqlite":
                db.session.connection().exec_driver_sql("PRAGMA query_only = OFF")
                db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(KeptAggregate)) == 0


def test_what_a_page_computed_is_not_kept_when_the_data_changed_while_it_ran(
    app: Flask, report_campaign: Campaign
) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        with kept.one_reading(campaign):
            during = _figures(campaign)
            with Session(db.engine) as other:  # another worker excludes a response meanwhile
                response = other.scalars(select(Response).where(Response.campaign_id == campaign.id)).first()
                assert response is not None
                response.excluded_at, response.excluded_reason = response.received_at, "a test"
                other.commit()
        assert during["respondents"] == 41
        assert not current_app.extensions.get(kept._EXTENSION)
        # Only what depends on nothing but its own content (a group's figures) may be kept.
        under_a_reading = select(func.count()).where(KeptAggregate.response_count > 0)
        assert db.session.scalar(under_a_reading) == 0
        db.session.expire_all()
        assert _figures(campaign)["respondents"] == 40


def test_another_worker_reads_each_groups_figures_and_scores_only_a_changed_one(
    app: Flask, report_campaign: Campaign
) -> None:
    from surveyapp.scoring import breakdowns

    scored: list[int] = []
    original = breakdowns.statistics_table

    def counting(*args: Any, **kwargs: Any) -> Any:
        scored.append(1)
        return original(*args, **kwargs)

    with app.app_context():
        campaign = load(report_campaign)
        first = _figures(campaign)
        db.session.commit()
        _forget_memory()
        breakdowns.statistics_table = counting  # type: ignore[assignment]
        try:
            again = _figures(campaign)
            assert scored == [] and again == first
            db.session.commit()
            _forget_memory()
            submit_response(campaign, Submission("one-more", ALL_A))
            db.session.commit()
            _forget_memory()
            added = _figures(campaign)
            # One group per breakdown changed (the new response's area, channel, week, ...).
            assert 0 < len(scored) <= len(breakdowns.BREAKDOWNS)
        finally:
            breakdowns.statistics_table = original  # type: ignore[assignment]
        db.session.commit()
        assert added == fresh(campaign)


def test_a_page_does_not_wait_on_another_writer_to_keep_its_copy(
    app: Flask, report_campaign: Campaign
) -> None:
    import time

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL writers do not lock each other out of new rows
        campaign = load(report_campaign)
        db.session.commit()
        with db.engine.connect() as importer:  # another process holds SQLite's write lock
            importer.exec_driver_sql("BEGIN IMMEDIATE")
            start = time.perf_counter()
            figures = _figures(campaign)
            took = time.perf_counter() - start
            importer.exec_driver_sql("ROLLBACK")
        assert figures["score"] == 98.0 and figures["respondents"] == 41
        # Every copy refused at once, not after the 5 s busy timeout each; the timeout is back.
        assert took < 4.0
        assert db.session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(KeptAggregate)) == 0


def _over_all_answers(statements: list[str]) -> list[str]:
    """The statements that read every answer of the campaign: neither only the excluded responses'
    nor only the new ones' (an id range)."""
    return [
        s
        for s in statements
        if "FROM answer" in s and "answer.response_id IN (" not in s and "answer.response_id >" not in s
    ]


def test_an_exclusion_or_a_restore_reads_only_the_excluded_responses_again(
    app: Flask, report_campaign: Campaign
) -> None:
    with app.app_context():
        evaluator = create_user("evaluator3", "correct horse battery", "evaluator")
        campaign = load(report_campaign)
        assert _figures(campaign) == fresh(campaign)
        _figures(campaign)  # now kept
        revisions = db.session.execute(
            select(Campaign.data_revision, Campaign.exclusion_revision).where(Campaign.id == campaign.id)
        ).one()
        first_id = db.session.scalar(select(Response.id).where(Response.submission_id == "report-0000"))
        assert first_id is not None

        # Excluding the first response (ten A, see the corrected answer above): 318 A and 82 B over
        # 40 respondents, 10 x (318 + 0.9 x 82) / 40 = 3918 / 40 = 97.95.
        exclude_response(campaign, first_id, "a test", evaluator)
        after = db.session.execute(
            select(Campaign.data_revision, Campaign.exclusion_revision).where(Campaign.id == campaign.id)
        ).one()
        assert tuple(after) == (revisions[0], revisions[1] + 1)  # the data revision is not raised
        with grouped_queries() as seen:
            excluded = _figures(campaign)
        assert seen and _over_all_answers(seen) == []
        assert excluded["respondents"] == 40 and excluded["score"] == 97.95
        assert excluded == fresh(campaign)

        _figures(campaign)  # kept again
        restore_response(campaign, first_id)
        with grouped_queries() as seen:
            restored = _figures(campaign)
        assert _over_all_answers(seen) == []
        assert restored["respondents"] == 41 and restored["score"] == 98.0
        assert restored == fresh(campaign)

        # An exclusion and new responses together: both parts are read as a range or the excluded.
        _figures(campaign)
        exclude_response(campaign, first_id, "a test", evaluator)
        submit_response(campaign, Submission("new-with-exclusion", ALL_A))
        with grouped_queries() as seen:
            both = _figures(campaign)
        assert _over_all_answers(seen) == []
        assert both["respondents"] == 41
        assert both == fresh(campaign)


def test_another_worker_after_an_exclusion_starts_from_the_database_copy(
    app: Flask, report_campaign: Campaign
) -> None:
    with app.app_context():
        evaluator = create_user("evaluator4", "correct horse battery", "evaluator")
        campaign = load(report_campaign)
        fresh(campaign)
        db.session.commit()  # the copies kept in the database
        excluded_ids = db.session.scalars(
            select(Response.id).where(Response.campaign_id == campaign.id).order_by(Response.id).limit(3)
        ).all()
        for response_id in excluded_ids:
            exclude_response(campaign, response_id, "a test", evaluator)
        db.session.commit()
        kept.forget_kept(in_database=False)  # a worker with nothing in memory
        with grouped_queries() as seen:
            figures = _figures(campaign)
        assert seen and _over_all_answers(seen) == []
        assert figures["respondents"] == 38
        assert figures == fresh(campaign)


def test_a_changed_answer_still_raises_the_data_revision(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        before = db.session.scalar(select(Campaign.data_revision).where(Campaign.id == campaign.id))
        response = db.session.scalars(select(Response).where(Response.campaign_id == campaign.id)).first()
        assert response is not None
        response.form_seconds = 99  # not an exclusion
        db.session.flush()
        after = db.session.scalar(select(Campaign.data_revision).where(Campaign.id == campaign.id))
        assert after == (before or 0) + 1


def test_a_large_set_of_flagged_responses_is_kept_for_another_worker(
    app: Flask, report_campaign: Campaign, monkeypatch: Any
) -> None:
    """A quality check's flagged responses (here, answering every question alike) outnumber
    the rows a copy may hold, yet the copy holds them, as a set of ids, and another worker
    reads them from it instead of grouping every answer again."""
    monkeypatch.setattr(kept, "MAX_STORED_ROWS", 2)
    with app.app_context():
        campaign = load(report_campaign)
        kept.forget_kept()
        flagged = campaign_quality(campaign).counts
        db.session.commit()
        assert flagged["same_answer"] > 2
        _forget_memory()
        with grouped_queries() as seen:
            again = campaign_quality(campaign).counts
        # (The check of bursts from one address reads responses, never kept in the database.)
        assert [s for s in seen if "FROM answer" in s] == [] and again == flagged
        # One more response answering alike: only it is read, and it joins the set.
        submit_response(campaign, Submission("alike", ALL_A))
        db.session.commit()
        _forget_memory()
        with grouped_queries() as seen:
            added = campaign_quality(campaign).counts
        answers_read = [s for s in seen if "FROM answer" in s]
        assert answers_read and all("response_id >" in s for s in answers_read)
        assert added["same_answer"] == flagged["same_answer"] + 1
        kept.forget_kept()
        assert campaign_quality(campaign).counts == added
