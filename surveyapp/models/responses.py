"""Responses and their answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base, UTCDateTime, utcnow

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL needs 64 bits at scale.
BigId = BigInteger().with_variant(Integer, "sqlite")

CHANNELS = ("qr", "interview", "paper", "import")
MODES = ("self", "read_aloud", "proxy")


class Response(Base):
    """One respondent's completed questionnaire, stored exactly once per submission id."""

    __tablename__ = "response"
    __table_args__ = (
        UniqueConstraint("campaign_id", "submission_id"),
        CheckConstraint("channel IN ('qr', 'interview', 'paper', 'import')", name="channel_known"),
        CheckConstraint("mode IS NULL OR mode IN ('self', 'read_aloud', 'proxy')", name="mode_known"),
        Index("ix_response_campaign_submitted", "campaign_id", "submitted_at"),
        # The per-address and burst checks count a campaign's recent responses from one address,
        # the per-phone limit its responses from one phone. Partial: each index serves only the
        # queries that name its column, so a prepared statement's plan, made while the table is
        # small and has no statistics, cannot take the other's index or the exclusion index for
        # these counts (see migration 0015 and tests/survey/test_sender_limit_plans.py).
        Index(
            "ix_response_campaign_address",
            "campaign_id",
            "address_hash",
            "received_at",
            postgresql_where=text("address_hash IS NOT NULL"),
            sqlite_where=text("address_hash IS NOT NULL"),
        ),
        Index(
            "ix_response_campaign_device",
            "campaign_id",
            "device_id",
            postgresql_where=text("device_id IS NOT NULL"),
            sqlite_where=text("device_id IS NOT NULL"),
        ),
        Index("ix_response_campaign_excluded", "campaign_id", "excluded_at"),
        CheckConstraint("form_seconds IS NULL OR form_seconds >= 0", name="form_seconds_positive"),
        CheckConstraint("(excluded_at IS NULL) = (excluded_reason IS NULL)", name="excluded_with_reason"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: the campaign answered
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="RESTRICT"), nullable=False)
    #: the exact questionnaire version that was asked
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="RESTRICT"), nullable=False
    )
    #: made by the client once per filled-in form; a repeat of it is the same response
    submission_id: Mapped[str] = mapped_column(String(64), nullable=False)
    #: qr, interview, paper or import
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    #: for interviews: self, read_aloud or proxy
    mode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: the area the respondent lives in, when known
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    #: when the respondent finished (for offline and paper entries, the time on the device or paper)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: when the server stored it
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: the staff member who entered it; None for respondents answering themselves
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=True, index=True
    )

    #: seconds from the server issuing the public form's signed id to receiving it; None for staff
    form_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: keyed hash (HMAC with the secret key) of the sender's address, never the address itself;
    #: only for the public form's per-address limit and burst check
    address_hash: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: the random id in the answering phone's long-lived signed cookie, for the per-device limit
    device_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: when an evaluator left this response out of the figures; None while it counts
    excluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: why it was left out (shown on the data-quality panel and in the audit log)
    excluded_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    #: the evaluator who left it out
    excluded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=True
    )

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(Base):
    """A response's answer to one question, in the column its type stores it in.

    A scale or select_one answer is ``option_id``; a select_multiple answer its ``choices``; text
    ``value_text`` (also the text of an "other" option); integer, decimal and range
    ``value_number``; date ``value_date``. A question that was not relevant has no answer.
    """

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id"),
        # Scoring counts answers per (question, option) of a campaign: this index covers it.
        Index("ix_answer_campaign_question_option", "campaign_id", "question_id", "option_id"),
        # Per-response sums (score intervals) and exports read a campaign's answers response by
        # response: this covering index gives them in that order without touching the table.
        Index("ix_answer_campaign_response", "campaign_id", "response_id", "question_id", "option_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: the response this answer is part of
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), nullable=False)
    #: the response's campaign, repeated so counting needs no join
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="RESTRICT"), nullable=False)
    #: the question answered
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"), nullable=False)
    #: the option chosen (scale and select_one)
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("scale_option.id", ondelete="RESTRICT"), nullable=True
    )
    #: a text answer, or the text given with an "other" option
    value_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: an integer, decimal or range answer
    value_number: Mapped[Decimal | None] = mapped_column(Numeric(24, 8), nullable=True)
    #: a date answer
    value_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    response: Mapped[Response] = relationship(back_populates="answers")
    choices: Mapped[list[AnswerChoice]] = relationship(cascade="all, delete-orphan")


class AnswerChoice(Base):
    """One option chosen in a select_multiple answer."""

    __tablename__ = "answer_choice"

    #: the answer
    answer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    #: an option chosen
    option_id: Mapped[int] = mapped_column(
        ForeignKey("scale_option.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
