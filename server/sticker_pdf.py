"""A sticker sheet as PDF, written with the few PDF operators it needs.

No PDF library: a sheet is filled rectangles (the QR modules) and lines of
text in Courier, one of the 14 fonts every PDF reader has built in, so
nothing is embedded. Text is encoded WinAnsi (cp1252): Latin letters with
their accents. Pages have the label sheet's real size, so printed at
"actual size" every code lands on its label.
"""

from __future__ import annotations

import zlib

from server.stickers import CHAR_EM, PDF_ENCODING, Sheet, StickerError, pdf_printable

FONTS = {False: "/F1", True: "/F2"}
# How a refusal names the text it is about, and what the admin can do instead.
ROLES = {
    "line": ("The line", " Use the SVG sheet, or type the line in Latin letters."),
    "link": ("The link", " Use the SVG sheet."),
    "note": ("A note", " Use the SVG sheet."),
    "title": ("The title", ""),
}


def pdf_text(value: str, role: str = "title") -> bytes:
    try:
        raw = value.encode(PDF_ENCODING)
    except UnicodeEncodeError:
        what, instead = ROLES[role]
        missing = " ".join(dict.fromkeys(c for c in value if not pdf_printable(c)))
        raise StickerError(
            f"{what} “{value}” has characters the PDF's built-in font (Latin letters only)"
            f" cannot print: {missing}.{instead}"
        ) from None
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def page_stream(sheet: Sheet, index: int) -> bytes:
    page = sheet.pages[index]
    height = sheet.layout.page[1]
    ops = [b"0 g"]
    # PDF's y axis points up from the bottom of the page; the layout's points down.
    ops += [
        f"{_n(x)} {_n(height - y - h)} {_n(w)} {_n(h)} re".encode() for x, y, w, h in page.rects
    ]
    ops.append(b"f")
    for t in page.texts:
        width = len(t.value) * CHAR_EM * t.size
        x = t.x - width / 2 if t.anchor == "middle" else t.x
        ops.append(
            b"BT "
            + f"{FONTS[t.bold]} {_n(t.size)} Tf {_n(x)} {_n(height - t.y)} Td ".encode()
            + pdf_text(t.value, t.role)
            + b" Tj ET"
        )
    return b"\n".join(ops) + b"\n"


def sheet_pdf(sheet: Sheet, title: str = "Stickers") -> bytes:
    """The whole sheet, every page, as one PDF file."""
    width, height = sheet.layout.page
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages' numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + pdf_text(title) + b" /Producer (CARES) >>",
    ]
    kids = []
    for i in range(len(sheet.pages)):
        # Deflated: a page of codes is thousands of near-identical rectangles.
        stream = zlib.compress(page_stream(sheet, i), 9)
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_n(width)} {_n(height)}]"
            f" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >>"
            f" /Contents {len(objects)} 0 R >>".encode()
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
