"""Questionnaires, their versions, groups, questions and choice lists.

A version holds its items in one order (``position``): questions of every type of the registry
(``surveyapp.questionnaires.question_types``), notes among them, each optionally inside a group.
Choice lists are the version's options grouped by ``list_name``, as in XLSForm's choices sheet;
the list named by ``scale_list`` is the scale that scored questions share. Texts are stored in
the version's language; ``translations`` holds the other languages, ``{field: {language: text}}``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
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
    #: the form's own version string as its file gives it (XLSForm allows any, e.g. ``siv1``)
    form_version: Mapped[str | None] = mapped_column(String(255), nullable=True)
    #: the choice list that scored (``scale``) questions share
    scale_list: Mapped[str] = mapped_column(String(64), nullable=False, default="scale")
    #: title and introduction in other languages: ``{"title": {"en": "..."}}``
    translations: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: the rows of the uploaded file that are not asked, as ``[[name, type], ...]`` (ODK device
    #: metadata such as ``today``), so the preview keeps saying what was left out
    left_out: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")
    options: Mapped[list[ScaleOption]] = relationship(
        back_populates="questionnaire_version",
        order_by="(ScaleOption.list_name, ScaleOption.position)",
        cascade="all, delete-orphan",
    )
    items: Mapped[list[Question]] = relationship(
        back_populates="questionnaire_version",
        order_by="Question.position",
        cascade="all, delete-orphan",
    )
    groups: Mapped[list[QuestionGroup]] = relationship(
        back_populates="questionnaire_version",
        order_by="QuestionGroup.position",
        cascade="all, delete-orphan",
    )

    @property
    def scale(self) -> list[ScaleOption]:
        """The shared scale of scored questions, in the order the file gives it."""
        return self.choice_list(self.scale_list)

    def choice_list(self, name: str | None) -> list[ScaleOption]:
        """The options of one choice list, in order."""
        return [o for o in self.options if o.list_name == name]

    @property
    def questions(self) -> list[Question]:
        """The answerable questions (notes left out), in order."""
        return [q for q in self.items if q.number is not None]

    def by_number(self) -> dict[int, Question]:
        """The answerable questions by number."""
        return {q.number: q for q in self.items if q.number is not None}

    @property
    def scored_questions(self) -> list[Question]:
        """The questions the statistics table scores: the scale questions."""
        return [q for q in self.questions if q.type == "scale"]

    @property
    def scored_lists(self) -> list[str]:
        """The choice lists the scored questions are scored on, in the order of their first question.

        Most questionnaires score every question on the shared scale (``scale_list``); a scale
        question may name a list of its own.
        """
        named = dict.fromkeys(q.list_name or self.scale_list for q in self.scored_questions)
        return list(named) or [self.scale_list]

    @property
    def scored_options(self) -> list[ScaleOption]:
        """The options of every list the scored questions are scored on."""
        return [o for name in self.scored_lists for o in self.choice_list(name)]

    @property
    def key(self) -> str:
        """The questionnaire's public identifier."""
        return self.questionnaire.key

    @property
    def is_published(self) -> bool:
        """Whether campaigns may use this version."""
        return self.published_at is not None


class ScaleOption(Base):
    """One option of a choice list of a version (the shared scale is one such list)."""

    __tablename__ = "scale_option"
    __table_args__ = (
        UniqueConstraint("questionnaire_version_id", "list_name", "code"),
        UniqueConstraint("questionnaire_version_id", "list_name", "position"),
        CheckConstraint("weight >= 0 AND weight <= 1", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the version this option belongs to
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE"), nullable=False
    )
    #: the choice list this option belongs to (XLSForm's ``list_name``)
    list_name: Mapped[str] = mapped_column(String(64), nullable=False, default="scale")
    #: order in its list, as the file gives it
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    #: the code stored and exported, e.g. ``A`` (XLSForm's choice ``name``)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    #: the words respondents see, e.g. 非常满意
    label: Mapped[str] = mapped_column(String(500), nullable=False)
    #: the weight on 0..1 in the score; None for options of unscored lists
    weight: Mapped[Decimal | None] = mapped_column(Numeric(6, 4), nullable=True)
    #: False for options such as 不了解 that are left out of the denominator
    counted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: whether choosing it counts as satisfied; None lets the scoring decide by weight
    satisfied: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    #: the label in other languages: ``{"label": {"en": "Very satisfied"}}``
    translations: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(back_populates="options")


class QuestionGroup(Base):
    """A section of a version (XLSForm's ``begin group``): a heading over its questions."""

    __tablename__ = "question_group"
    __table_args__ = (UniqueConstraint("questionnaire_version_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the version this group belongs to
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE"), nullable=False
    )
    #: the group it is nested in, if any
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_group.id", ondelete="CASCADE"), nullable=True
    )
    #: order among the groups of the version, a parent before the groups inside it
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    #: its name in the file, e.g. ``profile``
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    #: the heading shown, if any
    label: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: an XLSForm ``relevant`` expression deciding whether the whole group is asked
    relevant: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the heading in other languages
    translations: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(back_populates="groups")
    parent: Mapped[QuestionGroup | None] = relationship(remote_side="QuestionGroup.id")


class Question(Base):
    """A question (or a note, which has no number) of a version; its type is a registry key."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("questionnaire_version_id", "number"),
        UniqueConstraint("questionnaire_version_id", "position"),
        UniqueConstraint("questionnaire_version_id", "name"),
        CheckConstraint("points >= 0", name="points_nonnegative"),
        CheckConstraint("number IS NOT NULL OR type = 'note'", name="number_unless_note"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the version this question belongs to
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE"), nullable=False
    )
    #: 1, 2, ... as printed; None for notes
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: order among every item of the version, notes included
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    #: the name in the file (XLSForm ``name``), used by ``relevant`` expressions and exports
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    #: the group it is asked in, if any
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_group.id", ondelete="CASCADE"), nullable=True
    )
    #: the choice list of a choice question
    list_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: help shown under the question
    hint: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: an XLSForm ``relevant`` expression over earlier answers; None means always asked
    relevant: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: an XLSForm ``constraint`` expression over the answer (``.``)
    constraint: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: shown, as written, when the constraint fails
    constraint_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: shown, as written, when a required question is left unanswered
    required_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: XLSForm ``appearance`` (``multiline`` makes a long text, ``rating`` stars)
    appearance: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: type parameters, e.g. a range's ``{"start": 0, "end": 10, "step": 1}``
    parameters: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: whether a choice question offers "other" with a text
    or_other: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: label, hint and messages in other languages: ``{"text": {"en": "..."}}``
    translations: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: the question type, a key of the question type registry
    type: Mapped[str] = mapped_column(String(32), nullable=False, default="scale")
    #: the question as printed
    text: Mapped[str] = mapped_column(Text, nullable=False)
    #: what the question is worth in the questionnaire's score
    points: Mapped[Decimal] = mapped_column(Numeric(8, 4), nullable=False)
    #: whether a respondent must answer it
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(back_populates="items")
    group: Mapped[QuestionGroup | None] = relationship()

    @property
    def is_note(self) -> bool:
        """Whether it is shown only, never answered."""
        return self.number is None
