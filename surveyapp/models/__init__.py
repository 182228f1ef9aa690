"""The data model. Every model is importable from here."""

from surveyapp.models.accounts import ROLES, User
from surveyapp.models.areas import AREA_LEVELS, Area
from surveyapp.models.audit import AuditEvent
from surveyapp.models.base import Base, utcnow
from surveyapp.models.campaigns import Campaign, CampaignStateError, WeightScheme, WeightSchemeEntry
from surveyapp.models.distribution import (
    ACCESS_MODES,
    CodeUse,
    PersonalCode,
    Roster,
    RosterPerson,
    SampleDraw,
)
from surveyapp.models.fieldwork import FieldDetail
from surveyapp.models.indicators import (
    LINK_KINDS,
    FundsRow,
    FundsSheet,
    IndicatorChange,
    IndicatorNode,
    IndicatorTable,
)
from surveyapp.models.kept import KeptAggregate
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
    "ACCESS_MODES",
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
    "CodeUse",
    "FieldDetail",
    "FundsRow",
    "FundsSheet",
    "IndicatorChange",
    "IndicatorNode",
    "IndicatorTable",
    "KeptAggregate",
    "PersonalCode",
    "Question",
    "QuestionGroup",
    "Questionnaire",
    "QuestionnaireVersion",
    "Response",
    "Roster",
    "RosterPerson",
    "SampleDraw",
    "ScaleOption",
    "SignInFailure",
    "User",
    "WeightScheme",
    "WeightSchemeEntry",
    "utcnow",
]
