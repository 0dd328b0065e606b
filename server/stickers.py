"""Sticker sheets: which stickers go on a sheet and where each mark goes.

A sheet is laid out once, as rectangles (the QR modules) and lines of text in
points from the page's top-left corner; sticker_pdf.py and sticker_svg.py
only write that down. Text is set in Courier, the PDF's built-in monospaced
font, so its width is known exactly (0.6 em per character) and a line that
does not fit is refused before anything is drawn, never cut off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import segno

from server import share
from server.catalogue import SHARED_KINDS, Catalogue, Collection, Need, Service, Video
from server.labels import LAYOUTS, Layout
from server.validation import unsafe_text_problem

QUIET_ZONE = 4  # modules: the QR standard's minimum, never reduced
CHAR_EM = 0.6  # Courier's advance width, in em
LINE_SIZE = 7.5
LINK_SIZES = (7.0, 6.5, 6.0, 5.5, 5.0)
LEADING = 1.2
GAP = 3.0
MAX_LINE_ROWS = 2
MAX_TEXT = 60
NOTE_SIZE = 6.0
# The PDF's built-in fonts print WinAnsi text only: Latin letters with their accents.
PDF_ENCODING = "cp1252"


class StickerError(ValueError):
    """A sheet that cannot be made as asked; the message says what to change."""


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    size: float
    value: str
    bold: bool = False
    anchor: str = "start"  # or "middle"
    role: str = "line"  # what it is, for a message about it: "line", "link" or "note"


@dataclass(frozen=True)
class Note:
    """Something about the sheet for the admin: `text` on the admin page, `margin` on paper.

    The margin names a record by its name only when the PDF's font can print
    that name, else by its code: a note must never be why a sheet cannot print.
    """

    text: str
    margin: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Sticker:
    code: str
    url: str
    typed: str


@dataclass
class Page:
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    qr_boxes: list[tuple[str, float, float, float]] = field(default_factory=list)


@dataclass
class Sheet:
    layout: Layout
    stickers: list[Sticker]
    notes: list[Note]
    pages: list[Page]


def get_layout(key: str) -> Layout:
    try:
        return LAYOUTS[key]
    except KeyError:
        names = ", ".join(LAYOUTS)
        raise StickerError(
            f"There is no label layout called “{key}”. Choose one of: {names}."
        ) from None


def record_name(record: Need | Service | Video | Collection) -> str:
    text = record.title if isinstance(record, Video) else record.name
    return text.get("en", "")


def pdf_printable(text: str) -> bool:
    try:
        text.encode(PDF_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def pick_records(
    catalogue: Catalogue, collection: str, codes: str, mode: str
) -> tuple[list[str], list[Note]]:
    """The codes to print, in order, and notes about what was left out or needs care."""
    notes: list[Note] = []
    if collection:
        record = catalogue.by_code.get(collection.upper()) or next(
            (c for c in catalogue.collections if c.id == collection), None
        )
        if not isinstance(record, Collection):
            raise StickerError(f"There is no published collection “{collection}”.")
        items = [catalogue.by_id[SHARED_KINDS[i.kind]][i.id] for i in record.items]
        if mode == "fill":
            # One code for the whole set: its page lists every item, withdrawn ones aside.
            wanted = [record.code]
            notes += [n for item in items for n in _notes(item, listed=True)]
        else:
            wanted = [item.code for item in items]
    else:
        asked = [c for c in re.split(r"[\s,]+", codes.upper()) if c]
        unknown = [c for c in asked if c not in catalogue.by_code]
        wanted = share.list_codes(asked)
        if unknown or not wanted:
            shown = ", ".join(unknown) or "none"
            raise StickerError(f"Unknown or missing short codes: {shown}.")
    printed = []
    for code in wanted:
        record = catalogue.by_code[code]
        notes += _notes(record, listed=False)
        if not (isinstance(record, Service) and record.status == "inactive"):
            printed.append(code)
    if not printed:
        raise StickerError("Nothing left to print: every item is withdrawn.")
    return printed, notes


def _notes(record: object, listed: bool) -> list[Note]:
    if not isinstance(record, Service | Video):
        return []
    if isinstance(record, Service) and record.status == "inactive":
        if listed:
            message = "Note: {} is no longer offered; the collection's page leaves it out."
        else:
            message = "Left out: {} is no longer offered (withdrawn)."
    elif isinstance(record, Service) and record.status == "temporarily_closed":
        message = "Check: {} is temporarily closed."
    elif isinstance(record, Video) and not record.url:
        message = "Check: {} has no video link yet."
    else:
        return []
    named = f"{record_name(record)} ({record.code})"
    on_paper = named if pdf_printable(named) else record.code
    return [Note(message.format(named), message.format(on_paper))]


def typed_link(url: str) -> str:
    """The link as a person types it: no scheme (every browser adds it back)."""
    parts = urlsplit(url)
    return parts.netloc + parts.path


def wrap(text: str, width: float, size: float) -> list[str]:
    per_line = int(width // (CHAR_EM * size))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if any(len(line) > per_line for line in lines) or len(lines) > MAX_LINE_ROWS:
        raise StickerError(
            f"The line “{text}” does not fit on this label: it takes at most"
            f" {MAX_LINE_ROWS} lines of {per_line} characters here. Shorten it."
        )
    return lines


def link_size(link: str, width: float) -> float:
    for size in LINK_SIZES:
        if len(link) * CHAR_EM * size <= width:
            return size
    raise StickerError(
        f"The short link {link} is too long for this label even in small type;"
        " choose a larger label."
    )


def qr_rects(url: str, x: float, y: float, side: float) -> list[tuple[float, float, float, float]]:
    """The dark modules of the code for `url`, quiet zone included in `side`, as row runs."""
    qr = segno.make(url, error="m", micro=False)
    rows = list(qr.matrix_iter(scale=1, border=QUIET_ZONE))
    module = side / len(rows)
    rects = []
    for r, row in enumerate(rows):
        start = None
        for c, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                rects.append((x + start * module, y + r * module, (c - start) * module, module))
                start = None
    return rects


def build_sheet(
    layout: Layout, stickers: list[Sticker], line: str, notes: list[Note], skip: int = 0
) -> Sheet:
    """Place every sticker (after `skip` labels already used) and the notes, page by page."""
    if not 0 <= skip < layout.per_sheet:
        raise StickerError(f"Start at a label from 1 to {layout.per_sheet} on this sheet.")
    if problem := unsafe_text_problem(line):
        raise StickerError(f"The line {problem}: type it again without it.")
    if len(line) > MAX_TEXT:
        raise StickerError(f"The line is {len(line)} characters long; keep it to {MAX_TEXT}.")
    bx, by, bw, bh = layout.content_box()
    beside = layout.arrangement == "beside"
    qr_max = bh if beside else bw
    text_w = bw - bh - GAP if beside else bw
    lines = wrap(line, text_w, LINE_SIZE) if line.strip() else []
    sheet = Sheet(layout, stickers, notes, [])
    for n, sticker in enumerate(stickers):
        slot = n + skip
        if slot % layout.per_sheet == 0 or not sheet.pages:
            sheet.pages.append(Page())
        page = sheet.pages[-1]
        ox, oy = layout.origin(slot)
        size = link_size(sticker.typed, text_w)
        block = [(t, LINE_SIZE, True, "line") for t in lines]
        block.append((sticker.typed, size, False, "link"))
        text_h = sum(s * LEADING for _, s, _, _ in block)
        if beside:
            side = qr_max
            qx, qy = ox + bx, oy + by
            tx, ty, anchor = qx + side + GAP, oy + by + (bh - text_h) / 2, "start"
        else:
            side = min(qr_max, bh - text_h - GAP)
            qx, qy = ox + bx + (bw - side) / 2, oy + by
            tx, ty, anchor = ox + bx + bw / 2, qy + side + GAP, "middle"
        page.rects += qr_rects(sticker.url, qx, qy, side)
        page.qr_boxes.append((sticker.code, qx, qy, side))
        for value, s, bold, role in block:
            ty += s * LEADING
            page.texts.append(Text(tx, ty - s * (LEADING - 1), s, value, bold, anchor, role))
    for page in sheet.pages:
        page.texts += note_texts(layout, notes)
    return sheet


def note_texts(layout: Layout, notes: list[Note]) -> list[Text]:
    """Notes in the top margin, which is peeled off with the sheet's waste, never on a label."""
    if not notes:
        return []
    per_line = int((layout.page[0] - 2 * layout.left) // (CHAR_EM * NOTE_SIZE))
    rows = max(1, int((layout.top - 4) // (NOTE_SIZE * LEADING)))
    margins = [n.margin for n in notes]
    lines = [n[: per_line - 1] + "…" if len(n) > per_line else n for n in margins]
    if len(lines) > rows:
        more = len(lines) - rows + 1
        lines = [*lines[: rows - 1], f"… and {more} more notes: see the admin page."]
    y = 2 + NOTE_SIZE
    out = []
    for text in lines:
        out.append(Text(layout.left, y, NOTE_SIZE, text, role="note"))
        y += NOTE_SIZE * LEADING
    return out
