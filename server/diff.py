"""What changed between two records or two catalogue documents, for people to read."""

from __future__ import annotations

import json
from typing import Any

from server.catalogue import KINDS

SHORT = 160
IDS_SHOWN = 20
MAX_FIELDS = 40


def short(value: Any) -> str:
    """A value as compact text, cut to a readable length."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def _leaves(before: Any, after: Any, path: str, out: dict[str, Any]) -> None:
    if len(out) >= MAX_FIELDS or before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            _leaves(before.get(key), after.get(key), f"{path}.{key}" if path else key, out)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            _leaves(b, a, f"{path}[{i}]", out)
    else:
        out[path] = {"before": short(before), "after": short(after)}


def record_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """The fields that differ, as deep as needed ('phones[0].number'), with short values."""
    out: dict[str, Any] = {}
    _leaves(before or {}, after or {}, "", out)
    return out


def document_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Per kind: ids added, removed and changed; and whether the site wording changed."""
    old = old or {kind: [] for kind in KINDS}
    out: dict[str, Any] = {}
    for kind in KINDS:
        before = {r["id"]: r for r in old.get(kind, [])}
        after = {r["id"]: r for r in new.get(kind, [])}
        entry = {
            "added": sorted(set(after) - set(before)),
            "removed": sorted(set(before) - set(after)),
            "changed": sorted(i for i in set(before) & set(after) if before[i] != after[i]),
        }
        if any(entry.values()):
            out[kind] = entry
    if old.get("site") != new.get("site"):
        out["site"] = {"changed": ["site"]}
    return out


def describe(changes: dict[str, Any]) -> str:
    """One line: 'services: 2 changed (a, b); videos: 1 added (x)'."""
    parts = []
    for kind, entry in changes.items():
        for what in ("added", "changed", "removed"):
            ids = entry.get(what, [])
            if ids:
                shown = ", ".join(ids[:IDS_SHOWN]) + (" …" if len(ids) > IDS_SHOWN else "")
                parts.append(f"{kind}: {len(ids)} {what} ({shown})")
    return "; ".join(parts) or "no changes"


def trimmed(changes: dict[str, Any]) -> dict[str, Any]:
    """The same changes with long id lists cut, for storing in the audit log."""
    return {
        kind: {
            what: ids[:IDS_SHOWN]
            + ([f"… {len(ids) - IDS_SHOWN} more"] if len(ids) > IDS_SHOWN else [])
            for what, ids in entry.items()
        }
        for kind, entry in changes.items()
    }
