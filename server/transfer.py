"""Import and export: the project's own JSON and Open Referral HSDS 3.0 JSON.

The admin pages and the `cares import` / `cares export` commands share these
functions. An import is read defensively (UTF-8 only, no duplicate keys, no
NaN, bounded depth), checked whole, and described before anything changes.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from server.catalogue import FORMAT, catalogue_to_dict
from server.diff import describe, document_changes, record_changes, trimmed
from server.hsds import to_hsds
from server.hsds_import import merge_hsds
from server.settings import Settings
from server.store import Store
from server.validation import CatalogueInvalid, Problem, validate_catalogue

Format = Literal["cares", "hsds"]
FORMATS: tuple[Format, ...] = ("cares", "hsds")
MAX_DEPTH = 32
REPORTED_RECORDS = 100


@dataclass(frozen=True)
class ImportPlan:
    document: dict[str, Any]
    report: dict[str, Any]


def _refuse(message: str, where: str = "") -> CatalogueInvalid:
    return CatalogueInvalid([Problem("file", where, message)])


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _refuse(f"the key {key[:80]!r} appears twice in one object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise _refuse(f"{name} is not a number JSON allows")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, depth + 1) for v in item]
    return deepest


def parse_upload(body: bytes) -> Any:
    """The JSON in an uploaded file. Raises CatalogueInvalid with what is wrong and where."""
    if not body.strip():
        raise _refuse("the file is empty")
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse("is not UTF-8 text", f"byte {exc.start}") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise _refuse(f"is not valid JSON: {exc.msg}", where) from None
    except RecursionError:
        raise _refuse(f"is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # an integer with thousands of digits
        raise _refuse(f"has a value JSON cannot hold here: {exc}") from None
    if _depth(data) > MAX_DEPTH:
        raise _refuse(f"is nested more than {MAX_DEPTH} levels deep")
    return data


def guess_format(data: Any) -> Format:
    return "cares" if isinstance(data, dict) and data.get("format") == FORMAT else "hsds"


async def plan_import(
    store: Store, settings: Settings, data: Any, fmt: Format, today: str | None = None
) -> ImportPlan:
    """The draft as the import would make it, checked whole, with a report of the changes."""
    draft = await store.draft_document()
    warnings: list[str] = []
    if fmt == "cares":
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise _refuse(f'is not a CARES catalogue: "format" must be "{FORMAT}"', "format")
        new = data
    else:
        if draft is None:
            raise _refuse("an HSDS import adds to the draft, and there is no draft yet")
        today = today or datetime.now(UTC).date().isoformat()
        new, warnings = await asyncio.to_thread(merge_hsds, draft, data, today)
        await store.assign_codes(new)
    # Checking a big catalogue takes a while: off the event loop, so pages keep being served.
    catalogue = await asyncio.to_thread(validate_catalogue, new, settings.video_hosts)
    document = catalogue_to_dict(catalogue)
    await store.check_codes(document)
    changes = document_changes(draft, document)
    report = {
        "format": fmt,
        "changes": trimmed(changes),
        "summary": describe(changes),
        "fields": changed_fields(draft, document, changes),
        "warnings": warnings[:200],
        "counts": {kind: len(document[kind]) for kind in ("needs", "services", "videos")},
    }
    return ImportPlan(document, report)


def changed_fields(
    old: dict[str, Any] | None, new: dict[str, Any], changes: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Field by field, what the import changes in each record it changes (the first few)."""
    if old is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for kind, entry in changes.items():
        if kind == "site":
            out["site"] = record_changes(old["site"], new["site"])
            continue
        before = {r["id"]: r for r in old[kind]}
        after = {r["id"]: r for r in new[kind]}
        for record_id in entry.get("changed", [])[:REPORTED_RECORDS]:
            out[f"{kind}/{record_id}"] = record_changes(before[record_id], after[record_id])
    return out


async def export_document(
    store: Store, settings: Settings, fmt: Format, source: Literal["draft", "published"]
) -> dict[str, Any]:
    """The draft or the published version, in the project's format or as HSDS."""
    if source == "draft":
        doc = await store.draft_document()
    else:
        latest = await store.latest_version()
        doc = await store.version_document(latest.id) if latest else None
    if doc is None:
        raise _refuse(f"there is no {source} catalogue to export")
    catalogue = await asyncio.to_thread(validate_catalogue, doc, settings.video_hosts)
    return catalogue_to_dict(catalogue) if fmt == "cares" else to_hsds(catalogue)


def export_bytes(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
