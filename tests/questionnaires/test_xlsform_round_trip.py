"""An XLSForm download of a stored questionnaire reads back as the same questionnaire."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask

from surveyapp.extensions import db
from surveyapp.models import QuestionnaireVersion
from surveyapp.questionnaires.describe import version_as_dict
from surveyapp.questionnaires.services import find_version, store_questionnaire
from surveyapp.questionnaires.xlsform import read_xlsform
from surveyapp.questionnaires.xlsform_export import xlsform_bytes


@pytest.mark.parametrize("key", ["kunming-2022-pension-satisfaction", "kunming-2022-pension-survey"])
def test_round_trip(app: Flask, questionnaire: QuestionnaireVersion, key: str) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        original = find_version(key)
        assert original is not None
        spec = read_xlsform(xlsform_bytes(original), f"{key}.xlsx")
        assert spec.key == key
        copy, created = store_questionnaire(replace(spec, version=2), "copy.xlsx")
        db.session.flush()
        assert created
        before, after = version_as_dict(original), version_as_dict(copy)
        assert after["items"] == before["items"]
        assert after["introduction"] == before["introduction"]
        assert (
            after["title"][after["default_language"][:2]] == before["title"][before["default_language"][:2]]
        )
        assert after["default_language"] == before["default_language"]
        assert after["form_version"] == (before["form_version"] or "1")
