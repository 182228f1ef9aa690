"""Campaigns (one run of one questionnaire version) and the weight schemes they score with."""

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

from surveyapp.models.areas import Area
from surveyapp.models.base import Base, UTCDateTime, utcnow
from surveyapp.models.questionnaires import QuestionnaireVersion

#: A family may answer for several members on one phone ("answer again for another person").
DEFAULT_DEVICE_LIMIT = 10
#: A whole village, or a township, may reach the server through one carrier (CGNAT) address.
DEFAULT_ADDRESS_DAILY_LIMIT = 500


class CampaignStateError(Exception):
    """A campaign was asked to change into a state it cannot reach from its current one."""


class WeightScheme(Base):
    """Weights per option code that a campaign may score with instead of its questionnaire's."""

    __tablename__ = "weight_scheme"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the public identifier, e.g. ``national-100-80-60-30-0``
    key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: the name shown to evaluators
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: where the weights come from
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: shipped with the application (cannot be deleted)
    builtin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: when it was made
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    entries: Mapped[list[WeightSchemeEntry]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="WeightSchemeEntry.code"
    )

    def weights(self) -> dict[str, Decimal]:
        """The weight of each option code."""
        return {entry.code: entry.weight for entry in self.entries}


class WeightSchemeEntry(Base):
    """The weight a scheme gives one option code."""

    __tablename__ = "weight_scheme_entry"
    __table_args__ = (
        UniqueConstraint("weight_scheme_id", "code"),
        CheckConstraint("weight >= 0 AND weight <= 1", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the scheme
    weight_scheme_id: Mapped[int] = mapped_column(
        ForeignKey("weight_scheme.id", ondelete="CASCADE"), nullable=False
    )
    #: the option code, e.g. ``B``
    code: Mapped[str] = mapped_column(String(8), nullable=False)
    #: the weight on 0..1
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 4), nullable=False)

    scheme: Mapped[WeightScheme] = relationship(back_populates="entries")


class Campaign(Base):
    """One run of one questionnaire version, answered at its public address."""

    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        CheckConstraint("target_responses IS NULL OR target_responses > 0", name="target_positive"),
        CheckConstraint("population_size IS NULL OR population_size > 0", name="population_positive"),
        CheckConstraint("access IN ('anyone', 'code', 'both')", name="access_known"),
        CheckConstraint("device_limit IS NULL OR device_limit > 0", name="device_limit_positive"),
        CheckConstraint(
            "address_daily_limit IS NULL OR address_daily_limit > 0", name="address_daily_limit_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the last segment of the public address; short, unguessable enough, easy to type
    slug: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    #: the name staff see
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: the exact questionnaire version respondents are asked
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    #: open (accepting responses) or closed
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    #: how many responses the campaign aims for
    target_responses: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: how many people the sample is drawn from (for the finite population correction)
    population_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the area the campaign covers; None for all
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    #: the weights to score with; None means the questionnaire's own
    weight_scheme_id: Mapped[int | None] = mapped_column(
        ForeignKey("weight_scheme.id", ondelete="RESTRICT"), nullable=True
    )
    #: when responses start being accepted; None means at once
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: when responses stop being accepted; None means until closed by hand
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: who may answer: ``anyone`` with the address, only holders of a personal ``code``, or ``both``
    access: Mapped[str] = mapped_column(String(8), nullable=False, default="anyone", server_default="anyone")
    #: when the campaign was made
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: most responses the public form takes from one phone (its signed cookie); None for no limit
    device_limit: Mapped[int | None] = mapped_column(Integer, nullable=True, default=DEFAULT_DEVICE_LIMIT)
    #: most responses the public form takes from one address in 24 hours; None for no limit
    address_daily_limit: Mapped[int | None] = mapped_column(
        Integer, nullable=True, default=DEFAULT_ADDRESS_DAILY_LIMIT
    )
    #: raised whenever one of its stored responses or answers is changed or deleted (never by a
    #: new response, nor by an exclusion): what the kept aggregates are keyed on, with the count
    #: and highest id
    data_revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    #: raised whenever one of its responses is excluded or restored: what the kept aggregates
    #: that look at exclusions are keyed on too
    exclusion_revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    area: Mapped[Area | None] = relationship()
    weight_scheme: Mapped[WeightScheme | None] = relationship()

    def is_accepting(self, now: datetime | None = None) -> bool:
        """Whether a response submitted now would be stored."""
        now = now or utcnow()
        if self.status != "open":
            return False
        if self.opens_at is not None and now < self.opens_at:
            return False
        return self.closes_at is None or now < self.closes_at

    def close(self) -> None:
        """Stop accepting responses."""
        if self.status == "closed":
            raise CampaignStateError("campaign is already closed")
        self.status = "closed"

    def reopen(self) -> None:
        """Accept responses again."""
        if self.status == "open":
            raise CampaignStateError("campaign is already open")
        self.status = "open"
