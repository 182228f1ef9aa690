"""Distribution: a campaign's roster (花名册), the sample drawn from it, personal codes and their use.

Personal data is kept to what the job needs: the ID number only as a keyed hash, name and phone
only when the evaluator keeps them for interviews, and then encrypted with a key that lives in
the configuration, never in the database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.models.base import Base, UTCDateTime, utcnow
from surveyapp.models.responses import BigId

#: Who may answer a campaign: anyone with its address, only holders of a personal code, or both.
ACCESS_MODES = ("anyone", "code", "both")


class Roster(Base):
    """The list of people a campaign's sample is drawn from; at most one per campaign."""

    __tablename__ = "roster"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the campaign the roster belongs to
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    #: whether names and phone numbers were kept (encrypted) for interviews
    keeps_contacts: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: when it was imported
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: who imported it; None from the command line
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )


class RosterPerson(Base):
    """One person on a roster, identified by a keyed hash of the ID number."""

    __tablename__ = "roster_person"
    __table_args__ = (
        UniqueConstraint("roster_id", "id_hash"),
        Index("ix_roster_person_roster_county", "roster_id", "county_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: the roster
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), nullable=False)
    #: HMAC-SHA256 of the ID number under the configured key, in hex; the number itself is never kept
    id_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: the county the person lives in
    county_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), nullable=False)
    #: the township as the roster writes it
    township: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: the village as the roster writes it
    village: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: the name, encrypted; None unless contacts are kept
    name_secret: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    #: the phone number, encrypted; None unless contacts are kept
    phone_secret: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class SampleDraw(Base):
    """How a roster's sample was drawn, so anyone can draw it again from the same seed."""

    __tablename__ = "sample_draw"
    __table_args__ = (
        CheckConstraint("(per_stratum IS NULL) <> (fraction IS NULL)", name="one_rule"),
        CheckConstraint("per_stratum IS NULL OR per_stratum > 0", name="per_stratum_positive"),
        CheckConstraint("fraction IS NULL OR (fraction > 0 AND fraction <= 1)", name="fraction_range"),
        CheckConstraint("seed >= 0", name="seed_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the roster sampled
    roster_id: Mapped[int] = mapped_column(
        ForeignKey("roster.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    #: the seed of the random draw
    seed: Mapped[int] = mapped_column(BigInteger, nullable=False)
    #: the same number of people from every stratum; or None
    per_stratum: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the same share of every stratum; or None
    fraction: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: strata are townships within counties, not counties
    by_township: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: when it was drawn
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class PersonalCode(Base):
    """The code that lets one sampled person answer once."""

    __tablename__ = "personal_code"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: the campaign the code answers
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: the sampled person
    roster_person_id: Mapped[int] = mapped_column(
        ForeignKey("roster_person.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    #: up to 8 characters without look-alikes, unique across campaigns
    code: Mapped[str] = mapped_column(String(8), unique=True, nullable=False)
    #: when the form was first opened with the code
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CodeUse(Base):
    """The one response a personal code gave; the unique constraint makes a code answer once."""

    __tablename__ = "code_use"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: the code used
    personal_code_id: Mapped[int] = mapped_column(
        ForeignKey("personal_code.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    #: the response it gave
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    #: when it was used
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
