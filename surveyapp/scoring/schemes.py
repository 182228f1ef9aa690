"""Weight schemes: the built-in ones, and which one a campaign scores with.

A campaign scores with its questionnaire's own weights until an evaluator picks a scheme for it.
Services flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import Campaign, WeightScheme, WeightSchemeEntry

BUILTIN_FILE = Path(str(files("surveyapp.scoring") / "weight_schemes.yaml"))

#: The key that stands for "the questionnaire's own weights" (no scheme picked).
QUESTIONNAIRE_WEIGHTS = "questionnaire"


class SchemeError(ValueError):
    """A weight scheme cannot be used as asked."""


@dataclass(frozen=True)
class SchemeInfo:
    """Which weights produced a table: named in every page and export."""

    key: str
    name: str
    weights: dict[str, Decimal]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: weights as floats on 0..1."""
        return {"key": self.key, "name": self.name, "weights": {c: float(w) for c, w in self.weights.items()}}


def _read_builtin() -> list[dict[str, Any]]:
    data = yaml.safe_load(BUILTIN_FILE.read_text(encoding="utf-8"))
    return list(data["schemes"])


def find_scheme(key: str) -> WeightScheme | None:
    """The scheme with this key, if any."""
    return db.session.scalars(select(WeightScheme).where(WeightScheme.key == key)).first()


def all_schemes() -> list[WeightScheme]:
    """Every stored scheme, built-in ones first."""
    return list(
        db.session.scalars(select(WeightScheme).order_by(WeightScheme.builtin.desc(), WeightScheme.key))
    )


def load_builtin_schemes() -> list[tuple[WeightScheme, bool]]:
    """Store the shipped schemes that are missing; return each and whether it is new.

    A scheme already stored is left as it is: campaigns may score with it, and their tables must
    not change behind the evaluators' backs.
    """
    loaded = []
    for spec in _read_builtin():
        existing = find_scheme(spec["key"])
        if existing is not None:
            loaded.append((existing, False))
            continue
        scheme = WeightScheme(
            key=spec["key"],
            name=spec["name"],
            description=spec.get("description"),
            builtin=True,
            entries=[
                WeightSchemeEntry(code=str(code), weight=Decimal(str(weight)))
                for code, weight in spec["weights"].items()
            ],
        )
        db.session.add(scheme)
        loaded.append((scheme, True))
    db.session.flush()
    return loaded


def check_covers(scheme: WeightScheme, campaign: Campaign) -> None:
    """Refuse a scheme that has no weight for one of the campaign's option codes."""
    codes = [option.code for option in campaign.questionnaire_version.scale]
    missing = [code for code in codes if code not in scheme.weights()]
    if missing:
        raise SchemeError(
            f"weight scheme '{scheme.key}' has no weight for option(s) {', '.join(missing)} "
            f"of the campaign's scale ({', '.join(codes)})"
        )


def set_campaign_scheme(campaign: Campaign, key: str) -> SchemeInfo:
    """Score the campaign with scheme ``key`` (or ``questionnaire`` for its own weights)."""
    if key == QUESTIONNAIRE_WEIGHTS:
        campaign.weight_scheme = None
    else:
        scheme = find_scheme(key)
        if scheme is None:
            raise SchemeError(f"no weight scheme '{key}'")
        check_covers(scheme, campaign)
        campaign.weight_scheme = scheme
    db.session.flush()
    audit.record("campaign.scheme", campaign, campaign_slug=campaign.slug, scheme=key)
    return scheme_info(campaign)


def scheme_info(campaign: Campaign) -> SchemeInfo:
    """The weights the campaign scores with, named."""
    scheme = campaign.weight_scheme
    if scheme is not None:
        return SchemeInfo(scheme.key, scheme.name, scheme.weights())
    weights = {option.code: option.weight or Decimal(0) for option in campaign.questionnaire_version.scale}
    return SchemeInfo(QUESTIONNAIRE_WEIGHTS, "问卷自带权重", weights)
