"""Short-link counts as admins see them: opens per week per code, an SVG chart and CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any

from server.catalogue import Collection, Need, Service, Video
from server.share import LIST_KEY
from server.store.counts import DailyOpens

WEEKS = 12
KIND_ORDER = {"collection": 0, "video": 1, "service": 2, "need": 3, "list": 4, "unknown": 5}
# Chart geometry, in SVG user units (pixels on screen).
LABEL_W, BAR_W, GAP, ROW_H, AXIS_H, TOTAL_W = 260, 30, 6, 30, 40, 60


@dataclass(frozen=True)
class Series:
    code: str
    kind: str
    name: str
    weeks: list[int]

    @property
    def total(self) -> int:
        return sum(self.weeks)


def week_start(day: date) -> date:
    """The Monday of the ISO week a day falls in."""
    return day - timedelta(days=day.weekday())


def describe(code: str, by_code: dict[str, Any]) -> tuple[str, str]:
    """(kind, English name) of a code in the published catalogue."""
    if code == LIST_KEY:
        return "list", "Links to several items (made on the device)"
    record = by_code.get(code)
    kinds = {Collection: "collection", Video: "video", Service: "service", Need: "need"}
    if record is None:
        return "unknown", "(not in the published catalogue)"
    text = record.title if isinstance(record, Video) else record.name
    return kinds[type(record)], text.get("en", "")


def weekly(
    rows: list[DailyOpens], by_code: dict[str, Any], today: date, weeks: int = WEEKS
) -> tuple[list[date], list[Series]]:
    """The last `weeks` weeks (oldest first) and each code's opens in them."""
    last = week_start(today)
    starts = [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    index = {start: i for i, start in enumerate(starts)}
    counts: dict[str, list[int]] = {}
    for row in rows:
        i = index.get(week_start(date.fromisoformat(row.day)))
        if i is not None:
            counts.setdefault(row.code, [0] * weeks)[i] += row.opens
    series = [Series(code, *describe(code, by_code), per_week) for code, per_week in counts.items()]
    series.sort(key=lambda s: (KIND_ORDER[s.kind], -s.total, s.code))
    return starts, series


def chart_svg(starts: list[date], series: list[Series]) -> str:
    """One row of weekly bars per code, on one shared scale, with the week axis below."""
    peak = max((max(s.weeks) for s in series), default=0) or 1
    width = LABEL_W + len(starts) * (BAR_W + GAP) + TOTAL_W
    height = len(series) * ROW_H + AXIS_H
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="opens-chart" role="img"'
        f' aria-labelledby="opens-chart-title" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" font-family="system-ui, sans-serif" font-size="12">',
        '<title id="opens-chart-title">Short-link opens per week, by code</title>',
    ]
    for row, s in enumerate(series):
        top = row * ROW_H
        label = escape(f"{s.name[:34]} ({s.code})")
        parts.append(f'<g data-code="{escape(s.code)}"><title>{escape(s.name)}</title>')
        parts.append(f'<text x="0" y="{top + ROW_H - 10}" fill="#1b1b1b">{label}</text>')
        for i, n in enumerate(s.weeks):
            x = LABEL_W + i * (BAR_W + GAP)
            h = round((ROW_H - 8) * n / peak, 2)
            parts.append(
                f'<rect x="{x}" y="{top + ROW_H - 4 - h}" width="{BAR_W}" height="{h}"'
                f' fill="#1f4e5f" data-week="{starts[i].isoformat()}" data-opens="{n}">'
                f"<title>{n} in the week of {starts[i].isoformat()}</title></rect>"
            )
        total_x = LABEL_W + len(starts) * (BAR_W + GAP) + 8
        parts.append(f'<text x="{total_x}" y="{top + ROW_H - 10}" fill="#1b1b1b">{s.total}</text>')
        parts.append("</g>")
    axis_y = len(series) * ROW_H
    axis_end = width - TOTAL_W
    parts.append(
        f'<line x1="{LABEL_W}" y1="{axis_y}" x2="{axis_end}" y2="{axis_y}" stroke="#4a4a4a"/>'
    )
    for i, start in enumerate(starts):
        x = LABEL_W + i * (BAR_W + GAP) + BAR_W / 2
        parts.append(
            f'<text x="{x}" y="{axis_y + 16}" text-anchor="middle" fill="#4a4a4a">'
            f"{start.strftime('%d %b')[:6]}</text>"
        )
    parts.append(f'<text x="{width - TOTAL_W + 8}" y="{axis_y + 16}" fill="#4a4a4a">Total</text>')
    parts.append("</svg>")
    return "".join(parts)


def csv_text(rows: list[DailyOpens], by_code: dict[str, Any]) -> str:
    """Every stored daily count: day, code, kind, name, opens."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["day", "code", "kind", "name", "opens"])
    for row in rows:
        kind, name = describe(row.code, by_code)
        # A name starting with = + - @ would be run as a formula by spreadsheets.
        safe = "'" + name if name[:1] in ("=", "+", "-", "@") else name
        writer.writerow([row.day, row.code, kind, safe, row.opens])
    return out.getvalue()
