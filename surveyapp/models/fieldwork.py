"""What field staff record about an interview or a paper sheet beyond the answers themselves."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base
from surveyapp.models.responses import BigId, Response


class FieldDetail(Base):
    """One row per interview or paper sheet entered by field staff, beside its response.

    The interviewer is the response's ``entered_by``, the mode its ``mode``, the township and
    village its ``area`` (the finest area known, whose ancestors give the township), the date its
    ``submitted_at``. This table holds what only field work has: the note and the sheet's serial.
    """

    __tablename__ = "field_detail"
    __table_args__ = (
        # A paper sheet is entered once per campaign: its serial number is unique there.
        UniqueConstraint("campaign_id", "sheet_serial"),
        CheckConstraint("sheet_serial IS NULL OR length(sheet_serial) > 0", name="serial_not_empty"),
    )

    #: the response these details belong to
    response_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    #: the response's campaign, repeated so the serial can be unique per campaign
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="RESTRICT"), nullable=False)
    #: the interview note (访谈记录), as the interviewer wrote it
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the serial number written on a paper sheet; None for interviews
    sheet_serial: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: the paper batch the sheet was typed in with, as the device named it
    batch: Mapped[str | None] = mapped_column(String(64), nullable=True)

    response: Mapped[Response] = relationship()
