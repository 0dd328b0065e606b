"""A page of a sticker sheet as SVG, at the label sheet's real size.

The same marks as the PDF (server/stickers.py lays them out once). Sizes are
given in inches, so a browser or vector editor printing at 100 % puts each
code on its label. Text needs no font embedded here, so any language prints.
"""

from __future__ import annotations

from html import escape

from server.labels import IN
from server.stickers import Sheet


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def page_svg(sheet: Sheet, index: int, outlines: bool = True) -> str:
    """Page `index` of the sheet; `outlines` draws each label's edge in light grey."""
    layout = sheet.layout
    width, height = layout.page
    page = sheet.pages[index]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width / IN)}in"'
        f' height="{_n(height / IN)}in" viewBox="0 0 {_n(width)} {_n(height)}">',
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#fff"/>',
    ]
    if outlines:
        w, h = layout.label
        for slot in range(layout.per_sheet):
            x, y = layout.origin(slot)
            if layout.shape == "round":
                shape = f'<circle cx="{_n(x + w / 2)}" cy="{_n(y + h / 2)}" r="{_n(w / 2)}"'
            else:
                shape = f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}"'
            out.append(shape + ' fill="none" stroke="#ccc" stroke-width="0.3"/>')
    path = "".join(f"M{_n(x)} {_n(y)}h{_n(w)}v{_n(h)}h{_n(-w)}z" for x, y, w, h in page.rects)
    out.append(f'<path fill="#000" d="{path}"/>')
    for t in page.texts:
        weight = ' font-weight="bold"' if t.bold else ""
        out.append(
            f'<text x="{_n(t.x)}" y="{_n(t.y)}" font-family="Courier New, Courier, monospace"'
            f' font-size="{_n(t.size)}"{weight} text-anchor="{t.anchor}" fill="#000">'
            f"{escape(t.value)}</text>"
        )
    out.append("</svg>\n")
    return "\n".join(out)
