"""Label sheets stickers can be printed on: each sheet's real geometry, as data.

All lengths in PostScript points (1/72 inch), measured from the top-left
corner of the page. `left`/`top` are the page margins to the first label;
`pitch_x`/`pitch_y` the distance from one label's edge to the next one's
(label size plus gap). Printers must print at 100 % ("actual size").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

IN = 72.0
MM = 72.0 / 25.4
LETTER = (8.5 * IN, 11 * IN)
A4 = (210 * MM, 297 * MM)


@dataclass(frozen=True)
class Layout:
    key: str
    name: str
    page: tuple[float, float]
    shape: Literal["rect", "round"]
    label: tuple[float, float]
    columns: int
    rows: int
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    # "beside": the text next to the code (labels too low for text under it).
    arrangement: Literal["beside", "under"]
    # Kept clear of ink inside each label, for the printer's drift.
    inset: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def origin(self, index: int) -> tuple[float, float]:
        """Top-left corner of label `index` (0-based, row by row) on its page."""
        row, column = divmod(index % self.per_sheet, self.columns)
        return self.left + column * self.pitch_x, self.top + row * self.pitch_y

    def content_box(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) inside a label where ink may go, relative to its corner."""
        w, h = self.label
        if self.shape == "round":
            # The square inscribed in the circle, so the code's quiet zone stays on the label.
            r = w / 2 - self.inset
            side = r * 2**0.5
            return w / 2 - side / 2, h / 2 - side / 2, side, side
        return self.inset, self.inset, w - 2 * self.inset, h - 2 * self.inset


LAYOUTS: dict[str, Layout] = {
    layout.key: layout
    for layout in (
        # Avery 5160/8160 and look-alikes, as Avery's own template gives them:
        # 3/16 in side margins, 1/8 in between columns, no gap between rows.
        Layout(
            key="avery-5160",
            name="Avery 5160 / 8160: US Letter, 30 per sheet, 2⅝ × 1 in",
            page=LETTER,
            shape="rect",
            label=(2.625 * IN, 1 * IN),
            columns=3,
            rows=10,
            left=0.1875 * IN,
            top=0.5 * IN,
            pitch_x=2.75 * IN,
            pitch_y=1 * IN,
            arrangement="beside",
            inset=0.0625 * IN,
        ),
        # Avery L7160 and look-alikes (J8160, Lyreco 151342): 2.5 mm between columns.
        Layout(
            key="avery-l7160",
            name="Avery L7160: A4, 21 per sheet, 63.5 × 38.1 mm",
            page=A4,
            shape="rect",
            label=(63.5 * MM, 38.1 * MM),
            columns=3,
            rows=7,
            left=7.25 * MM,
            top=15.15 * MM,
            pitch_x=66.0 * MM,
            pitch_y=38.1 * MM,
            arrangement="under",
            inset=2 * MM,
        ),
        # 2-inch circles, 20 per sheet (OnlineLabels OL5375 geometry).
        Layout(
            key="round-2in-20",
            name="2 in round: US Letter, 20 per sheet (OL5375 style)",
            page=LETTER,
            shape="round",
            label=(2 * IN, 2 * IN),
            columns=4,
            rows=5,
            left=0.15625 * IN,
            top=0.375 * IN,
            pitch_x=2.0625 * IN,
            pitch_y=2.0625 * IN,
            arrangement="under",
            inset=0.0625 * IN,
        ),
        # 2-inch circles, 12 per sheet (OnlineLabels OL2682 geometry).
        Layout(
            key="round-2in-12",
            name="2 in round: US Letter, 12 per sheet (OL2682 style)",
            page=LETTER,
            shape="round",
            label=(2 * IN, 2 * IN),
            columns=3,
            rows=4,
            left=0.625 * IN,
            top=0.6 * IN,
            pitch_x=2.625 * IN,
            pitch_y=2.6 * IN,
            arrangement="under",
            inset=0.0625 * IN,
        ),
    )
}
