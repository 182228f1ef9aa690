"""Store an ``analysis.indicators`` table as rows, and rebuild it from the rows.

The rows are the record; the dataclasses are how the table is scored. Nothing here scores:
:mod:`surveyapp.indicators.services` does, through ``analysis.indicators``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from analysis import indicators as ai
from surveyapp.models import IndicatorNode, IndicatorTable


def plain(value: Decimal) -> Decimal:
    """A stored number without the trailing zeros of its column's scale: 1.5000 -> 1.5, 20.0 -> 20."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def grades_to_json(grades: tuple[ai.GradeBand, ...]) -> list[dict[str, Any]]:
    """Grade bands as stored: ``[{"grade": "优", "from": "90"}, ...]`` (numbers as text, exact)."""
    return [{"grade": g.name, "from": str(g.minimum)} for g in grades]


def grades_from_json(raw: list[dict[str, Any]]) -> tuple[ai.GradeBand, ...]:
    """Grade bands from their stored form."""
    return tuple(ai.GradeBand(str(g["grade"]), Decimal(str(g["from"]))) for g in raw)


def _bands_to_json(bands: tuple[ai.Band, ...]) -> list[dict[str, Any]] | None:
    if bands == ai.DEFAULT_BANDS:
        return None
    return [{"band": b.name, "from": str(b.low), "to": str(b.high)} for b in bands]


def bands_from_json(raw: list[dict[str, Any]] | None) -> tuple[ai.Band, ...]:
    """A leaf's bands from their stored form; the default bands when none are stored."""
    if not raw:
        return ai.DEFAULT_BANDS
    return tuple(ai.Band(str(b["band"]), Decimal(str(b["from"])), Decimal(str(b["to"]))) for b in raw)


def _leaf_fields(leaf: ai.Indicator) -> dict[str, Any]:
    return {
        "type": leaf.type.value,
        "rule": leaf.rule,
        "target": None if leaf.target is None else str(leaf.target),
        "actual": None if leaf.actual is None else leaf.actual.value,
        "actual_unit": None if leaf.actual is None else leaf.actual.unit,
        "band": leaf.band,
        "percent": leaf.percent,
        "bands": _bands_to_json(leaf.bands),
        "manual_score": leaf.score if leaf.rule == "manual" else None,
        "reason": leaf.reason,
        "evidence": leaf.evidence,
        "example": leaf.example,
    }


def _add_node(
    record: IndicatorTable, node: ai.Node, level: int, position: int, parent: IndicatorNode | None
) -> None:
    fields = _leaf_fields(node) if isinstance(node, ai.Indicator) else {}
    row = IndicatorNode(
        node_key=node.id, level=level, position=position, name=node.name, points=node.points, **fields
    )
    row.parent = parent
    record.nodes.append(row)
    if isinstance(node, ai.IndicatorGroup):
        for index, child in enumerate(node.children):
            _add_node(record, child, level + 1, index, row)


def store_nodes(record: IndicatorTable, table: ai.IndicatorTable) -> None:
    """Add a row for every node of ``table`` to ``record``."""
    for index, node in enumerate(table.levels):
        _add_node(record, node, 1, index, None)


def children_by_parent(record: IndicatorTable) -> dict[int | None, list[IndicatorNode]]:
    """The stored nodes grouped by parent id, each list in table order."""
    children: dict[int | None, list[IndicatorNode]] = defaultdict(list)
    for row in record.nodes:
        children[row.parent_id].append(row)
    for rows in children.values():
        rows.sort(key=lambda row: row.position)
    return children


def leaf_from_row(row: IndicatorNode) -> ai.Indicator:
    """The unscored leaf a stored row stands for (its stored actual value, not a linked one)."""
    assert row.type is not None and row.rule is not None
    actual = None
    if row.actual is not None:
        actual = ai.Measure(plain(row.actual), row.actual_unit or "")
    return ai.Indicator(
        id=row.node_key,
        name=row.name,
        points=plain(row.points),
        type=ai.IndicatorType(row.type),
        rule=row.rule,
        target=ai.parse_target(row.target) if row.target else None,
        actual=actual,
        band=row.band,
        percent=None if row.percent is None else plain(row.percent),
        bands=bands_from_json(row.bands),
        score=None if row.manual_score is None else plain(row.manual_score),
        reason=row.reason,
        evidence=row.evidence,
        example=row.example,
    )
