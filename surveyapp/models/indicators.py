"""Indicator tables (绩效评价指标体系) as stored rows, their change history and the funds sheet.

The tree is stored one row per node; :mod:`surveyapp.indicators.services` rebuilds the
``analysis.indicators`` dataclasses from the rows to score, so there is one scoring path.
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

from surveyapp.models.accounts import User
from surveyapp.models.areas import Area
from surveyapp.models.base import Base, UTCDateTime, utcnow
from surveyapp.models.campaigns import Campaign

INDICATOR_TYPES = ("quantity", "quality", "timeliness", "cost", "benefit", "satisfaction", "qualitative")
INDICATOR_RULES = ("target", "proportional", "inverse", "banded", "manual")
#: What a leaf's actual value may follow: nothing, or one figure of a campaign.
LINK_KINDS = ("none", "campaign_score", "campaign_satisfaction_rate", "campaign_responses")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class IndicatorTable(Base):
    """An evaluation's indicator table, made from a template and filled in by evaluators."""

    __tablename__ = "indicator_table"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the public identifier used in addresses and on the command line
    key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: the title printed above the table
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    #: the id of the template the table was made from, e.g. ``national-framework``
    template_id: Mapped[str] = mapped_column(String(64), nullable=False)
    #: the template's version at the time
    template_version: Mapped[str] = mapped_column(String(32), nullable=False)
    #: grade bands, highest first: ``[{"grade": "优", "from": 90}, ...]``
    grades: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    #: the campaign the evaluation surveys, offered first when a leaf is linked
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), nullable=True
    )
    #: who made it
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    #: when it was made
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: the area the evaluation covers; None is the whole city (county users never see it)
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), nullable=True, index=True
    )

    campaign: Mapped[Campaign | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    nodes: Mapped[list[IndicatorNode]] = relationship(
        back_populates="table",
        cascade="all, delete-orphan",
        order_by="(IndicatorNode.level, IndicatorNode.position)",
    )


class IndicatorNode(Base):
    """One node of a stored table: a group (no type, no rule) or a leaf."""

    __tablename__ = "indicator_node"
    __table_args__ = (
        UniqueConstraint("table_id", "node_key"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("(type IS NULL) = (rule IS NULL)", name="leaf_has_type_and_rule"),
        CheckConstraint("type IS NULL OR " + _in("type", INDICATOR_TYPES), name="type_known"),
        CheckConstraint("rule IS NULL OR " + _in("rule", INDICATOR_RULES), name="rule_known"),
        CheckConstraint(_in("link", LINK_KINDS), name="link_known"),
        CheckConstraint("(link = 'none') = (link_campaign_id IS NULL)", name="link_has_campaign"),
        CheckConstraint("actual IS NULL OR actual >= 0", name="actual_nonnegative"),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent_range"),
        CheckConstraint("manual_score IS NULL OR manual_score >= 0", name="manual_score_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the table
    table_id: Mapped[int] = mapped_column(
        ForeignKey("indicator_table.id", ondelete="CASCADE"), nullable=False
    )
    #: the node's id in the template, e.g. ``C.1.2.3``
    node_key: Mapped[str] = mapped_column(String(64), nullable=False)
    #: the group above; None on the first level
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator_node.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: 1 to 4
    level: Mapped[int] = mapped_column(Integer, nullable=False)
    #: order among its siblings, from 0
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    #: the indicator's name as printed
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    #: the points it is worth (权重分); a group's are its children's sum
    points: Mapped[Decimal] = mapped_column(Numeric(8, 4), nullable=False)
    #: a leaf's indicator type (quantity, ..., qualitative); None for a group
    type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: a leaf's scoring rule; None for a group
    rule: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: the target as written, e.g. ``≥ 20000 人``
    target: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: the actual value typed by an evaluator (a linked leaf's value is computed, not stored)
    actual: Mapped[Decimal | None] = mapped_column(Numeric(20, 6), nullable=True)
    #: the unit of the actual value
    actual_unit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: the band chosen for a banded leaf, e.g. 良
    band: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: the percent of the points within the band
    percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 4), nullable=True)
    #: the bands of a banded leaf: ``[{"band": "优", "from": 80, "to": 100}, ...]``
    bands: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    #: the evaluator's score for a manual leaf
    manual_score: Mapped[Decimal | None] = mapped_column(Numeric(8, 4), nullable=True)
    #: the reason for a deduction (扣分原因)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: what the value or judgement rests on (评价依据)
    evidence: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: the figures are illustrative example data, not facts
    example: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: what the actual value follows: none, campaign_score, campaign_satisfaction_rate, campaign_responses
    link: Mapped[str] = mapped_column(String(32), nullable=False, default="none")
    #: the campaign a linked leaf follows
    link_campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="RESTRICT"), nullable=True, index=True
    )

    table: Mapped[IndicatorTable] = relationship(back_populates="nodes")
    parent: Mapped[IndicatorNode | None] = relationship(remote_side=[id])
    link_campaign: Mapped[Campaign | None] = relationship()

    @property
    def is_leaf(self) -> bool:
        """Whether the node is an indicator (it has a rule) rather than a group."""
        return self.rule is not None


class IndicatorChange(Base):
    """One change of one field of a table, by whom and when (the page's history)."""

    __tablename__ = "indicator_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the table
    table_id: Mapped[int] = mapped_column(
        ForeignKey("indicator_table.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: the node's id in the template; None for a change of the table itself
    node_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: the field changed, e.g. ``actual``
    field: Mapped[str] = mapped_column(String(32), nullable=False)
    #: the value before, as text
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the value after, as text
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: who changed it; None for the command line
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    #: when
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    user: Mapped[User | None] = relationship()


class FundsSheet(Base):
    """The funds-and-people sheet by county (补助经费使用情况表) of one indicator table."""

    __tablename__ = "funds_sheet"
    __table_args__ = (
        CheckConstraint("standard > 0", name="standard_positive"),
        CheckConstraint("people_target IS NULL OR people_target > 0", name="people_target_positive"),
        CheckConstraint("printed_funds IS NULL OR printed_funds >= 0", name="printed_funds_nonnegative"),
        CheckConstraint("printed_people IS NULL OR printed_people >= 0", name="printed_people_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the indicator table the sheet belongs to
    table_id: Mapped[int] = mapped_column(
        ForeignKey("indicator_table.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    #: the subsidy in 元 per person per year
    standard: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, default=Decimal(200))
    #: the number of people the project set out to subsidise (for the completion rate)
    people_target: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the 合计 funds the source prints, in 万元, to check against the rows
    printed_funds: Mapped[Decimal | None] = mapped_column(Numeric(16, 6), nullable=True)
    #: the 合计 people the source prints
    printed_people: Mapped[int | None] = mapped_column(Integer, nullable=True)

    rows: Mapped[list[FundsRow]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="FundsRow.position"
    )


class FundsRow(Base):
    """One county's funds and people subsidised; the county is an area of the tree.

    The cost share is the county's own (``Area.city_share``), stored once, there; the row reads
    it in tenths, as the funds sheet prints it (5:5, 7:3).
    """

    __tablename__ = "funds_row"
    __table_args__ = (
        UniqueConstraint("sheet_id", "area_id"),
        CheckConstraint("funds >= 0", name="funds_nonnegative"),
        CheckConstraint("people >= 0", name="people_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the sheet
    sheet_id: Mapped[int] = mapped_column(ForeignKey("funds_sheet.id", ondelete="CASCADE"), nullable=False)
    #: order in the sheet, from 0
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    #: the county (县(市、区)), an area of the tree
    area_id: Mapped[int] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    #: the city funds it received, in 万元, exact
    funds: Mapped[Decimal] = mapped_column(Numeric(16, 6), nullable=False)
    #: people subsidised
    people: Mapped[int] = mapped_column(Integer, nullable=False)

    sheet: Mapped[FundsSheet] = relationship(back_populates="rows")
    area: Mapped[Area] = relationship()

    @property
    def county(self) -> str:
        """The county's name, e.g. 石林县."""
        return self.area.name

    @property
    def city_share(self) -> Decimal:
        """The city's part of the cost in tenths, from the county's share (0 when it has none)."""
        share = self.area.city_share
        return (Decimal(share) * 10).normalize() + 0 if share is not None else Decimal(0)

    @property
    def county_share(self) -> Decimal:
        """The county's part of the cost in tenths."""
        return Decimal(10) - self.city_share
