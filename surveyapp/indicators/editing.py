"""Editing a leaf: check what the evaluator typed, then store it and write the history.

Every check answers in the user's language and names the field, so the page can show the
message next to it and keep what was typed. Nothing is stored unless everything is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from flask_babel import gettext as _

from analysis import indicators as ai
from surveyapp.extensions import db
from surveyapp.indicators.services import record_change
from surveyapp.indicators.store import leaf_from_row, plain
from surveyapp.models import IndicatorNode, IndicatorTable, User

#: The stored fields a leaf edit may change, in the order the history shows them.
EDITABLE = ("target", "actual", "actual_unit", "band", "percent", "manual_score", "reason", "evidence")


@dataclass(frozen=True)
class LeafInput:
    """What the evaluator typed for one leaf; ``None`` means left empty."""

    target: str | None = None
    actual: Decimal | None = None
    unit: str | None = None
    band: str | None = None
    percent: Decimal | None = None
    manual_score: Decimal | None = None
    reason: str = ""
    evidence: str = ""


class LeafErrors(ValueError):
    """The input does not fit the leaf: one message per field name."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _target(rule: str, text: str | None, errors: dict[str, str]) -> ai.Target | None:
    if not text:
        return None
    try:
        target = ai.parse_target(text)
    except ValueError:
        errors["target"] = _(
            "Write the target as a comparison, a number and a unit, e.g. ≥ 20000 人 or = 100%."
        )
        return None
    allowed = {"proportional": "≥=", "inverse": "≤="}.get(rule)
    if allowed is not None and target.comparator not in allowed:
        errors["target"] = _("This rule needs a target written with %(signs)s.", signs=" ".join(allowed))
    elif rule == "proportional" and target.value == 0:
        errors["target"] = _("This rule needs a target above 0.")
    return target


def _measured(row: IndicatorNode, data: LeafInput, errors: dict[str, str]) -> dict[str, object]:
    target = _target(row.rule or "", data.target, errors)
    if row.link != "none" or data.actual is None:
        return {"target": target, "actual": None}
    if data.actual < 0:
        errors["actual"] = _("The actual value must not be negative.")
    if target is None and "target" not in errors:
        errors["target"] = _("Set a target before entering the actual value.")
        return {"target": target, "actual": None}
    unit = (data.unit or "").strip() or (target.unit if target else "")
    if target is not None and unit != target.unit:
        errors["unit"] = _("Use the target's unit: %(unit)s.", unit=target.unit or _("no unit"))
    return {"target": target, "actual": ai.Measure(data.actual, unit)}


def _banded(leaf: ai.Indicator, data: LeafInput, errors: dict[str, str]) -> dict[str, object]:
    band = next((b for b in leaf.bands if b.name == data.band), None)
    if data.band and band is None:
        errors["band"] = _("Choose one of the bands.")
    if data.percent is not None:
        if band is None:
            errors.setdefault("band", _("Choose a band for this percent."))
        elif not band.low <= data.percent <= band.high:
            errors["percent"] = _(
                "Band %(band)s covers %(low)s%% to %(high)s%% of the points.",
                band=band.name,
                low=plain(band.low),
                high=plain(band.high),
            )
    return {"band": data.band or None, "percent": data.percent}


def _manual(leaf: ai.Indicator, data: LeafInput, errors: dict[str, str]) -> dict[str, object]:
    score = data.manual_score
    if score is not None and not Decimal(0) <= score <= leaf.points:
        errors["manual_score"] = _("The score must lie between 0 and %(points)s.", points=plain(leaf.points))
    elif score is not None and score < leaf.points and not data.reason.strip():
        errors["reason"] = _("This score deducts points: write the reason for the deduction (扣分原因).")
    return {"score": score}


def checked_leaf(row: IndicatorNode, data: LeafInput) -> ai.Indicator:
    """The leaf as it would be with ``data``, scored; :class:`LeafErrors` if it does not fit."""
    leaf = leaf_from_row(row)
    errors: dict[str, str] = {}
    changes: dict[str, object] = {"reason": data.reason.strip(), "evidence": data.evidence.strip()}
    if leaf.rule in ai.MEASURED_RULES:
        changes.update(_measured(row, data, errors))
    elif leaf.rule == "banded":
        changes.update(_banded(leaf, data, errors))
    elif leaf.rule == "manual":
        changes.update(_manual(leaf, data, errors))
    if errors:
        raise LeafErrors(errors)
    candidate = replace(leaf, **changes)  # type: ignore[arg-type]
    try:
        return ai.score_indicator(candidate)
    except ValueError as error:
        raise LeafErrors({"form": _("These values cannot be scored: %(problem)s", problem=error)}) from error


def _stored_values(leaf: ai.Indicator, row: IndicatorNode) -> dict[str, object]:
    measured = leaf.rule in ai.MEASURED_RULES and row.link == "none"
    return {
        "target": None if leaf.target is None else str(leaf.target),
        "actual": (None if leaf.actual is None else leaf.actual.value) if measured else row.actual,
        "actual_unit": (None if leaf.actual is None else leaf.actual.unit) if measured else row.actual_unit,
        "band": leaf.band,
        "percent": leaf.percent,
        "manual_score": leaf.score if leaf.rule == "manual" else None,
        "reason": leaf.reason,
        "evidence": leaf.evidence,
    }


def update_leaf(record: IndicatorTable, row: IndicatorNode, data: LeafInput, user: User | None) -> int:
    """Check and store a leaf's new values; returns how many fields changed."""
    leaf = checked_leaf(row, data)
    changed = 0
    for name, new in _stored_values(leaf, row).items():
        if record_change(record, row.node_key, name, getattr(row, name), new, user) is not None:
            setattr(row, name, new)
            changed += 1
    if changed and row.rule in ai.MEASURED_RULES and row.link == "none":
        row.example = False  # an evaluator's own figure is real data
    db.session.flush()
    return changed
