"""An analyst opens the responses in SPSS, Stata or R: variable and value labels come along."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyreadstat
import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from surveyapp.exports.report import ResponseColumn
from surveyapp.exports.statistical import variable_names
from surveyapp.models import Campaign
from tests.accounts.conftest import sign_in

QUESTION_2 = (
    "您认为该项目在做好昆明市城乡残疾人社会养老保险补助经费，"
    "对残疾人进行资格审核及补助内容真实性审核方面做得如何："
)
SCALE = {1: "非常满意", 2: "满意", 3: "一般", 4: "不满意", 5: "很不满意"}
READERS = {"sav": pyreadstat.read_sav, "dta": pyreadstat.read_dta}


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_responses_carry_question_texts_and_option_labels(
    runner: FlaskCliRunner, report_campaign: Campaign, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"responses.{fmt}"
    args = ["report", report_campaign.slug, "--responses", "--format", fmt, "-o", str(target)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    frame, meta = READERS[fmt](str(target))
    assert len(frame) == 41
    assert list(frame.columns[:6]) == ["seq", "submitted", "channel", "mode", "area_code", "area"]
    assert list(frame.columns[6:]) == [f"q{n}" for n in range(1, 11)]
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["q1"] == "您对该项目2022年工作的总体评价是："
    assert labels["q2"] == QUESTION_2
    assert labels["channel"] == "渠道"
    assert meta.variable_value_labels["q6"] == SCALE
    assert meta.variable_value_labels["channel"][3] == "纸质录入"
    # Question 6: 31 A and 10 B answers (seed facts §2), stored as 1 and 2.
    assert frame["q6"].value_counts().to_dict() == {1: 31, 2: 10}
    assert set(frame["channel"]) == {3}


def test_statistical_files_need_responses_and_a_file(
    runner: FlaskCliRunner, report_campaign: Campaign
) -> None:
    no_file = runner.invoke(args=["report", report_campaign.slug, "--responses", "--format", "sav"])
    assert no_file.exit_code != 0 and "-o" in no_file.output
    table = runner.invoke(args=["report", report_campaign.slug, "--format", "dta", "-o", "x.dta"])
    assert table.exit_code != 0 and "--responses" in table.output


def test_names_fit_stata() -> None:
    long = "问题" + "x" * 40
    columns = [ResponseColumn(h, n, h) for h, n in [("a", "q1"), ("b", "Q1"), ("c", long), ("d", "1st")]]
    names = variable_names(columns)
    assert names[0] == "q1" and names[1].lower() != "q1"
    assert all(len(n) <= 32 and n.isascii() and not n[0].isdigit() for n in names)
    assert names[3] == "v1st"


def test_evaluator_downloads_spss(
    client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign, tmp_path: Path
) -> None:
    make_user("ev1")
    sign_in(client, "ev1")
    response = client.get(f"/evaluation/campaigns/{report_campaign.slug}/responses.sav")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("-responses.sav")
    target = tmp_path / "download.sav"
    target.write_bytes(response.data)
    response.close()
    frame, meta = pyreadstat.read_sav(str(target))
    assert len(frame) == 41 and meta.variable_value_labels["q1"][1] == "非常满意"
