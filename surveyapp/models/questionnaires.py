"""Questionnaires, their versions, answer scales and questions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base, UTCDateTime, utcnow


class Questionnaire(Base):
    """A questionnaire, identified by a stable key; its content lives in its versions."""

    __tablename__ = "questionnaire"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the public identifier, e.g. ``kunming-2022-pension-satisfaction``
    key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: when it was first loaded
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.version"
    )

    @property
    def latest(self) -> QuestionnaireVersion:
        """The version with the highest number."""
        return self.versions[-1]


class QuestionnaireVersion(Base):
    """One immutable version of a questionnaire: what respondents were actually asked."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the questionnaire this is a version of
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), nullable=False
    )
    #: the version number, 1, 2, ...
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    #: the title shown to respondents
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    #: the language of the texts, e.g. ``zh-CN``
    language: Mapped[str] = mapped_column(String(16), nullable=False, default="zh-CN")
    #: an introduction shown above the questions
    introduction: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: SHA-256 of the canonical content, to tell a changed file that kept its version number
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: when this version was loaded
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: when it was published; only published versions can be used by campaigns
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")
    scale: Mapped[list[ScaleOption]] = relationship(
        back_populates="questionnaire_version",
        order_by="ScaleOption.position",
        cascade="all, delete-orphan",
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="questionnaire_version",
        order_by="Question.number",
        cascade="all, delete-orphan",
    )

    @property
    def key(self) -> str:
        """The questionnaire's public identifier."""
        return self.questionnaire.key

    @property
    def is_published(self) -> bool:
        """Whether campaigns may use this version."""
        return self.published_at is not None


class ScaleOption(Base):
    """One option of the answer scale that every question of a version shares."""

    __tablename__ = "scale_option"
    __table_args__ = (
        UniqueConstraint("questionnaire_version_id", "code"),
        UniqueConstraint("questionnaire_version_id", "position"),
        CheckConstraint("weight >= 0 AND weight <= 1", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the version this option belongs to
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE"), nullable=False
    )
    #: order on the scale, 0 for the best option
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    #: the letter respondents see, e.g. ``A``
    code: Mapped[str] = mapped_column(String(8), nullable=False)
    #: the words respondents see, e.g. 非常满意
    label: Mapped[str] = mapped_column(String(100), nullable=False)
    #: the questionnaire's own weight on 0..1
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 4), nullable=False)
    #: False for options such as 不了解 that are left out of the denominator
    counted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: whether choosing it counts as satisfied; None lets the scoring decide by position
    satisfied: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(back_populates="scale")


class Question(Base):
    """A question of a version; its answer is one option of the version's scale."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("questionnaire_version_id", "number"),
        CheckConstraint("points >= 0", name="points_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the version this question belongs to
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE"), nullable=False
    )
    #: 1, 2, ... as printed
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    #: the question type, a key of the question type registry
    type: Mapped[str] = mapped_column(String(32), nullable=False, default="scale")
    #: the question as printed
    text: Mapped[str] = mapped_column(Text, nullable=False)
    #: what the question is worth in the questionnaire's score
    points: Mapped[Decimal] = mapped_column(Numeric(8, 4), nullable=False)
    #: whether a respondent must answer it
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(back_populates="questions")
