"""An evaluator picks the weight scheme a campaign scores with; the table follows."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from surveyapp.extensions import db
from surveyapp.models import Campaign, WeightScheme, WeightSchemeEntry
from surveyapp.scoring.schemes import (
    SchemeError,
    load_builtin_schemes,
    scheme_info,
    set_campaign_scheme,
)
from surveyapp.scoring.services import campaign_statistics
from tests.scoring.conftest import load


def test_builtin_schemes_load_once(app: Flask) -> None:
    with app.app_context():
        first = load_builtin_schemes()
        db.session.commit()
        second = load_builtin_schemes()
        assert [new for _, new in first] == [True, True]
        assert [new for _, new in second] == [False, False]
        weights = {s.key: {c: float(w) for c, w in s.weights().items()} for s, _ in second}
        assert weights["report-2022"] == {"A": 1.0, "B": 0.9, "C": 0.6, "D": 0.3, "E": 0.0}
        assert weights["national-100-80-60-30-0"] == {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.3, "E": 0.0}


def test_national_scheme_rescores_the_report(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        load_builtin_schemes()
        campaign = load(report_campaign)
        assert campaign_statistics(campaign).as_dict()["score"] == 98.0
        set_campaign_scheme(campaign, "national-100-80-60-30-0")
        # A 328 x 10 x 1.0 + B 82 x 10 x 0.8 = 3280 + 656 = 3936; 3936 / 41 = 96.00
        data = campaign_statistics(campaign).as_dict()
        assert data["score"] == 96.0
        # question 1: B 7/41 x 10 x 0.8 = 1.3659 -> 1.37; total 8.2927 + 1.3659 = 9.6585 -> 9.66
        assert data["questions"][0]["options"][1]["points"] == 1.37
        assert data["questions"][0]["score"] == 9.66
        assert scheme_info(campaign).key == "national-100-80-60-30-0"
        set_campaign_scheme(campaign, "questionnaire")
        assert campaign_statistics(campaign).as_dict()["score"] == 98.0
        assert scheme_info(campaign).key == "questionnaire"


def test_scheme_must_cover_every_code(app: Flask, campaign: Campaign) -> None:
    with app.app_context():
        partial = WeightScheme(
            key="two-codes",
            name="A and B only",
            entries=[WeightSchemeEntry(code="A", weight=1), WeightSchemeEntry(code="B", weight=0.5)],
        )
        db.session.add(partial)
        db.session.flush()
        with pytest.raises(SchemeError, match=r"no weight for option.*C, D, E"):
            set_campaign_scheme(load(campaign), "two-codes")
        with pytest.raises(SchemeError, match="no weight scheme 'nope'"):
            set_campaign_scheme(load(campaign), "nope")


def test_cli_lists_and_sets_schemes(app: Flask, runner: FlaskCliRunner, report_campaign: Campaign) -> None:
    with app.app_context():
        load_builtin_schemes()
        db.session.commit()
    listed = runner.invoke(args=["scheme", "list"])
    assert "national-100-80-60-30-0\tA=1 B=0.8 C=0.6 D=0.3 E=0" in listed.output
    result = runner.invoke(args=["campaign", "scheme", report_campaign.slug, "national-100-80-60-30-0"])
    assert result.exit_code == 0, result.output
    assert "score 96.00" in result.output
    with app.app_context():
        assert load(report_campaign).weight_scheme is not None
    refused = runner.invoke(args=["campaign", "scheme", report_campaign.slug, "unknown"])
    assert refused.exit_code != 0 and "no weight scheme 'unknown'" in refused.output
