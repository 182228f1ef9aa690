"""Stacked bars drawn on the server as SVG: no script, no chart library, the table beside them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: One fill per position on the scale, best first; white text on each has a contrast above 4.5:1.
FILLS = ("#14532d", "#2f7d32", "#5c5c5c", "#a14f00", "#a4161a", "#4b3b8f", "#1f1f1f")
WIDTH = 600
HEIGHT = 28
MIN_LABELLED = 6.0  # percent: narrower segments get no letter inside


@dataclass(frozen=True)
class Segment:
    """One option's part of a bar, in SVG units."""

    code: str
    percent: float
    x: float
    width: float
    fill: str
    labelled: bool


def stacked_bar(options: list[dict[str, Any]]) -> list[Segment]:
    """Segments of a 100 % bar from the options' rounded percents (uncounted options left out)."""
    segments, x = [], 0.0
    for position, option in enumerate(options):
        percent = option.get("percent")
        if percent is None:
            continue
        width = WIDTH * percent / 100
        fill = FILLS[position % len(FILLS)]
        segments.append(Segment(option["code"], percent, x, width, fill, percent >= MIN_LABELLED))
        x += width
    return segments


def bar_description(options: list[dict[str, Any]]) -> str:
    """The bar in words, for ``aria-label``: 'A 82.93%, B 17.07%, ...'."""
    return ", ".join(f"{o['code']} {o['percent']:.2f}%" for o in options if o.get("percent") is not None)


def legend(options: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(code, label, fill) per option, in scale order."""
    return [(o["code"], o["label"], FILLS[i % len(FILLS)]) for i, o in enumerate(options)]
