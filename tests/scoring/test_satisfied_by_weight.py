"""Whether an answer is "satisfied" follows the option's weight, never its position on the scale."""

from __future__ import annotations

from flask import Flask

from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.questionnaires.reading import parse_questionnaire_text
from surveyapp.questionnaires.services import store_questionnaire
from surveyapp.scoring.services import campaign_statistics
from surveyapp.survey.services import Submission, submit_response

WORST_FIRST = """
id: worst-first
version: 1
title: 满意度
scale:
  - {code: "1", label: 很不满意, weight: 0}
  - {code: "2", label: 不满意, weight: 0.3}
  - {code: "3", label: 一般, weight: 0.6}
  - {code: "4", label: 满意, weight: 0.9}
  - {code: "5", label: 非常满意, weight: 1}
questions:
  - {number: 1, text: 总体评价}
"""


def _rate(app: Flask, text: str) -> float:
    with app.app_context():
        version, _created = store_questionnaire(parse_questionnaire_text(text, "t.yaml"), "t.yaml")
        version.published_at = version.created_at
        campaign = create_campaign(version, "worst first")
        for i, code in enumerate(["5", "4", "1"]):
            submit_response(campaign, Submission(f"submission-{i:04d}", {1: code}))
        db.session.commit()
        return campaign_statistics(campaign).satisfaction_rate


def test_a_scale_written_worst_first_scores_as_best_first(app: Flask) -> None:
    # 非常满意, 满意 and 很不满意: two satisfied answers of three
    assert round(_rate(app, WORST_FIRST), 2) == 66.67


def test_without_weights_a_worst_first_scale_gets_its_defaults_by_meaning(app: Flask) -> None:
    unweighted = (
        WORST_FIRST.replace(", weight: 0.3", "").replace(", weight: 0.6", "").replace(", weight: 0.9", "")
    )
    unweighted = unweighted.replace(", weight: 0}", "}").replace(", weight: 1}", "}")
    spec = parse_questionnaire_text(unweighted, "t.yaml")
    assert [float(o.weight or 0) for o in spec.scale] == [0.0, 0.3, 0.6, 0.9, 1.0]
    assert round(_rate(app, unweighted), 2) == 66.67
