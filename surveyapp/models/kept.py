"""A campaign's aggregates as last computed, kept in the database for every worker and restart."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.models.base import Base, UTCDateTime, utcnow


class KeptAggregate(Base):
    """The rows of one aggregate query over a campaign, and the reading they were computed at.

    See :mod:`surveyapp.scoring.kept`: rows are used only for the very reading (response count,
    highest response id, data and exclusion revisions) they carry, or added to when only new
    responses came since.
    """

    __tablename__ = "kept_aggregate"
    __table_args__ = (UniqueConstraint("campaign_id", "query_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: SHA-256 of the query's SQL and parameters
    query_key: Mapped[str] = mapped_column(String(64), nullable=False)
    response_count: Mapped[int] = mapped_column(BigInteger, nullable=False)
    highest_response: Mapped[int] = mapped_column(BigInteger, nullable=False)
    data_revision: Mapped[int] = mapped_column(Integer, nullable=False)
    #: 0 for a query that does not look at exclusions
    exclusion_revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    #: the rows, as JSON (dates and times tagged)
    rows: Mapped[str] = mapped_column(Text, nullable=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
