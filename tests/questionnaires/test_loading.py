"""Loading questionnaire files into the database: idempotent, nothing half-loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Question, QuestionnaireVersion, ScaleOption


def _write(path: Path, title: str = "测试问卷", version: int = 1, weight: float = 1) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "id": "test-survey",
                "version": version,
                "title": title,
                "scale": [
                    {"code": "A", "label": "满意", "weight": weight},
                    {"code": "B", "label": "不满意", "weight": 0},
                ],
                "questions": [{"number": 1, "text": "第一题"}],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return path


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_loading_twice_changes_nothing(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path / "q.yaml")
    first = runner.invoke(args=["questionnaire", "load", str(path)])
    second = runner.invoke(args=["questionnaire", "load", str(path)])
    assert first.exit_code == 0 and "loaded" in first.output
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert _count(app, QuestionnaireVersion) == 1


def test_changed_file_needs_a_new_version(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    runner.invoke(args=["questionnaire", "load", str(_write(tmp_path / "q.yaml"))])
    changed = runner.invoke(args=["questionnaire", "load", str(_write(tmp_path / "q2.yaml", title="新标题"))])
    assert changed.exit_code != 0
    assert "new version number" in changed.output
    bumped = runner.invoke(
        args=["questionnaire", "load", str(_write(tmp_path / "q3.yaml", title="新标题", version=2))]
    )
    assert bumped.exit_code == 0
    listing = runner.invoke(args=["questionnaire", "list"]).output
    assert "test-survey\tv1" in listing and "test-survey\tv2" in listing


@pytest.mark.parametrize("weight", [2, -0.1])
def test_bad_file_leaves_nothing_behind(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, weight: float
) -> None:
    result = runner.invoke(args=["questionnaire", "load", str(_write(tmp_path / "bad.yaml", weight=weight))])
    assert result.exit_code != 0
    # The command line speaks the default language, Chinese.
    assert "bad.yaml: scale[0].weight: 权重应在 0 到 1 之间" in result.output
    assert _count(app, QuestionnaireVersion) == 0
    assert _count(app, ScaleOption) == 0
    assert _count(app, Question) == 0
