"""The tree of administrative areas: city, county, township, village."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base

AREA_LEVELS = ("city", "county", "township", "village")


class Area(Base):
    """An administrative area; a user or a campaign bound to it reaches it and everything below."""

    __tablename__ = "area"
    __table_args__ = (
        CheckConstraint("level IN ('city', 'county', 'township', 'village')", name="level_known"),
        CheckConstraint(
            "city_share IS NULL OR (city_share >= 0 AND city_share <= 1)", name="city_share_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a stable code, e.g. the national administrative division code ``530129``
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    #: the name as people write it, e.g. 寻甸县
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: city, county, township or village
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    #: the area this one lies in; None for the root
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    #: the city's share of the cost of the subsidy (0.5 for 5:5, 0.7 for 7:3), where the report gives it
    city_share: Mapped[Decimal | None] = mapped_column(Numeric(4, 3), nullable=True)

    parent: Mapped[Area | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent", order_by="Area.code")
