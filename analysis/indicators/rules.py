"""Scoring rules: one function per rule, looked up by name in :data:`RULES`.

A rule takes a leaf and returns its unrounded score, or ``None`` while the leaf
has not been assessed. :func:`score_indicator` records ``deducted = points - score``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from analysis.indicators._numbers import HUNDRED, Number
from analysis.indicators.model import (
    Band,
    Indicator,
    IndicatorTable,
    Node,
    Target,
    parse_measure,
)

Rule = Callable[[Indicator], Decimal | None]

#: Rule name -> rule function.
RULES: dict[str, Rule] = {}

#: Rules scored from an actual value measured against the target.
MEASURED_RULES = frozenset({"target", "proportional", "inverse"})


def register_rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule function under ``name``."""

    def decorate(function: Rule) -> Rule:
        RULES[name] = function
        return function

    return decorate


def _measured(indicator: Indicator, comparators: str) -> tuple[Decimal, Target] | None:
    """The actual value and target of a measured leaf, checked; ``None`` if no actual yet."""
    if indicator.actual is None:
        return None
    target = indicator.target
    if target is None:
        raise ValueError(f"rule {indicator.rule!r} needs a target")
    if target.comparator not in comparators:
        raise ValueError(
            f"rule {indicator.rule!r} needs a target with one of {' '.join(comparators)}, got {str(target)!r}"
        )
    if indicator.actual.unit != target.unit:
        raise ValueError(f"actual unit {indicator.actual.unit!r} differs from target unit {target.unit!r}")
    return indicator.actual.value, target


@register_rule("target")
def score_target(indicator: Indicator) -> Decimal | None:
    """Full points when the target is met, else 0.

    Examples
    --------
    >>> from analysis.indicators.model import IndicatorType, parse_measure, parse_target
    >>> leaf = Indicator("C.1.2.1", "补助标准", Decimal(4), IndicatorType.QUALITY, "target",
    ...                  target=parse_target("= 200 元/人"), actual=parse_measure("200 元/人"))
    >>> score_target(leaf)
    Decimal('4')
    """
    measured = _measured(indicator, "≥≤=><")
    if measured is None:
        return None
    actual, target = measured
    return indicator.points if target.is_met(actual) else Decimal(0)


@register_rule("proportional")
def score_proportional(indicator: Indicator) -> Decimal | None:
    """Lower-bound target: ``points x actual / target``, capped at full points.

    Examples
    --------
    >>> from analysis.indicators.model import IndicatorType, parse_measure, parse_target
    >>> leaf = Indicator("x", "参保覆盖率", Decimal(5), IndicatorType.BENEFIT, "proportional",
    ...                  target=parse_target("≥ 80%"), actual=parse_measure("60%"))
    >>> score_proportional(leaf)
    Decimal('3.75')
    """
    measured = _measured(indicator, "≥=")
    if measured is None:
        return None
    actual, target = measured
    if target.value == 0:
        raise ValueError("rule 'proportional' needs a target above 0")
    return min(indicator.points, indicator.points * actual / target.value)


@register_rule("inverse")
def score_inverse(indicator: Indicator) -> Decimal | None:
    """Upper-bound target such as a cost: ``points x target / actual``, capped at full.

    Examples
    --------
    >>> from analysis.indicators.model import IndicatorType, parse_measure, parse_target
    >>> leaf = Indicator("x", "成本", Decimal(6), IndicatorType.COST, "inverse",
    ...                  target=parse_target("≤ 300 万元"), actual=parse_measure("400 万元"))
    >>> score_inverse(leaf)
    Decimal('4.5')
    """
    measured = _measured(indicator, "≤=")
    if measured is None:
        return None
    actual, target = measured
    if actual == 0:
        return indicator.points
    return min(indicator.points, indicator.points * target.value / actual)


def find_band(bands: tuple[Band, ...], name: str) -> Band:
    """The band called ``name``; ``ValueError`` naming the choices otherwise."""
    for band in bands:
        if band.name == name:
            return band
    raise ValueError(f"unknown band {name!r}; choose one of {[b.name for b in bands]}")


@register_rule("banded")
def score_banded(indicator: Indicator) -> Decimal | None:
    """Qualitative judgement: the evaluator picks a band and a percent of the points in it.

    Without ``percent`` the band's top is awarded. The percent must lie inside the
    chosen band, so a 良 can never be scored like a 优.

    Examples
    --------
    >>> from analysis.indicators.model import IndicatorType
    >>> leaf = Indicator("x", "审核程序规范", Decimal(2), IndicatorType.QUALITATIVE, "banded",
    ...                  band="良")
    >>> score_banded(leaf)
    Decimal('1.6')
    >>> score_banded(replace(leaf, percent=Decimal(70)))
    Decimal('1.4')
    """
    if indicator.band is None:
        if indicator.percent is not None:
            raise ValueError("a percent needs a band")
        return None
    band = find_band(indicator.bands, indicator.band)
    percent = band.high if indicator.percent is None else indicator.percent
    if not band.low <= percent <= band.high:
        raise ValueError(f"percent {percent} lies outside band {band.name!r} ({band.low}–{band.high})")
    return indicator.points * percent / HUNDRED


@register_rule("manual")
def score_manual(indicator: Indicator) -> Decimal | None:
    """The evaluator's own score, between 0 and the points; a deduction needs a reason.

    Examples
    --------
    >>> from analysis.indicators.model import IndicatorType
    >>> leaf = Indicator("x", "资金足额使用", Decimal(2), IndicatorType.QUALITATIVE, "manual",
    ...                  score=Decimal("0.8"))
    >>> score_manual(leaf)
    Traceback (most recent call last):
    ...
    ValueError: manual score 0.8 deducts 1.2 points; write the reason for the deduction
    """
    score = indicator.score
    if score is None:
        return None
    if not Decimal(0) <= score <= indicator.points:
        raise ValueError(f"manual score {score} must lie in 0..{indicator.points}")
    if score < indicator.points and not indicator.reason.strip():
        raise ValueError(
            f"manual score {score} deducts {indicator.points - score} points; "
            "write the reason for the deduction"
        )
    return score


def score_indicator(indicator: Indicator) -> Indicator:
    """A copy of the leaf with ``score`` and ``deducted`` from its rule.

    Raises
    ------
    ValueError
        If the rule is unknown or the leaf's inputs do not fit the rule.
    """
    rule = RULES.get(indicator.rule)
    if rule is None:
        raise ValueError(f"unknown rule {indicator.rule!r}; use one of {sorted(RULES)}")
    score = rule(indicator)
    deducted = None if score is None else indicator.points - score
    return replace(indicator, score=score, deducted=deducted)


def _map_leaves(node: Node, change: Callable[[Indicator], Indicator]) -> Node:
    if isinstance(node, Indicator):
        return change(node)
    return replace(node, children=tuple(_map_leaves(child, change) for child in node.children))


def score_table(table: IndicatorTable) -> IndicatorTable:
    """A scored copy of the table: every leaf scored by its rule.

    Examples
    --------
    >>> from analysis.indicators.templates import bundled_template, load_indicator_table
    >>> table = load_indicator_table(bundled_template("kunming-2022-pension-subsidy"))
    >>> score_table(table).score == table.score
    True
    """
    return replace(table, levels=tuple(_map_leaves(node, score_indicator) for node in table.levels))


def replace_indicator(table: IndicatorTable, indicator: Indicator) -> IndicatorTable:
    """A scored copy of the table with the leaf of the same id replaced.

    Raises
    ------
    KeyError
        If no leaf has that id.
    ValueError
        If the new leaf does not fit its rule.
    """
    if not isinstance(table.find(indicator.id), Indicator):
        raise ValueError(f"{indicator.id!r} is a group, not an indicator")

    def change(leaf: Indicator) -> Indicator:
        return score_indicator(indicator) if leaf.id == indicator.id else leaf

    return replace(table, levels=tuple(_map_leaves(node, change) for node in table.levels))


def set_actual(
    table: IndicatorTable,
    indicator_id: str,
    value: Number,
    *,
    unit: str | None = None,
    evidence: str | None = None,
) -> IndicatorTable:
    """A scored copy of the table with a leaf's actual value set, e.g. from a survey.

    The value is real data, so the leaf stops being marked as an example.

    Parameters
    ----------
    table : IndicatorTable
    indicator_id : str
        The leaf's id.
    value : number or str
        The actual value, e.g. ``98.00`` or ``"23186 人"``.
    unit : str, optional
        The unit of a bare number; the target's unit by default.
    evidence : str, optional
        Where the value comes from; kept as it was when omitted.

    Returns
    -------
    IndicatorTable

    Raises
    ------
    KeyError
        If there is no node with that id.
    ValueError
        If the node is not a measured leaf, or the value does not fit its target.

    Examples
    --------
    >>> from analysis.indicators.templates import bundled_template, load_indicator_table
    >>> table = load_indicator_table(bundled_template("kunming-2022-pension-subsidy"))
    >>> lower = set_actual(table, "C.3.1.1", 72, evidence="调查批次 2023")
    >>> lower.find("C.3.1.1").score
    Decimal('9')
    """
    leaf = table.find(indicator_id)
    if not isinstance(leaf, Indicator) or leaf.rule not in MEASURED_RULES:
        raise ValueError(f"{indicator_id!r} is not an indicator scored from an actual value")
    default_unit = leaf.target.unit if leaf.target is not None else None
    actual = parse_measure(value, unit if unit is not None else default_unit)
    changed = replace(
        leaf,
        actual=actual,
        evidence=leaf.evidence if evidence is None else evidence,
        example=False,
    )
    return replace_indicator(table, changed)
