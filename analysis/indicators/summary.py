"""The indicator table as the report prints it: summary rows, a flat export, a dict."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from analysis.indicators._numbers import HUNDRED, round_half_up
from analysis.indicators.model import Indicator, IndicatorGroup, IndicatorTable, Node

#: Column headings of the summary table as the report prints them.
SUMMARY_HEADINGS = {
    "item": "项目",
    "points": "权重分",
    "score": "得分",
    "deducted": "扣分",
    "rate": "得分率",
}

#: Column headings of the flat table in the published report's words.
FLAT_HEADINGS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "level4": "四级指标",
    "id": "编号",
    "points": "权重分",
    "type": "指标类型",
    "target": "指标值",
    "actual": "实际完成值",
    "rule": "评分规则",
    "score": "得分",
    "deducted": "扣分",
    "rate": "得分率",
    "reason": "扣分原因",
    "evidence": "评价依据",
    "example": "示例数据",
}


def _rate(score: Decimal | None, points: Decimal) -> Decimal | None:
    """Score as a percent of the points, rounded half up to 2 places."""
    return None if score is None else round_half_up(score / points * HUNDRED)


def _shown(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_half_up(value)


def summary_table(table: IndicatorTable) -> pd.DataFrame:
    """The first-level summary and the 合计 row, as the report prints it.

    Values are ``Decimal`` rounded half up to 2 places from unrounded sums;
    ``rate`` is in percent. ``item`` joins a row's id and name ("A项目决策").
    Rename the columns with :data:`SUMMARY_HEADINGS` for the printed headings.

    Parameters
    ----------
    table : IndicatorTable

    Returns
    -------
    pandas.DataFrame
        Columns ``item``, ``points``, ``score``, ``deducted``, ``rate``.

    Examples
    --------
    >>> from analysis.indicators.templates import bundled_template, load_indicator_table
    >>> table = load_indicator_table(bundled_template("kunming-2022-pension-subsidy"))
    >>> print(summary_table(table).to_string(index=False))
     item points score deducted   rate
    A项目决策  20.00 20.00     0.00 100.00
    B项目管理  20.00 18.20     1.80  91.00
    C项目绩效  60.00 57.00     3.00  95.00
       合计 100.00 95.20     4.80  95.20
    """
    rows: list[tuple[str, Decimal, Decimal, Decimal]] = [
        (f"{node.id}{node.name}", node.points, _score(node), _deducted(node)) for node in table.levels
    ]
    rows.append(("合计", table.points, table.score, table.deducted))
    return pd.DataFrame(
        {
            "item": [row[0] for row in rows],
            "points": [round_half_up(row[1]) for row in rows],
            "score": [round_half_up(row[2]) for row in rows],
            "deducted": [round_half_up(row[3]) for row in rows],
            "rate": [_rate(row[2], row[1]) for row in rows],
        }
    )


def _score(node: Node) -> Decimal:
    return node.score if node.score is not None else Decimal(0)


def _deducted(node: Node) -> Decimal:
    return node.deducted if node.deducted is not None else Decimal(0)


def _paths(node: Node, names: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Indicator]]:
    names = (*names, node.name)
    if isinstance(node, Indicator):
        return [(names, node)]
    return [pair for child in node.children for pair in _paths(child, names)]


def _flat_row(names: tuple[str, ...], leaf: Indicator) -> dict[str, Any]:
    levels: dict[str, str | None] = {f"level{depth}": None for depth in range(1, 5)}
    levels.update({f"level{depth}": name for depth, name in enumerate(names, start=1)})
    return {
        **levels,
        "id": leaf.id,
        "points": round_half_up(leaf.points),
        "type": leaf.type.value,
        "target": None if leaf.target is None else str(leaf.target),
        "actual": None if leaf.actual is None else str(leaf.actual),
        "rule": leaf.rule,
        "score": _shown(leaf.score),
        "deducted": _shown(leaf.deducted),
        "rate": _rate(leaf.score, leaf.points),
        "reason": leaf.reason,
        "evidence": leaf.evidence,
        "example": leaf.example,
    }


def flat_table(table: IndicatorTable) -> pd.DataFrame:
    """One row per leaf with its level names, for exports.

    A leaf above the fourth level has missing values in the deeper level columns;
    an unassessed leaf has ``None`` as score, deducted and rate.

    Parameters
    ----------
    table : IndicatorTable

    Returns
    -------
    pandas.DataFrame
        Columns ``level1`` .. ``level4``, ``id``, ``points``, ``type``, ``target``,
        ``actual``, ``rule``, ``score``, ``deducted``, ``rate`` (percent),
        ``reason``, ``evidence``, ``example``; see :data:`FLAT_HEADINGS`.

    Examples
    --------
    >>> from analysis.indicators.templates import bundled_template, load_indicator_table
    >>> table = load_indicator_table(bundled_template("kunming-2022-pension-subsidy"))
    >>> row = flat_table(table).set_index("id").loc["C.1.1.1"]
    >>> row["level4"], row["target"], row["actual"], row["score"]
    ('补助人数', '≥ 20000 人', '23186 人', Decimal('10.00'))
    """
    rows = [_flat_row(names, leaf) for node in table.levels for names, leaf in _paths(node)]
    return pd.DataFrame(rows, columns=list(FLAT_HEADINGS))


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(round_half_up(value))


def _unit(leaf: Indicator) -> str | None:
    if leaf.target is not None:
        return leaf.target.unit
    return None if leaf.actual is None else leaf.actual.unit


def _node_dict(node: Node) -> dict[str, Any]:
    score = node.score
    result: dict[str, Any] = {
        "id": node.id,
        "name": node.name,
        "points": _number(node.points),
        "score": _number(score),
        "deducted": _number(node.deducted),
        "rate": _number(_rate(score, node.points)),
    }
    if isinstance(node, IndicatorGroup):
        result["complete"] = node.assessed
        result["children"] = [_node_dict(child) for child in node.children]
        return result
    result.update(
        type=node.type.value,
        target=None if node.target is None else str(node.target),
        actual=None if node.actual is None else float(node.actual.value),
        unit=_unit(node),
        rule=node.rule,
        band=node.band,
        percent=_number(node.percent),
        reason=node.reason,
        evidence=node.evidence,
        example=node.example,
        children=[],
    )
    return result


def as_dict(table: IndicatorTable) -> dict[str, Any]:
    """The table as JSON-ready data (a public contract of the web API).

    Numbers are floats rounded half up to 2 places; ``rate`` is in percent.
    ``total`` counts unassessed leaves as 0 and ``complete`` says whether any
    remain; ``grade`` is ``None`` until the table is complete. An unassessed
    leaf has ``score``, ``deducted`` and ``rate`` ``None``.

    Examples
    --------
    >>> from analysis.indicators.templates import bundled_template, load_indicator_table
    >>> table = load_indicator_table(bundled_template("kunming-2022-pension-subsidy"))
    >>> data = as_dict(table)
    >>> data["total"], data["grade"], [level["score"] for level in data["levels"]]
    (95.2, '优', [20.0, 18.2, 57.0])
    """
    return {
        "id": table.id,
        "version": table.version,
        "title": table.title,
        "points": _number(table.points),
        "total": _number(table.score),
        "deducted": _number(table.deducted),
        "rate": _number(_rate(table.score, table.points)),
        "grade": table.grade,
        "complete": table.complete,
        "grades": [{"grade": g.name, "from": float(g.minimum)} for g in table.grades],
        "levels": [_node_dict(node) for node in table.levels],
    }
