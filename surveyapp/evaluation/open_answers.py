"""The open answers (text questions) of a campaign for the evaluator's page: counted, searchable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, Campaign, Question, Response

SHOWN = 200  # the page lists this many per question; the exports hold them all


@dataclass(frozen=True)
class OpenAnswers:
    """One text question's answers: how many there are, how many match, the matching ones."""

    question: Question
    total: int
    matching: int
    answers: list[tuple[datetime, str]]


def _like(search: str) -> str:
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def open_answers(campaign: Campaign, search: str | None = None) -> list[OpenAnswers]:
    """Every text question's answers, newest first, filtered by ``search`` (a plain substring)."""
    found = []
    for question in campaign.questionnaire_version.questions:
        if question.type != "text":
            continue
        base = select(Answer.value_text, Response.submitted_at).join(
            Response, Response.id == Answer.response_id
        )
        base = base.where(Answer.campaign_id == campaign.id, Answer.question_id == question.id)
        base = base.where(Answer.value_text.is_not(None), Answer.value_text != "")
        total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
        if search:
            base = base.where(Answer.value_text.ilike(_like(search), escape="\\"))
        matching = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = db.session.execute(base.order_by(Response.submitted_at.desc()).limit(SHOWN)).all()
        found.append(OpenAnswers(question, total, matching, [(when, text or "") for text, when in rows]))
    return found
