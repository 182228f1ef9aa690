"""A safe reader and evaluator of the XLSForm expressions used in ``relevant`` and ``constraint``.

The supported subset, with XPath 1.0's meaning (as ODK Collect and Enketo give it):

* references ``${name}`` to another question's answer, and ``.`` for the question's own answer;
* numbers (``3``, ``2.5``) and strings (``'x'`` or ``"x"``);
* comparisons ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``; arithmetic ``+``, ``-``, ``*``,
  ``div``, ``mod``; ``and``, ``or``, parentheses;
* the functions ``not()``, ``selected(${q}, 'x')``, ``count-selected(${q})``,
  ``string-length()``, ``number()``, ``regex(., 'pattern')``, ``true()``, ``false()``,
  ``today()`` (the date in the configured time zone) and ``date('2022-12-01')``.

Dates are written ``YYYY-MM-DD``; compared with ``<``, ``>`` or used in arithmetic they count as
days since 1970-01-01, as ODK counts them, so ``. <= today()`` and ``. - ${birth} > 365`` work.

An unanswered question reads as the empty string, which is not equal to any option and not a
number, so ``${q} = 'x'`` and ``${age} > 18`` are false until ``q`` and ``age`` are answered.

An expression is read once into a tree of plain tuples and lists (:func:`parse`), which is also
what the page's small script evaluates, so the server and the browser decide alike. Nothing is
ever handed to Python's ``eval``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import has_app_context

from surveyapp.config import DEFAULT_TIMEZONE
from surveyapp.i18n import local_zone

Node = list[Any]
Value = str | float | bool | list[str]

MAX_LENGTH = 2000
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[A-Za-z_][\w.\-]*\})
      | (?P<number>\d+(?:\.\d*)?|\.\d+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)
      | (?P<dot>\.(?![\w.]))
      | (?P<name>[A-Za-z_][\w\-]*(?::[\w\-]+)?)
    )""",
    re.VERBOSE,
)
FUNCTIONS: dict[str, tuple[int, int]] = {
    "not": (1, 1),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "number": (1, 1),
    "regex": (2, 2),
    "true": (0, 0),
    "false": (0, 0),
    "today": (0, 0),
    "date": (1, 1),
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EPOCH = date(1970, 1, 1)
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")


class ExpressionError(ValueError):
    """An expression outside the supported subset; the message says what is wrong."""


def _tokens(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"longer than {MAX_LENGTH} characters")
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"cannot read “{text[position : position + 12]}”")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


class _Parser:
    """Recursive descent over: or > and > comparison > additive > multiplicative > unary > primary."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError("ends too early")
        self.index += 1
        return token

    def at(self, *values: str) -> bool:
        token = self.peek()
        return token is not None and token[0] in ("op", "name") and token[1] in values

    def expect(self, value: str) -> None:
        text = self.take()[1]
        if text != value:
            raise ExpressionError(f"expected “{value}”, found “{text}”")

    def binary(self, operators: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        left = operand()
        while self.at(*operators):
            operator = self.take()[1]
            left = ["op", operator, left, operand()]
        return left

    def expression(self) -> Node:
        return self.binary(("or",), self.conjunction)

    def conjunction(self) -> Node:
        return self.binary(("and",), self.comparison)

    def comparison(self) -> Node:
        return self.binary(COMPARISONS, self.additive)

    def additive(self) -> Node:
        return self.binary(("+", "-"), self.multiplicative)

    def multiplicative(self) -> Node:
        return self.binary(("*", "div", "mod"), self.unary)

    def unary(self) -> Node:
        if self.at("-"):
            self.take()
            return ["op", "-", ["num", 0.0], self.unary()]
        return self.primary()

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "ref":
            return ["ref", text[2:-1]]
        if kind == "dot":
            return ["dot"]
        if kind == "number":
            return ["num", float(text)]
        if kind == "string":
            return ["str", text[1:-1]]
        if kind == "op" and text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if kind == "name" and self.at("("):
            return self.call(text)
        raise ExpressionError(f"unexpected “{text}”")

    def call(self, name: str) -> Node:
        if name not in FUNCTIONS:
            raise ExpressionError(f"the function {name}() is not supported")
        self.expect("(")
        arguments: list[Node] = []
        if not self.at(")"):
            arguments.append(self.expression())
            while self.at(","):
                self.take()
                arguments.append(self.expression())
        self.expect(")")
        low, high = FUNCTIONS[name]
        if not low <= len(arguments) <= high:
            raise ExpressionError(f"{name}() takes {low} argument(s), not {len(arguments)}")
        return ["call", name, *arguments]


def parse(text: str) -> Node:
    """Read an expression into its tree; raise :class:`ExpressionError` if it is outside the subset.

    >>> parse("${q1} = 'D' or selected(${q2}, 'x')")
    ['op', 'or', ['op', '=', ['ref', 'q1'], ['str', 'D']], ['call', 'selected', ['ref', 'q2'], ['str', 'x']]]
    """
    tokens = _tokens(text)
    if not tokens:
        raise ExpressionError("is empty")
    parser = _Parser(tokens)
    tree = parser.expression()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected “{parser.peek()[1]}”")  # type: ignore[index]
    return tree


def references(tree: Node) -> set[str]:
    """The question names an expression refers to."""
    if tree[0] == "ref":
        return {tree[1]}
    return {name for part in tree[1:] if isinstance(part, list) for name in references(part)}


def _number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, list):
        value = " ".join(value)
    text = value.strip()
    if ISO_DATE.match(text):
        try:
            return float((date.fromisoformat(text) - _EPOCH).days)
        except ValueError:
            return math.nan
    try:
        return float(text) if text else math.nan
    except ValueError:
        return math.nan


def _today() -> str:
    """Today in the configured time zone (the platform's default zone outside the app)."""
    zone = local_zone() if has_app_context() else ZoneInfo(DEFAULT_TIMEZONE)
    return datetime.now(zone).date().isoformat()


def _string(value: Value) -> str:
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return value


def _boolean(value: Value) -> bool:
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    return bool(value)


def _compare(operator: str, left: Value, right: Value) -> bool:
    if operator in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            equal = _boolean(left) == _boolean(right)
        elif isinstance(left, float) or isinstance(right, float):
            equal = _number(left) == _number(right)
        else:
            equal = _string(left) == _string(right)
        return equal if operator == "=" else not equal
    a, b = _number(left), _number(right)
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[operator]


def _arithmetic(operator: str, left: Value, right: Value) -> float:
    a, b = _number(left), _number(right)
    if operator == "+":
        return a + b
    if operator == "-":
        return a - b
    if operator == "*":
        return a * b
    if b == 0:
        return math.nan
    return a / b if operator == "div" else math.fmod(a, b)


def _call(name: str, arguments: Sequence[Value]) -> Value:
    if name == "true":
        return True
    if name == "false":
        return False
    if name == "not":
        return not _boolean(arguments[0])
    if name == "selected":
        chosen = arguments[0] if isinstance(arguments[0], list) else _string(arguments[0]).split()
        return _string(arguments[1]).strip() in chosen
    if name == "count-selected":
        chosen = arguments[0] if isinstance(arguments[0], list) else _string(arguments[0]).split()
        return float(len(chosen))
    if name == "string-length":
        return float(len(_string(arguments[0])))
    if name == "number":
        return _number(arguments[0])
    if name == "today":
        return _today()
    if name == "date":
        text = _string(arguments[0]).strip()
        return text if ISO_DATE.match(text) else ""
    # regex: XPath's matches() semantics, the pattern found anywhere in the text
    try:
        return re.search(_string(arguments[1]), _string(arguments[0])) is not None
    except re.error:
        return False


def evaluate(tree: Node, answers: Mapping[str, Any], dot: Any = None) -> Value:
    """The value of an expression tree over the answers given so far (name -> value)."""
    kind = tree[0]
    if kind == "num":
        return float(tree[1])
    if kind == "str":
        return str(tree[1])
    if kind in ("ref", "dot"):
        return as_value(answers.get(tree[1]) if kind == "ref" else dot)
    if kind == "call":
        return _call(tree[1], [evaluate(part, answers, dot) for part in tree[2:]])
    operator = tree[1]
    left = evaluate(tree[2], answers, dot)
    if operator in ("and", "or"):
        if _boolean(left) == (operator == "or"):
            return operator == "or"
        return _boolean(evaluate(tree[3], answers, dot))
    right = evaluate(tree[3], answers, dot)
    if operator in COMPARISONS:
        return _compare(operator, left, right)
    return _arithmetic(operator, left, right)


def as_value(answer: Any) -> Value:
    """An answer as the expression language sees it: a string, a number or a list of codes."""
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, int | float | Decimal):
        return float(answer)
    if isinstance(answer, list | tuple | set):
        return [str(item) for item in answer]
    if hasattr(answer, "isoformat"):
        return str(answer.isoformat())
    return str(answer)


def holds(tree: Node | None, answers: Mapping[str, Any], dot: Any = None) -> bool:
    """Whether an expression is true; an absent expression always holds."""
    if tree is None:
        return True
    return _boolean(evaluate(tree, answers, dot))
