"""A campaign's stored answers give the report's statistics table."""

from __future__ import annotations

from flask import Flask

from analysis.rounding import round_half_up
from surveyapp.extensions import db
from surveyapp.models import Campaign
from surveyapp.scoring.services import answer_counts, campaign_statistics
from surveyapp.survey.services import Submission, submit_response

# Per question, how many of the report's 41 respondents chose A (the rest chose B); seed facts §2.
REPORT_A_COUNTS = {1: 34, 2: 33, 3: 33, 4: 33, 5: 32, 6: 31, 7: 33, 8: 34, 9: 33, 10: 32}


def store_report_responses(campaign: Campaign) -> None:
    """41 responses whose answers add up to the report's counts."""
    for respondent in range(41):
        answers = {q: ("A" if respondent < a_count else "B") for q, a_count in REPORT_A_COUNTS.items()}
        submit_response(campaign, Submission(f"report-{respondent:04d}", answers, channel="paper"))


def test_counts_come_from_the_database(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        counts = answer_counts(db.session.get(Campaign, report_campaign.id))  # type: ignore[arg-type]
        by_key = {(r.question, r.code): r.count for r in counts.itertuples()}
        assert by_key[(1, "A")] == 34 and by_key[(6, "B")] == 10
        assert counts["count"].sum() == 410


def test_campaign_reproduces_the_report(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        table = campaign_statistics(db.session.get(Campaign, report_campaign.id))  # type: ignore[arg-type]
        assert table.respondents == 41
        assert round_half_up(table.score) == round_half_up(98)
        data = table.as_dict()
        assert data["score"] == 98.0
        assert [q["score"] for q in data["questions"]] == [
            9.83,
            9.8,
            9.8,
            9.8,
            9.78,
            9.76,
            9.8,
            9.83,
            9.8,
            9.78,
        ]
        assert data["totals"]["options"][0]["count"] == 328
        assert data["totals"]["options"][1]["points"] == 18.0
