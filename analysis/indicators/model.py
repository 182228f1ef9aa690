"""The indicator table (绩效评价指标体系) as frozen dataclasses.

A table is a tree of at most four levels. Groups sum their children; leaves
(:class:`Indicator`) carry the type, target, actual value, scoring rule and the
evaluator's findings. Scores are exact ``Decimal`` values; round only to show.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from analysis.indicators._numbers import HUNDRED, to_decimal
from analysis.indicators.grades import DEFAULT_GRADES, GradeBand, check_grades, grade_for

MAX_LEVELS = 4
TABLE_POINTS = HUNDRED
COMPARATORS = ("≥", "≤", "=", ">", "<")
_COMPARATOR_ALIASES = {">=": "≥", "<=": "≤", "＝": "=", "==": "=", "＞": ">", "＜": "<"}
# A unit never starts with a digit, sign or separator, so "2,000" is refused, not read as 2.
_UNIT = r"([^\d\s.,+-].*?)?"
_TARGET = re.compile(r"^\s*(≥|≤|>=|<=|==|=|＝|>|<|＞|＜)\s*(\d+(?:\.\d+)?)\s*" + _UNIT + r"\s*$")
_MEASURE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*" + _UNIT + r"\s*$")


class IndicatorType(StrEnum):
    """What a leaf measures."""

    QUANTITY = "quantity"  #: 数量
    QUALITY = "quality"  #: 质量
    TIMELINESS = "timeliness"  #: 时效
    COST = "cost"  #: 成本
    BENEFIT = "benefit"  #: 效益
    SATISFACTION = "satisfaction"  #: 满意度
    QUALITATIVE = "qualitative"  #: 定性判断


@dataclass(frozen=True)
class Measure:
    """A number with its unit, e.g. ``23186 人`` or ``98.00 %``."""

    value: Decimal
    unit: str = ""

    def __str__(self) -> str:
        return f"{self.value} {self.unit}".strip()


@dataclass(frozen=True)
class Target:
    """A target such as ``≥ 20000 人``: comparator, number and unit."""

    comparator: str
    value: Decimal
    unit: str = ""

    def __post_init__(self) -> None:
        if self.comparator not in COMPARATORS:
            raise ValueError(f"unknown comparator {self.comparator!r}; use one of {COMPARATORS}")

    def __str__(self) -> str:
        return f"{self.comparator} {self.value} {self.unit}".strip()

    def is_met(self, actual: Decimal) -> bool:
        """Whether ``actual`` (in the target's unit) meets the target.

        Examples
        --------
        >>> parse_target("≥ 80%").is_met(Decimal("98.00"))
        True
        >>> parse_target("= 200 元/人").is_met(Decimal(199))
        False
        """
        checks = {
            "≥": actual >= self.value,
            "≤": actual <= self.value,
            "=": actual == self.value,
            ">": actual > self.value,
            "<": actual < self.value,
        }
        return checks[self.comparator]


def parse_target(text: str) -> Target:
    """Parse a target such as ``≥ 20000 人``, ``= 100%`` or ``≤ 317.395 万元``.

    Parameters
    ----------
    text : str
        Comparator (``≥ ≤ = > <``, or ``>= <=``), a non-negative number, an optional unit.

    Returns
    -------
    Target

    Raises
    ------
    ValueError
        If the text does not have that form.

    Examples
    --------
    >>> parse_target("≥ 20000 人")
    Target(comparator='≥', value=Decimal('20000'), unit='人')
    >>> str(parse_target("<=317.395万元"))
    '≤ 317.395 万元'
    """
    match = _TARGET.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"bad target text {text!r}; write e.g. '≥ 20000 人' or '= 100%'")
    comparator, number, unit = match.groups()
    return Target(_COMPARATOR_ALIASES.get(comparator, comparator), Decimal(number), unit or "")


def parse_measure(value: Decimal | int | float | str, unit: str | None = None) -> Measure:
    """Parse an actual value such as ``23186 人`` or a bare number with its unit.

    Parameters
    ----------
    value : number or str
        A number, or text: a non-negative number followed by an optional unit.
    unit : str, optional
        The unit of a bare number (text carries its own unit).

    Returns
    -------
    Measure

    Raises
    ------
    ValueError
        If the value is not a non-negative number, or text and ``unit`` disagree.

    Examples
    --------
    >>> parse_measure("23186 人")
    Measure(value=Decimal('23186'), unit='人')
    >>> str(parse_measure(98, "%"))
    '98 %'
    """
    if isinstance(value, str):
        match = _MEASURE.match(value)
        if match is None:
            raise ValueError(f"bad actual value {value!r}; write e.g. '23186 人'")
        number, text_unit = match.groups()
        if unit is not None and text_unit and text_unit != unit:
            expected = repr(unit) if unit else "no unit"
            raise ValueError(f"actual value {value!r} has unit {text_unit!r}, expected {expected}")
        return Measure(Decimal(number), text_unit or unit or "")
    number_value = to_decimal(value)
    if number_value < 0:
        raise ValueError(f"actual value must not be negative, got {value!r}")
    return Measure(number_value, unit or "")


@dataclass(frozen=True)
class Band:
    """A band of the ``banded`` rule: a name and a range in percent of the points."""

    name: str
    low: Decimal
    high: Decimal

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.low <= self.high <= HUNDRED:
            raise ValueError(f"band {self.name!r}: need 0 <= from <= to <= 100")


#: 优 100–80%, 良 80–60%, 差 60–0% of the points.
DEFAULT_BANDS: tuple[Band, ...] = (
    Band("优", Decimal(80), HUNDRED),
    Band("良", Decimal(60), Decimal(80)),
    Band("差", Decimal(0), Decimal(60)),
)


def _check_points(points: Decimal) -> None:
    if points <= 0:
        raise ValueError(f"points must be positive, got {points}")


@dataclass(frozen=True)
class Indicator:
    """A leaf of the table: what is measured, how it is scored and what was found.

    ``score`` and ``deducted`` are filled in by the scoring rules; only the
    ``manual`` rule takes ``score`` as the evaluator's input. ``score is None``
    means the leaf is not yet assessed.
    """

    id: str
    name: str
    points: Decimal
    type: IndicatorType
    rule: str
    target: Target | None = None
    actual: Measure | None = None
    band: str | None = None
    percent: Decimal | None = None
    bands: tuple[Band, ...] = DEFAULT_BANDS
    score: Decimal | None = None
    deducted: Decimal | None = None
    reason: str = ""
    evidence: str = ""
    example: bool = False

    def __post_init__(self) -> None:
        _check_points(self.points)

    @property
    def assessed(self) -> bool:
        """Whether the leaf has a score."""
        return self.score is not None


@dataclass(frozen=True)
class IndicatorGroup:
    """A node with children; its points are the sum of theirs."""

    id: str
    name: str
    points: Decimal
    children: tuple[Node, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        _check_points(self.points)
        if not self.children:
            raise ValueError("a group needs at least one child")
        total = sum((child.points for child in self.children), Decimal(0))
        if total != self.points:
            raise ValueError(f"children's points sum to {total}, not to the group's {self.points}")

    @property
    def score(self) -> Decimal:
        """Sum of the assessed leaves' unrounded scores."""
        return sum((leaf.score or Decimal(0) for leaf in iter_leaves(self)), Decimal(0))

    @property
    def deducted(self) -> Decimal:
        """Sum of the assessed leaves' deducted points."""
        return sum((leaf.deducted or Decimal(0) for leaf in iter_leaves(self)), Decimal(0))

    @property
    def assessed(self) -> bool:
        """Whether every leaf below has a score."""
        return all(leaf.assessed for leaf in iter_leaves(self))


Node = Indicator | IndicatorGroup


def iter_leaves(node: Node) -> Iterator[Indicator]:
    """The leaves under a node, depth first, in table order."""
    if isinstance(node, Indicator):
        yield node
        return
    for child in node.children:
        yield from iter_leaves(child)


def iter_nodes(node: Node, depth: int = 1) -> Iterator[tuple[int, Node]]:
    """Every node under and including ``node`` with its level (1 = first level)."""
    yield depth, node
    if isinstance(node, IndicatorGroup):
        for child in node.children:
            yield from iter_nodes(child, depth + 1)


@dataclass(frozen=True)
class IndicatorTable:
    """A whole indicator table: first-level rows worth 100 points in all."""

    id: str
    version: str
    title: str
    levels: tuple[Node, ...]
    grades: tuple[GradeBand, ...] = DEFAULT_GRADES

    def __post_init__(self) -> None:
        check_grades(self.grades)
        if self.points != TABLE_POINTS:
            raise ValueError(f"first-level points sum to {self.points}, not to 100")
        seen: set[str] = set()
        for depth, node in self.nodes():
            if depth > MAX_LEVELS:
                raise ValueError(f"node {node.id!r} is at level {depth}; at most 4 levels")
            if node.id in seen:
                raise ValueError(f"duplicate id {node.id!r}")
            seen.add(node.id)

    def nodes(self) -> Iterator[tuple[int, Node]]:
        """Every node with its level, in table order."""
        for node in self.levels:
            yield from iter_nodes(node)

    def leaves(self) -> Iterator[Indicator]:
        """Every leaf, in table order."""
        for node in self.levels:
            yield from iter_leaves(node)

    def find(self, node_id: str) -> Node:
        """The node with this id; ``KeyError`` if there is none."""
        for _, node in self.nodes():
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    @property
    def points(self) -> Decimal:
        """Sum of the first-level points (100)."""
        return sum((node.points for node in self.levels), Decimal(0))

    @property
    def score(self) -> Decimal:
        """The total score from unrounded leaf scores; unassessed leaves count 0."""
        return sum((node.score or Decimal(0) for node in self.levels), Decimal(0))

    @property
    def deducted(self) -> Decimal:
        """Points deducted on assessed leaves."""
        return sum((node.deducted or Decimal(0) for node in self.levels), Decimal(0))

    @property
    def complete(self) -> bool:
        """Whether every leaf has been assessed."""
        return all(leaf.assessed for leaf in self.leaves())

    @property
    def grade(self) -> str | None:
        """The grade of the total, or ``None`` while the table is incomplete."""
        return grade_for(self.score, self.grades) if self.complete else None
