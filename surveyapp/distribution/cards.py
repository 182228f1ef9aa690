"""Code cards: A4 pages of 12 cut-out cards (3 by 4), each with the QR, the code and the title.

No card carries a name. The PDF uses reportlab's built-in CID font STSong-Light, which renders
Chinese in any PDF reader without embedding a font file.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from surveyapp.campaigns.qr import qr_png
from surveyapp.distribution.codes import CodeCard

COLUMNS, ROWS = 3, 4
CARDS_PER_PAGE = COLUMNS * ROWS
FONT = "STSong-Light"


def pages(cards: Iterable[CodeCard]) -> list[list[CodeCard]]:
    """The cards in pages of twelve."""
    listed = list(cards)
    return [listed[start : start + CARDS_PER_PAGE] for start in range(0, len(listed), CARDS_PER_PAGE)]


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines, line = [], ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, FONT, size) > width:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line][:3] if line else lines[:3]


def _card(
    canvas: Canvas, card: CodeCard, title: str, hint: str, x: float, y: float, w: float, h: float
) -> None:
    canvas.setDash(3, 3)
    canvas.rect(x, y, w, h)  # the cutting line
    canvas.setDash()
    side = 38 * mm
    canvas.drawImage(
        ImageReader(io.BytesIO(qr_png(card.address, box_size=6))),
        x + (w - side) / 2,
        y + h - side - 4 * mm,
        side,
        side,
    )
    canvas.setFont("Courier-Bold", 16)
    canvas.drawCentredString(x + w / 2, y + h - side - 11 * mm, card.code)
    canvas.setFont(FONT, 8)
    for number, line in enumerate(_wrap(title, w - 8 * mm, 8)):
        canvas.drawCentredString(x + w / 2, y + h - side - 17 * mm - number * 3.6 * mm, line)
    canvas.setFont(FONT, 7)
    canvas.drawCentredString(x + w / 2, y + 3 * mm, hint)


def cards_pdf(cards: Iterable[CodeCard], title: str, hint: str) -> bytes:
    """The cards as an A4 PDF, twelve a page."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    width, height = A4
    margin = 10 * mm
    w, h = (width - 2 * margin) / COLUMNS, (height - 2 * margin) / ROWS
    for page in pages(cards) or [[]]:
        for index, card in enumerate(page):
            column, row = index % COLUMNS, index // COLUMNS
            _card(canvas, card, title, hint, margin + column * w, height - margin - (row + 1) * h, w, h)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
