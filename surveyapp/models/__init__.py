"""The data model. Every model is importable from here."""

from surveyapp.models.accounts import ROLES, User
from surveyapp.models.areas import AREA_LEVELS, Area
from surveyapp.models.audit import AuditEvent
from surveyapp.models.base import Base, utcnow
from surveyapp.models.campaigns import Campaign, CampaignStateError, WeightScheme, WeightSchemeEntry
from surveyapp.models.indicators import (
    LINK_KINDS,
    FundsRow,
    FundsSheet,
    IndicatorChange,
    IndicatorNode,
    IndicatorTable,
)
from surveyapp.models.questionnaires import (
    Question,
    QuestionGroup,
    Questionnaire,
    QuestionnaireVersion,
    ScaleOption,
)
from surveyapp.models.responses import CHANNELS, MODES, Answer, AnswerChoice, Response
from surveyapp.models.throttle import SignInFailure

__all__ = [
    "AREA_LEVELS",
    "CHANNELS",
    "LINK_KINDS",
    "MODES",
    "ROLES",
    "Answer",
    "AnswerChoice",
    "Area",
    "AuditEvent",
    "Base",
    "Campaign",
    "CampaignStateError",
    "FundsRow",
    "FundsSheet",
    "IndicatorChange",
    "IndicatorNode",
    "IndicatorTable",
    "Question",
    "QuestionGroup",
    "Questionnaire",
    "QuestionnaireVersion",
    "Response",
    "ScaleOption",
    "SignInFailure",
    "User",
    "WeightScheme",
    "WeightSchemeEntry",
    "utcnow",
]
