"""Decode QR codes in tests: from the SVG markup a page carries, or from a picture."""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image, ImageDraw

_VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')
_LINE_PATH = re.compile(r'<path[^>]*stroke="#000"[^>]*d="([^"]+)"')
_COMMAND = re.compile(r"([MmHhVv])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?")


def svg_to_image(svg: str, pixels_per_module: int = 8) -> Image.Image:
    """Rasterise segno's SVG: dark modules drawn as horizontal strokes of width 1."""
    width, height = (int(v) for v in _VIEWBOX.search(svg).groups())
    scale = pixels_per_module
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for path in _LINE_PATH.findall(svg):
        for command, a, b in _COMMAND.findall(path):
            if command == "M":
                x, y = float(a), float(b)
            elif command == "m":
                x, y = x + float(a), y + float(b)
            elif command in "hH":
                end = x + float(a) if command == "h" else float(a)
                top = (y - 0.5) * scale
                draw.rectangle([x * scale, top, end * scale - 1, top + scale - 1], fill=0)
                x = end
            else:
                raise ValueError(f"unexpected path command {command}")
    return image


def decode_image(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def decode_svg(svg: str) -> str:
    texts = decode_image(svg_to_image(svg))
    assert len(texts) == 1, f"expected one QR code, found {len(texts)}"
    return texts[0]


def decode_png(data: bytes) -> list[str]:
    return decode_image(Image.open(io.BytesIO(data)))
