"""What in the draft needs an admin's attention. Knows nothing of HTTP or SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Item:
    kind: str
    id: str
    name: str
    reason: str
    details: tuple[str, ...] = ()


def _name(record: dict[str, Any]) -> str:
    text = record.get("name") or record.get("title") or {}
    return text.get("en") or record["id"]


def _months_between(earlier: date, later: date) -> int:
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


def needs_attention(doc: dict[str, Any], today: date, stale_months: int) -> dict[str, list[Item]]:
    """Records with facts to check, never verified, not verified for too long, videos
    without a link, and closed services still linked from collections."""
    out: dict[str, list[Item]] = {
        "unverified": [],
        "facts": [],
        "stale": [],
        "video_links": [],
        "closed_in_collections": [],
    }
    for kind in ("services", "videos"):
        for r in doc[kind]:
            if r.get("attention"):
                out["facts"].append(
                    Item(kind, r["id"], _name(r), "facts to check", tuple(r["attention"]))
                )
            verified = r.get("verified")
            if verified is None:
                out["unverified"].append(Item(kind, r["id"], _name(r), "never verified"))
            else:
                age = _months_between(date.fromisoformat(verified["on"]), today)
                if age > stale_months:
                    out["stale"].append(
                        Item(
                            kind,
                            r["id"],
                            _name(r),
                            f"last verified {verified['on']} ({age} months ago)",
                        )
                    )
    for v in doc["videos"]:
        if not v.get("url"):
            out["video_links"].append(Item("videos", v["id"], _name(v), "no video link yet"))
    closed = {s["id"]: s for s in doc["services"] if s["status"] != "active"}
    for c in doc["collections"]:
        for item in c["items"]:
            if item["kind"] == "service" and item["id"] in closed:
                s = closed[item["id"]]
                out["closed_in_collections"].append(
                    Item(
                        "collections",
                        c["id"],
                        _name(c),
                        f"links to {_name(s)}, which is {s['status'].replace('_', ' ')}",
                    )
                )
    return out


SECTIONS = {
    "facts": "Facts still to check",
    "unverified": "Never verified",
    "stale": "Not verified for too long",
    "video_links": "Videos without a link",
    "closed_in_collections": "Closed services still in collections",
}
