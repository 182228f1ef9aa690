"""Default weights, "satisfied" and "don't know" for scales whose file does not spell them out.

The rules, documented in the README:

* A choice list *reads as a satisfaction scale* when it has 2 to 7 counted options whose labels
  use the words of such scales (满意, 同意, 好, 差, satisfied, agree, good, poor, ...) and its
  first or last counted option is the negative end (不满意, 很不满意, dissatisfied, poor, ...).
  Either order is recognised: best first (非常满意 … 很不满意) or worst first.
* Its default weights follow that order, best to worst: five levels get 100 %, 90 %, 60 %, 30 %,
  0 % (the source report gives A = 100 % and B = 90 %; the rest is this project's default); any
  other number of levels gets equal steps from 100 % to 0 %.
* An option labelled as "don't know" (不了解, 不清楚, 不知道, 说不清, don't know, not sure) is
  chosen but left out of the denominator (``counted: false``).
* An option is *satisfied* when the file says so (``satisfied``); otherwise the counted options
  are ranked by weight, highest first, and the upper half (``n // 2`` of ``n``: A and B of five)
  is satisfied. Position never decides, so a scale written worst first scores as best first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from flask_babel import gettext as _

if TYPE_CHECKING:
    from surveyapp.questionnaires.spec import OptionSpec

SCALE_WORDS = re.compile(r"满意|同意|好|差|重要|satisf|agree|good|poor|bad|excellent|important|happy", re.I)
NEGATIVE = re.compile(r"不|差|dis|\bun|\bnot\b|poor|bad|never", re.I)
DONT_KNOW = re.compile(
    r"不了解|不清楚|不知道|说不清|无法回答|don.?t know|do not know|not sure|no opinion", re.I
)
FIVE_LEVELS = (Decimal("1"), Decimal("0.9"), Decimal("0.6"), Decimal("0.3"), Decimal("0"))


class WeightedOption(Protocol):
    """What the satisfied rule needs of an option."""

    @property
    def weight(self) -> Decimal | None: ...

    @property
    def counted(self) -> bool: ...

    @property
    def satisfied(self) -> bool | None: ...


def is_dont_know(label: str) -> bool:
    """Whether an option's label says "don't know"."""
    return bool(DONT_KNOW.search(label))


def scale_direction(labels: Sequence[str]) -> str | None:
    """``best_first``, ``worst_first``, or None when the labels do not read as a satisfaction scale.

    >>> scale_direction(["很不满意", "不满意", "一般", "满意", "非常满意"])
    'worst_first'
    >>> scale_direction(["Very satisfied", "Satisfied", "Neutral", "Dissatisfied"])
    'best_first'
    >>> scale_direction(["男", "女"]) is None
    True
    """
    if not 2 <= len(labels) <= 7 or sum(bool(SCALE_WORDS.search(t)) for t in labels) < 2:
        return None
    first, last = bool(NEGATIVE.search(labels[0])), bool(NEGATIVE.search(labels[-1]))
    if first and not last:
        return "worst_first"
    if last and not first:
        return "best_first"
    return None


def level_weights(count: int) -> list[Decimal]:
    """Default weights of ``count`` levels, best first."""
    if count == 5:
        return list(FIVE_LEVELS)
    return [(Decimal(count - 1 - i) / Decimal(count - 1)).quantize(Decimal("0.0001")) for i in range(count)]


def default_weights(
    options: Sequence[OptionSpec], *, assume_best_first: bool = True
) -> tuple[OptionSpec, ...] | None:
    """The options with default weights by their order, or None if the order cannot be told."""
    counted = [o for o in options if o.counted]
    direction = scale_direction([o.label for o in counted])
    if direction is None and not assume_best_first:
        return None
    if not 2 <= len(counted) <= 7:
        return None
    weights = level_weights(len(counted))
    if direction == "worst_first":
        weights.reverse()
    given = iter(weights)
    return tuple(
        replace(o, weight=next(given)) if o.counted else replace(o, weight=Decimal(0)) for o in options
    )


def satisfied_flags(options: Sequence[WeightedOption]) -> list[bool]:
    """Whether each option counts as satisfied: as the file says, else the upper half by weight."""
    if any(o.satisfied is not None for o in options):
        return [bool(o.satisfied) and o.counted for o in options]
    ranked = sorted(
        (i for i, o in enumerate(options) if o.counted),
        key=lambda i: (-(options[i].weight or Decimal(0)), i),
    )
    top = set(ranked[: len(ranked) // 2])
    return [i in top for i in range(len(options))]


def _percent(weight: Decimal | None) -> str:
    return f"{(weight or Decimal(0)) * 100:.0f} %"


def left_out_remarks(left_out: Sequence[Sequence[str]] | None) -> list[str]:
    """What the preview says of each row of the file that is not asked: ``(name, type)`` pairs.

    They are ODK device metadata (``start``, ``today``, ``deviceid``, …), which a phone's browser
    does not record.
    """
    return [
        _("Left out: “%(name)s” (%(type)s) is recorded by ODK devices only.", name=name, type=kind)
        for name, kind in left_out or ()
    ]


def describe_scoring(
    scale: Sequence[Any],
    questions: Sequence[Any],
    lists: Mapping[str, Sequence[Any]] | None = None,
    shared: str = "scale",
) -> list[str]:
    """What the preview says about scoring: which questions count, with which weights.

    ``scale`` holds options (code, label, weight, counted, satisfied) and ``questions`` the
    answerable questions (number, type, list_name), of a stored version or of a specification.
    A scale question scored on a list of its own (named ``list_name`` in ``lists``) is described
    with that list, one remark per list.
    """
    remarks: list[str] = []
    by_list: dict[str, list[Any]] = {}
    for q in questions:
        if q.type == "scale":
            own = getattr(q, "list_name", None)
            name = own if own and own != shared and lists and own in lists else shared
            by_list.setdefault(name, []).append(q)
    for name, scored in by_list.items():
        options = scale if name == shared else (lists or {})[name]
        flags = satisfied_flags(options)
        weights = ", ".join(
            f"{o.code} {o.label} {_percent(o.weight) if o.counted else _('not counted')}" for o in options
        )
        satisfied = ", ".join(o.code for o, flag in zip(options, flags, strict=True) if flag)
        remarks.append(
            _(
                "Scored: questions %(numbers)s on the scale %(weights)s; satisfied: %(satisfied)s.",
                numbers=", ".join(str(q.number) for q in scored),
                weights=weights,
                satisfied=satisfied,
            )
        )
    unscored = [q for q in questions if q.type != "scale"]
    if unscored:
        remarks.append(
            _("Not scored: questions %(numbers)s.", numbers=", ".join(str(q.number) for q in unscored))
        )
    weighted_multiple = [
        q
        for q in unscored
        if q.type == "select_multiple"
        and any(o.weight is not None for o in (lists or {}).get(getattr(q, "list_name", None) or "", ()))
    ]
    if weighted_multiple:
        remarks.append(
            _(
                "The weights of questions %(numbers)s are not used: several answers to one question "
                "are not scored, only single-choice questions are.",
                numbers=", ".join(str(q.number) for q in weighted_multiple),
            )
        )
    return remarks
