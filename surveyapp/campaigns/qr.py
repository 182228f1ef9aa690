"""QR codes of public addresses, as SVG, PNG and terminal text."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.pure
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _code(data: str) -> qrcode.QRCode:
    # Medium error correction survives a creased or smudged printed poster.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=10)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str) -> bytes:
    """A scalable QR code, one path, suitable for printing at any size."""
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_png(data: str, box_size: int = 10) -> bytes:
    """A PNG QR code."""
    code = _code(data)
    code.box_size = box_size
    image = code.make_image(image_factory=qrcode.image.pure.PyPNGImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_text(data: str) -> str:
    """A QR code drawn with block characters, to show in a terminal."""
    buffer = io.StringIO()
    _code(data).print_ascii(out=buffer, invert=True)
    return buffer.getvalue()


#: The downloadable formats: how each is made and its media type.
QR_FORMATS = {"svg": (qr_svg, "image/svg+xml"), "png": (qr_png, "image/png")}
