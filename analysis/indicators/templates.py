"""Indicator tables as YAML data files, validated on load.

A template file looks like this (leaves have no ``children``)::

    id: kunming-2022-pension-subsidy      # lowercase letters, digits, hyphens
    version: "1"
    title: 2022年残疾人社会养老保险补助经费项目支出绩效评价指标体系
    grades:                               # optional, highest first
      - {grade: 优, from: 90}
    bands:                                # optional, for the banded rule
      - {band: 优, from: 80, to: 100}     # percent of the points
    levels:
      - id: A
        name: 项目决策
        points: 20
        children:
          - id: A.1.1.1
            name: 立项依据符合法律法规和发展规划
            points: 1.5
            type: qualitative             # see IndicatorType
            rule: banded                  # see RULES
            band: 优
            evidence: 《昆明市残疾人保障条例》第十六条

Measured leaves (rules ``target``, ``proportional``, ``inverse``) take ``target``
(``≥ 20000 人``) and ``actual`` (``23186 人`` or a bare number in the target's unit);
``banded`` leaves take ``band``, ``percent`` and ``bands``; ``manual`` leaves take
``score``. Every leaf may have ``reason``, ``evidence`` and ``example: true`` (the
figures are illustrative, not from the report). Any mistake raises
:class:`IndicatorTableError` naming the file, the place and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, NoReturn

import yaml

from analysis.indicators._numbers import to_decimal
from analysis.indicators.grades import DEFAULT_GRADES, GradeBand
from analysis.indicators.model import (
    DEFAULT_BANDS,
    MAX_LEVELS,
    Band,
    Indicator,
    IndicatorGroup,
    IndicatorTable,
    IndicatorType,
    Node,
    parse_measure,
    parse_target,
)
from analysis.indicators.rules import RULES, score_indicator

TABLE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NODE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TABLE_KEYS = frozenset({"id", "version", "title", "description", "grades", "bands", "levels"})
GROUP_KEYS = frozenset({"id", "name", "points", "children"})
LEAF_KEYS = frozenset({"id", "name", "points", "type", "rule", "reason", "evidence", "example"})
RULE_KEYS = {
    "target": frozenset({"target", "actual"}),
    "proportional": frozenset({"target", "actual"}),
    "inverse": frozenset({"target", "actual"}),
    "banded": frozenset({"band", "percent", "bands"}),
    "manual": frozenset({"score"}),
}


#: The package whose directory holds the shipped templates.
TEMPLATES_PACKAGE = "analysis.indicators.tables"


def bundled_template(name: str) -> Path:
    """The path of a shipped template, e.g. ``bundled_template("national-framework")``.

    Raises
    ------
    ValueError
        If the name is not a template id or no such template is shipped.

    Examples
    --------
    >>> bundled_template("national-framework").name
    'national-framework.yaml'
    """
    if not TABLE_ID.match(name):
        raise ValueError(f"bad template name {name!r}")
    path = Path(str(files(TEMPLATES_PACKAGE).joinpath(f"{name}.yaml")))
    if not path.is_file():
        raise ValueError(f"no shipped template called {name!r}")
    return path


class IndicatorTableError(ValueError):
    """An indicator table file is not valid; the message names file, place and problem."""


@dataclass
class _Reader:
    """Reads one template, remembering where each id was first used."""

    source: str
    bands: tuple[Band, ...] = DEFAULT_BANDS
    seen: dict[str, str] = field(default_factory=dict)

    def fail(self, place: str, problem: str) -> NoReturn:
        raise IndicatorTableError(f"{self.source}: {place}: {problem}")

    def mapping(self, raw: object, place: str, allowed: frozenset[str]) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            self.fail(place, f"expected a mapping, got {type(raw).__name__}")
        unknown = sorted(str(key) for key in raw if key not in allowed)
        if unknown:
            self.fail(place, f"unknown key {unknown[0]!r}; allowed keys: {sorted(allowed)}")
        return raw

    def require(self, raw: Mapping[str, Any], key: str, place: str) -> Any:
        if key not in raw or raw[key] is None:
            self.fail(place, f"missing key {key!r}")
        return raw[key]

    def text(self, raw: Mapping[str, Any], key: str, place: str, default: str | None = None) -> str:
        value = raw.get(key, default) if default is not None else self.require(raw, key, place)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(place, f"{key!r} must be text, got {value!r}")
        return str(value).strip()

    def number(self, raw: Mapping[str, Any], key: str, place: str) -> Any:
        value = self.require(raw, key, place)
        try:
            return to_decimal(value)
        except ValueError as error:
            self.fail(place, f"{key!r}: {error}")

    def sequence(self, raw: object, place: str) -> list[Any]:
        if not isinstance(raw, list) or not raw:
            self.fail(place, "expected a non-empty list")
        return raw


def _node_id(reader: _Reader, raw: Mapping[str, Any], place: str) -> str:
    node_id = reader.text(raw, "id", place)
    if not NODE_ID.match(node_id):
        reader.fail(place, f"bad id {node_id!r}; use letters, digits, '.', '-' or '_'")
    if node_id in reader.seen:
        reader.fail(place, f"duplicate id {node_id!r}, first used at {reader.seen[node_id]}")
    reader.seen[node_id] = place
    return node_id


def _bands(reader: _Reader, raw: object, place: str) -> tuple[Band, ...]:
    bands = []
    for index, item in enumerate(reader.sequence(raw, place)):
        here = f"{place}[{index}]"
        row = reader.mapping(item, here, frozenset({"band", "from", "to"}))
        name = reader.text(row, "band", here)
        low, high = reader.number(row, "from", here), reader.number(row, "to", here)
        try:
            bands.append(Band(name, low, high))
        except ValueError as error:
            reader.fail(here, str(error))
    if len({band.name for band in bands}) != len(bands):
        reader.fail(place, "band names must be distinct")
    return tuple(bands)


def _grades(reader: _Reader, raw: object, place: str) -> tuple[GradeBand, ...]:
    grades = []
    for index, item in enumerate(reader.sequence(raw, place)):
        here = f"{place}[{index}]"
        row = reader.mapping(item, here, frozenset({"grade", "from"}))
        grades.append(GradeBand(reader.text(row, "grade", here), reader.number(row, "from", here)))
    return tuple(grades)


def _choice(reader: _Reader, raw: Mapping[str, Any], key: str, place: str, choices: list[str]) -> str:
    value = reader.text(raw, key, place)
    if value not in choices:
        reader.fail(place, f"unknown {key} {value!r}; use one of {choices}")
    return value


def _leaf_inputs(reader: _Reader, raw: Mapping[str, Any], place: str, rule: str) -> dict[str, Any]:
    """The rule's own inputs: target and actual, band and percent, or score."""
    try:
        target = parse_target(reader.text(raw, "target", place)) if "target" in raw else None
        actual = raw.get("actual")
        unit = target.unit if target is not None else None
        return {
            "target": target,
            "actual": None if actual is None else parse_measure(actual, unit),
            "band": reader.text(raw, "band", place) if "band" in raw else None,
            "percent": reader.number(raw, "percent", place) if "percent" in raw else None,
            "bands": _bands(reader, raw["bands"], f"{place}.bands") if "bands" in raw else reader.bands,
            "score": reader.number(raw, "score", place) if "score" in raw else None,
        }
    except IndicatorTableError:
        raise
    except ValueError as error:
        reader.fail(place, str(error))


def _leaf(reader: _Reader, raw: Mapping[str, Any], place: str) -> Indicator:
    rule = _choice(reader, raw, "rule", place, sorted(RULES))
    allowed = LEAF_KEYS | RULE_KEYS.get(rule, frozenset())
    extra = sorted(key for key in raw if key not in allowed)
    if extra:
        reader.fail(place, f"key {extra[0]!r} does not apply to rule {rule!r}")
    example = raw.get("example", False)
    if not isinstance(example, bool):
        reader.fail(place, f"'example' must be true or false, got {example!r}")
    leaf = Indicator(
        id=_node_id(reader, raw, place),
        name=reader.text(raw, "name", place),
        points=_positive(reader, raw, place),
        type=IndicatorType(_choice(reader, raw, "type", place, [t.value for t in IndicatorType])),
        rule=rule,
        reason=reader.text(raw, "reason", place, default=""),
        evidence=reader.text(raw, "evidence", place, default=""),
        example=example,
        **_leaf_inputs(reader, raw, place, rule),
    )
    try:
        return score_indicator(leaf)
    except ValueError as error:
        reader.fail(place, f"{leaf.id}: {error}")


def _positive(reader: _Reader, raw: Mapping[str, Any], place: str) -> Any:
    points = reader.number(raw, "points", place)
    if points <= 0:
        reader.fail(place, f"points must be positive, got {points}")
    return points


def _node(reader: _Reader, raw: object, place: str, depth: int) -> Node:
    if depth > MAX_LEVELS:
        reader.fail(place, f"more than {MAX_LEVELS} levels")
    if not isinstance(raw, Mapping) or "children" not in raw:
        return _leaf(reader, reader.mapping(raw, place, LEAF_KEYS | _all_rule_keys()), place)
    row = reader.mapping(raw, place, GROUP_KEYS)
    node_id = _node_id(reader, row, place)
    name, points = reader.text(row, "name", place), _positive(reader, row, place)
    children = tuple(
        _node(reader, child, f"{place}.children[{index}]", depth + 1)
        for index, child in enumerate(reader.sequence(row["children"], f"{place}.children"))
    )
    try:
        return IndicatorGroup(node_id, name, points, children)
    except ValueError as error:
        reader.fail(place, f"{node_id}: {error}")


def _all_rule_keys() -> frozenset[str]:
    return frozenset().union(*RULE_KEYS.values())


def _read_yaml(path: Path, source: str) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise IndicatorTableError(f"{source}: cannot read: {error}") from None


def load_indicator_table(
    path_or_mapping: str | Path | Mapping[str, Any], source: str | None = None
) -> IndicatorTable:
    """Load, validate and score an indicator table template.

    Parameters
    ----------
    path_or_mapping : str, Path or mapping
        A YAML file, or its already parsed content.
    source : str, optional
        The name used in error messages; the path by default.

    Returns
    -------
    IndicatorTable
        The table, every leaf scored by its rule.

    Raises
    ------
    IndicatorTableError
        On any mistake: missing or unknown key, unknown type or rule, bad target
        text, children's points not summing to the parent's, first-level points
        not summing to 100, more than four levels, duplicate ids.

    Examples
    --------
    >>> table = load_indicator_table(bundled_template("kunming-2022-pension-subsidy"))
    >>> print(table.score, table.grade)
    95.2 优
    >>> load_indicator_table({"id": "x", "version": 1, "title": "t", "levels": []}, "demo")
    Traceback (most recent call last):
    ...
    analysis.indicators.templates.IndicatorTableError: demo: levels: expected a non-empty list
    """
    if isinstance(path_or_mapping, Mapping):
        raw: object = path_or_mapping
        source = source or "<mapping>"
    else:
        source = source or str(path_or_mapping)
        raw = _read_yaml(Path(path_or_mapping), source)
    reader = _Reader(source)
    top = reader.mapping(raw, "top level", TABLE_KEYS)
    table_id = reader.text(top, "id", "id")
    if not TABLE_ID.match(table_id):
        reader.fail("id", f"bad table id {table_id!r}; use lowercase letters, digits, hyphens")
    if "bands" in top:
        reader.bands = _bands(reader, top["bands"], "bands")
    grades = _grades(reader, top["grades"], "grades") if "grades" in top else DEFAULT_GRADES
    levels = tuple(
        _node(reader, node, f"levels[{index}]", 1)
        for index, node in enumerate(reader.sequence(reader.require(top, "levels", "top level"), "levels"))
    )
    try:
        return IndicatorTable(
            table_id,
            reader.text(top, "version", "version"),
            reader.text(top, "title", "title"),
            levels,
            grades,
        )
    except ValueError as error:
        reader.fail("grades" if str(error).startswith("grades") else "levels", str(error))
