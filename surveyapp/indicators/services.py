"""Indicator tables: make one from a template, score it, link leaves to campaigns, set grades.

Services flush, never commit. Every change of a stored value is written to ``indicator_change``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib.resources import files
from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from analysis import indicators as ai
from surveyapp import audit
from surveyapp.accounts.permissions import check_reach, reachable_area_ids, reaches_area
from surveyapp.areas.tree import area_within
from surveyapp.domain import DomainError
from surveyapp.extensions import db
from surveyapp.indicators.links import LinkedValue, link_fits, linked_values
from surveyapp.indicators.store import (
    children_by_parent,
    grades_from_json,
    grades_to_json,
    leaf_from_row,
    plain,
    store_nodes,
)
from surveyapp.models import Campaign, IndicatorChange, IndicatorNode, IndicatorTable, User

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")


class IndicatorServiceError(DomainError):
    """A change to an indicator table that cannot be made; the message is for the user."""


@dataclass(frozen=True)
class TemplateInfo:
    """A shipped template: its id, title and number of leaves."""

    id: str
    title: str
    leaves: int


@dataclass(frozen=True)
class ScoredTable:
    """A stored table rebuilt and scored, with the linked values it used."""

    record: IndicatorTable
    table: ai.IndicatorTable
    links: dict[str, LinkedValue] = field(default_factory=dict)
    #: leaves that could not be scored, with the reason, by node id
    problems: dict[str, str] = field(default_factory=dict)


def bundled_templates() -> list[TemplateInfo]:
    """The templates shipped in ``analysis.indicators.tables``, by id."""
    found = []
    for entry in sorted(files(ai.templates.TEMPLATES_PACKAGE).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            table = ai.load_indicator_table(ai.bundled_template(entry.name.removesuffix(".yaml")))
            found.append(TemplateInfo(table.id, table.title, sum(1 for _ in table.leaves())))
    return found


def find_table(key: str) -> IndicatorTable | None:
    """The stored table with this key."""
    return db.session.scalars(select(IndicatorTable).where(IndicatorTable.key == key)).first()


def table_or_404(key: str) -> IndicatorTable:
    """The stored table with this key, or 404 (also when it lies beyond the signed-in user's areas)."""
    record = find_table(key)
    if record is None or not reaches_area(current_user, record.area_id):
        abort(404)
    return record


def record_export(record: IndicatorTable, fmt: str) -> None:
    """Audit an export of the scored table (``fmt``: json, xlsx or docx)."""
    audit.record("indicator.export", record, table=record.key, format=fmt)


def all_tables(user: Any | None = None) -> list[IndicatorTable]:
    """The stored tables ``user`` reaches (every table when None), newest first."""
    query = (
        select(IndicatorTable)
        .options(selectinload(IndicatorTable.nodes).joinedload(IndicatorNode.link_campaign))
        .order_by(IndicatorTable.id.desc())
    )
    areas = reachable_area_ids(user) if user is not None else None
    if areas is not None:
        query = query.where(IndicatorTable.area_id.in_(areas))
    return list(db.session.scalars(query))


def _free_key(template_id: str) -> str:
    number = 1
    while find_table(f"{template_id}-{number}") is not None:
        number += 1
    return f"{template_id}-{number}"


def check_key(key: str) -> str:
    """A new table's key, checked: the key pattern, unused, and not a template's id."""
    key = key.strip()
    if not KEY_PATTERN.match(key) or len(key) > 64:
        raise IndicatorServiceError(_("Use lowercase letters, digits and hyphens, e.g. pension-2024."))
    if key in {t.id for t in bundled_templates()}:
        raise IndicatorServiceError(_("This is the id of a shipped template; choose another key."))
    if find_table(key) is not None:
        raise IndicatorServiceError(_("Another table already has this key."))
    return key


def create_table(
    template_id: str,
    *,
    user: User | None = None,
    key: str | None = None,
    title: str | None = None,
    campaign: Campaign | None = None,
    area_id: int | None = None,
) -> IndicatorTable:
    """Make a stored table from a shipped template, for ``area_id`` (None: the whole city).

    The area must lie within the acting user's reach, and the campaign (if any) within the area.
    """
    check_reach(area_id)
    if campaign is not None and not area_within(campaign.area_id, area_id):
        raise IndicatorServiceError(_("This campaign lies outside the table's area."))
    try:
        template = ai.load_indicator_table(ai.bundled_template(template_id))
    except ValueError as error:
        raise IndicatorServiceError(_("There is no template called %(id)s.", id=template_id)) from error
    record = IndicatorTable(
        key=check_key(key) if key else _free_key(template_id),
        title=(title or "").strip() or template.title,
        template_id=template.id,
        template_version=template.version,
        grades=grades_to_json(template.grades),
        campaign=campaign,
        created_by=user,
        area_id=area_id,
    )
    store_nodes(record, template)
    db.session.add(record)
    db.session.flush()
    audit.record("indicator.create", record, table=record.key, template=template.id)
    return record


def _with_link(leaf: ai.Indicator, linked: LinkedValue | None) -> ai.Indicator:
    if linked is None:
        return leaf
    if linked.value is None:
        return replace(leaf, actual=None)
    unit = leaf.target.unit if leaf.target is not None else ""
    return replace(leaf, actual=ai.Measure(linked.value, unit), example=False)


def _score_leaf(leaf: ai.Indicator, problems: dict[str, str]) -> ai.Indicator:
    try:
        return ai.score_indicator(leaf)
    except ValueError as error:
        problems[leaf.id] = (
            _("Set a target before this value can be scored.") if leaf.target is None else str(error)
        )
        return replace(leaf, score=None, deducted=None)


def _build(
    row: IndicatorNode,
    children: dict[int | None, list[IndicatorNode]],
    links: dict[str, LinkedValue],
    problems: dict[str, str],
) -> ai.Node:
    if row.is_leaf:
        return _score_leaf(_with_link(leaf_from_row(row), links.get(row.node_key)), problems)
    kids = tuple(_build(child, children, links, problems) for child in children[row.id])
    return ai.IndicatorGroup(row.node_key, row.name, plain(row.points), kids)


def score_record(record: IndicatorTable) -> ScoredTable:
    """Rebuild a stored table, put in the current linked values, and score it."""
    links = linked_values(record.nodes)
    problems: dict[str, str] = {}
    children = children_by_parent(record)
    levels = tuple(_build(row, children, links, problems) for row in children[None])
    table = ai.IndicatorTable(
        record.key, record.template_version, record.title, levels, grades_from_json(record.grades)
    )
    return ScoredTable(record, table, links, problems)


def node_or_none(record: IndicatorTable, node_key: str) -> IndicatorNode | None:
    """The stored node with this id in the table."""
    return next((row for row in record.nodes if row.node_key == node_key), None)


def record_change(
    record: IndicatorTable, node_key: str | None, name: str, old: Any, new: Any, user: User | None
) -> IndicatorChange | None:
    """Write one change to the history; nothing when the value did not change.

    Every change of a stored table passes here, so here the acting user's reach is checked.
    """
    check_reach(record.area_id)
    old_text, new_text = _as_text(old), _as_text(new)
    if old_text == new_text:
        return None
    change = IndicatorChange(
        table_id=record.id, node_key=node_key, field=name, old_value=old_text, new_value=new_text, user=user
    )
    db.session.add(change)
    audit.record(
        "indicator.change",
        ("indicator_table", record.id),
        table=record.key,
        node=node_key,
        field=name,
        old=old_text,
        new=new_text,
    )
    return change


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return str(plain(value))
    return str(value)


def history(record: IndicatorTable) -> list[IndicatorChange]:
    """The table's changes, newest first."""
    return list(
        db.session.scalars(
            select(IndicatorChange)
            .options(joinedload(IndicatorChange.user))
            .where(IndicatorChange.table_id == record.id)
            .order_by(IndicatorChange.changed_at.desc(), IndicatorChange.id.desc())
        )
    )


def link_leaf(
    record: IndicatorTable, row: IndicatorNode, kind: str, campaign: Campaign | None, user: User | None
) -> None:
    """Make a leaf follow a campaign figure, or stop following (``kind`` ``none``)."""
    if not link_fits(row.type, kind):
        raise IndicatorServiceError(_("This kind of link does not fit this indicator's type."))
    if kind != "none" and campaign is None:
        raise IndicatorServiceError(_("Choose the campaign to follow."))
    if kind != "none" and campaign is not None:
        check_reach(campaign.area_id)
        if not area_within(campaign.area_id, record.area_id):
            raise IndicatorServiceError(_("This campaign lies outside the table's area."))
    old = _link_text(row.link, row.link_campaign)
    row.link = kind
    row.link_campaign = None if kind == "none" else campaign
    record_change(record, row.node_key, "link", old, _link_text(kind, row.link_campaign), user)
    db.session.flush()


def _link_text(kind: str, campaign: Campaign | None) -> str | None:
    return None if kind == "none" or campaign is None else f"{kind}:{campaign.slug}"


def parse_grades(text: str) -> tuple[ai.GradeBand, ...]:
    """Grade bands from text such as ``优 90, 良 80, 中 60, 差 0`` (highest first)."""
    bands = []
    for part in re.split(r"[,，;；\n]+", text.strip()):
        if not part.strip():
            continue
        match = re.fullmatch(r"\s*(\S+?)\s*[:：=]?\s*(\d+(?:\.\d+)?)\s*", part)
        if match is None:
            raise IndicatorServiceError(_("Write each grade as a name and its lowest total, e.g. 优 90."))
        bands.append(ai.GradeBand(match.group(1), Decimal(match.group(2))))
    try:
        return ai.check_grades(bands)
    except ValueError as error:
        raise IndicatorServiceError(
            _("Grades need distinct names and lowest totals falling from at most 100 down to 0.")
        ) from error


def grades_text(grades: tuple[ai.GradeBand, ...]) -> str:
    """Grade bands as the grade form shows them."""
    return ", ".join(f"{g.name} {plain(g.minimum)}" for g in grades)


def set_grades(record: IndicatorTable, text: str, user: User | None) -> None:
    """Replace the table's grade bands."""
    grades = parse_grades(text)
    old = grades_text(grades_from_json(record.grades))
    record.grades = grades_to_json(grades)
    record_change(record, None, "grades", old, grades_text(grades), user)
    db.session.flush()
