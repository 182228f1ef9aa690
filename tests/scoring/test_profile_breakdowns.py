"""The score broken down by a profile question of the questionnaire (gender, age group, ...)."""

from __future__ import annotations

from flask import Flask

from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import QuestionnaireVersion
from surveyapp.questionnaires.services import find_version
from surveyapp.scoring.breakdowns import campaign_breakdown, profile_breakdowns
from surveyapp.scoring.report import breakdown_records
from surveyapp.survey.services import Submission, submit_response


def _answers(gender: str, code: str) -> dict[int, str]:
    return {1: "self", 2: gender, 3: "60p", 6: "g3", **{n: code for n in range(7, 17)}}


def test_score_by_gender(app: Flask, questionnaire: QuestionnaireVersion) -> None:
    with app.app_context():
        version = find_version("kunming-2022-pension-survey")
        assert version is not None
        campaign = create_campaign(version, "by gender")
        answers = [("f", "A"), ("f", "B"), ("m", "C")]
        for i, (gender, code) in enumerate(answers):
            submit_response(campaign, Submission(f"profile-{i:04d}", _answers(gender, code)))
        db.session.commit()
        assert "question:gender" in profile_breakdowns(campaign)
        rows = breakdown_records(campaign_breakdown(campaign, "question:gender"), "question:gender")
        by_group = {r["group"]: (r["respondents"], r["score"], r["satisfaction_rate"]) for r in rows}
        # women: (100 + 90) / 2 = 95.00, both satisfied; men: one 一般 = 60.00, not satisfied
        assert by_group == {"女": (2, 95.0, 100.0), "男": (1, 60.0, 0.0)}
