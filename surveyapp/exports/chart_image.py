"""The statistics table's chart as a PNG, for the Word report: one stacked bar per question.

Drawn with Pillow (which the QR codes already need). The image holds digits only (question
numbers and percents), so no font with Chinese characters is needed; the options' names go
beside it as Word text. Colours are the evaluation page's (:data:`charts.FILLS`).
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from surveyapp.evaluation.charts import FILLS

WIDTH, BAR_HEIGHT, GAP, LEFT, TOP = 1600, 56, 20, 90, 20
FONT_SIZE = 30
MIN_LABELLED = 8.0  # percent: narrower segments get no figure inside


def _font() -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=FONT_SIZE)
    except TypeError:  # Pillow before 10.1 has one bitmap size only
        return ImageFont.load_default()


def _bar(draw: ImageDraw.ImageDraw, top: int, options: list[dict[str, Any]], font: Any) -> None:
    x = float(LEFT)
    span = WIDTH - LEFT - 20
    for position, option in enumerate(options):
        percent = option.get("percent")
        if not percent:
            continue
        width = span * percent / 100
        fill = FILLS[position % len(FILLS)]
        draw.rectangle([x, top, x + width, top + BAR_HEIGHT], fill=fill)
        if percent >= MIN_LABELLED:
            text = f"{percent:.2f}%"
            draw.text((x + width / 2, top + BAR_HEIGHT / 2), text, fill="white", font=font, anchor="mm")
        x += width


def chart_png(questions: list[dict[str, Any]]) -> bytes:
    """A PNG of the questions' option shares (``as_dict()['questions']``), one bar each."""
    height = TOP * 2 + len(questions) * (BAR_HEIGHT + GAP)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    font = _font()
    for index, question in enumerate(questions):
        top = TOP + index * (BAR_HEIGHT + GAP)
        draw.text(
            (LEFT - 20, top + BAR_HEIGHT / 2), str(question["number"]), fill="black", font=font, anchor="rm"
        )
        _bar(draw, top, question["options"], font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
