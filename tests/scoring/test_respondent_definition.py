"""The SQL behind the confidence intervals follows the one definition of a respondent's score."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import select

from analysis.respondents import respondent_scores
from surveyapp.extensions import db
from surveyapp.models import Answer, Question, ScaleOption


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "one-case-per-sum"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_sums_agree_with_the_definition(
    app: Flask, questionnaire: object, seed: int, packed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ways of summing in SQL: the three sums packed in one integer (every scored question
    worth the same points, as here) and one ``CASE`` per sum (any points)."""
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.scoring import certainty

    if not packed:
        monkeypatch.setattr(certainty, "_packable", lambda *_args: False)
    from surveyapp.questionnaires.services import find_version
    from surveyapp.scoring.certainty import respondent_sums
    from surveyapp.scoring.services import questions_frame, scale_frame
    from surveyapp.survey.services import Submission, submit_response

    rng = random.Random(seed)
    with app.test_request_context():
        version = find_version("kunming-2022-pension-survey")
        assert version is not None
        campaign = create_campaign(version, f"definition {seed}")
        profile = {1: "self", 2: "f", 3: "45_59", 6: "g3"}
        for respondent in range(40):
            # answers of every kind, "don't know" (X, not counted) included, some all X
            codes = rng.choice(["ABCDEX", "AAAB", "X", "DE", "ABX"])
            rated = {n: rng.choice(codes) for n in range(7, 17)}
            follow_up = {17: ["slow"]} if rated[7] in "DE" else {}
            submit_response(campaign, Submission(f"r{seed}-{respondent}", {**profile, **rated, **follow_up}))
        db.session.flush()

        sums = respondent_sums(campaign)
        rows = db.session.execute(
            select(Answer.response_id, Question.number, ScaleOption.code)
            .join(Question, Question.id == Answer.question_id)
            .join(ScaleOption, ScaleOption.id == Answer.option_id)
            .where(Answer.campaign_id == campaign.id, Question.type == "scale")
        ).all()
        answers = pd.DataFrame(rows, columns=["respondent", "question", "code"])
        defined = respondent_scores(answers, scale_frame(version), questions_frame(version))

    assert sums.respondents == len(defined) < 40  # those answering only X have no score
    assert math.isclose(sums.total, defined["score"].sum(), rel_tol=1e-12)
    assert math.isclose(sums.total_sq, (defined["score"] ** 2).sum(), rel_tol=1e-12)
    assert sums.satisfied == int(defined["satisfied"].sum())
