"""The draft: one JSON document per record, edited record by record without lost updates."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.catalogue import FORMAT, KINDS, SHARED_KINDS, canonical_json
from server.diff import record_changes
from server.store.audit import AuditEntry, write_audit
from server.store.base import StoreBase, _json, utc_now
from server.validation import CatalogueInvalid, Problem

CODE_ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 4


@dataclass(frozen=True)
class RecordRow:
    kind: str
    id: str
    revision: int
    data: dict[str, Any]
    updated_at: str
    updated_by: str | None


class RecordConflict(Exception):
    """The record changed (or appeared, or went) since the form was opened."""

    def __init__(self, current: RecordRow | None) -> None:
        self.current = current
        super().__init__("the record was changed by someone else")


_ROW = "kind, id, revision, data, updated_at, updated_by"


def _row(row: Any) -> RecordRow:
    return RecordRow(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5])


async def read_draft(db: Any) -> dict[str, Any] | None:
    """The draft as a catalogue document, read on the given connection."""
    async with db.execute("SELECT kind, data FROM record ORDER BY kind, position") as cursor:
        rows = await cursor.fetchall()
    if not rows:
        return None
    doc: dict[str, Any] = {"format": FORMAT, "site": None, **{kind: [] for kind in KINDS}}
    for kind, data in rows:
        if kind == "site":
            doc["site"] = json.loads(data)
        else:
            doc[kind].append(json.loads(data))
    return doc


def draft_hash(doc: dict[str, Any] | None) -> str:
    return hashlib.sha256(canonical_json(doc)).hexdigest()


async def _next_revision(db: aiosqlite.Connection) -> int:
    await db.execute("UPDATE revision_counter SET value = value + 1 WHERE id = 1")
    row = await (await db.execute("SELECT value FROM revision_counter WHERE id = 1")).fetchone()
    return int(row[0])


async def write_draft(db: aiosqlite.Connection, doc: dict[str, Any], actor: str | None) -> None:
    """Make `doc` the whole draft. Records whose content is unchanged keep their revision;
    every other record gets a new one, so no form opened before can overwrite it."""
    await _check_codes(db, doc)
    async with db.execute("SELECT kind, id, data FROM record") as cursor:
        existing = {(k, i): d for k, i, d in await cursor.fetchall()}
    wanted = [("site", "site", 0, doc["site"])]
    wanted += [(kind, r["id"], i, r) for kind in KINDS for i, r in enumerate(doc[kind])]
    keys = {(k, i) for k, i, _, _ in wanted}
    for kind, record_id in set(existing) - keys:
        await db.execute("DELETE FROM record WHERE kind = ? AND id = ?", (kind, record_id))
    now = utc_now()
    for kind, record_id, position, data in wanted:
        text = _json(data)
        if existing.get((kind, record_id)) == text:
            await db.execute(
                "UPDATE record SET position = ? WHERE kind = ? AND id = ?",
                (position, kind, record_id),
            )
            continue
        await db.execute(
            "INSERT INTO record (kind, id, position, revision, data, updated_at, updated_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET"
            " position = excluded.position, revision = excluded.revision, data = excluded.data,"
            " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            (kind, record_id, position, await _next_revision(db), text, now, actor),
        )


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


class DraftStore(StoreBase):
    async def draft_document(self) -> dict[str, Any] | None:
        """The draft as a catalogue document, or None when there is no draft."""
        assert self._reader is not None, "store is not open"
        return await read_draft(self._reader)

    async def replace_draft(
        self, doc: dict[str, Any], actor: str | None, audit: AuditEntry | None = None
    ) -> None:
        """Replace the whole draft with a validated document, in one transaction."""
        async with self.transaction() as db:
            await write_draft(db, doc, actor)
            if audit is not None:
                await write_audit(db, audit)

    async def list_records(self, kind: str) -> list[RecordRow]:
        rows = await self._all(
            f"SELECT {_ROW} FROM record WHERE kind = ? ORDER BY position", (kind,)
        )
        return [_row(r) for r in rows]

    async def get_record(self, kind: str, record_id: str) -> RecordRow | None:
        row = await self._one(
            f"SELECT {_ROW} FROM record WHERE kind = ? AND id = ?", (kind, record_id)
        )
        return _row(row) if row else None

    async def save_record(
        self,
        kind: str,
        record_id: str,
        data: dict[str, Any] | None,
        *,
        expected_revision: int | None,
        actor: str,
        check: Callable[[dict[str, Any]], object],
        action: str | None = None,
    ) -> RecordRow | None:
        """Create (expected_revision None), update or delete (data None) one draft record.

        In one transaction: refuse with RecordConflict when the record is not at the
        expected revision; give a new shared record a short code; run `check` on the
        whole draft as it would be (it raises CatalogueInvalid, and normalises text in
        place); write the record and an audit entry. Returns the row as saved.
        """
        async with self.transaction() as db:
            async with db.execute(
                f"SELECT {_ROW} FROM record WHERE kind = ? AND id = ?", (kind, record_id)
            ) as cursor:
                found = await cursor.fetchone()
            current = _row(found) if found else None
            if (current.revision if current else None) != expected_revision:
                raise RecordConflict(current)
            doc = await read_draft(db)
            if doc is None:
                raise CatalogueInvalid([Problem("catalogue", "", "there is no draft")])
            if data is not None and kind in SHARED_KINDS.values() and not data.get("code"):
                async with db.execute("SELECT code FROM short_code") as cursor:
                    taken = {r[0] for r in await cursor.fetchall()}
                taken |= {r["code"] for k in SHARED_KINDS.values() for r in doc[k]}
                data = {**data, "code": _new_code(taken)}
            _apply(doc, kind, record_id, data)
            await asyncio.to_thread(check, doc)
            await _check_codes(db, doc)
            saved = _find(doc, kind, record_id)
            if current is not None and saved == current.data:
                return current  # nothing changed: no new revision, no audit entry
            now = utc_now()
            if saved is None:
                await db.execute("DELETE FROM record WHERE kind = ? AND id = ?", (kind, record_id))
            else:
                revision = await _next_revision(db)
                position = await _position(db, kind, record_id)
                await db.execute(
                    "INSERT INTO record (kind, id, position, revision, data, updated_at,"
                    " updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE"
                    " SET revision = excluded.revision, data = excluded.data,"
                    " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    (kind, record_id, position, revision, _json(saved), now, actor),
                )
            verb = action or (
                "create" if current is None else "delete" if saved is None else "update"
            )
            await write_audit(
                db,
                AuditEntry(
                    actor,
                    verb,
                    kind,
                    record_id,
                    {"fields": record_changes(current.data if current else None, saved)},
                ),
            )
            if saved is None:
                return None
            return RecordRow(kind, record_id, revision, saved, now, actor)

    # --- thumbnails and other uploaded media -------------------------------------

    async def put_media(self, name: str, content_type: str, body: bytes, actor: str) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT OR IGNORE INTO media (name, content_type, body, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, content_type, body, utc_now(), actor),
            )

    async def media_files(self, names: list[str]) -> dict[str, tuple[str, bytes]]:
        """Stored media by name: {name: (content type, bytes)}; unknown names are left out."""
        out: dict[str, tuple[str, bytes]] = {}
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = await self._all(
                f"SELECT name, content_type, body FROM media WHERE name IN ({marks})", chunk
            )
            out.update({name: (ctype, body) for name, ctype, body in rows})
        return out


def _find(doc: dict[str, Any], kind: str, record_id: str) -> dict[str, Any] | None:
    if kind == "site":
        return doc["site"]
    return next((r for r in doc[kind] if r["id"] == record_id), None)


def _apply(doc: dict[str, Any], kind: str, record_id: str, data: dict[str, Any] | None) -> None:
    if kind == "site":
        if data is None:
            raise CatalogueInvalid([Problem("site", "", "the site wording cannot be deleted")])
        doc["site"] = data
        return
    records = doc[kind]
    index = next((i for i, r in enumerate(records) if r["id"] == record_id), None)
    if data is None:
        if index is not None:
            del records[index]
    elif index is None:
        records.append(data)
    else:
        records[index] = data


async def _position(db: aiosqlite.Connection, kind: str, record_id: str) -> int:
    async with db.execute(
        "SELECT position FROM record WHERE kind = ? AND id = ?", (kind, record_id)
    ) as cursor:
        row = await cursor.fetchone()
    if row:
        return int(row[0])
    async with db.execute(
        "SELECT coalesce(max(position), -1) + 1 FROM record WHERE kind = ?", (kind,)
    ) as cursor:
        return int((await cursor.fetchone())[0])


async def _check_codes(db: aiosqlite.Connection, doc: dict[str, Any]) -> None:
    """Refuse a document that would give a short code a new meaning."""
    problems = []
    rows = await (await db.execute("SELECT code, kind, record_id FROM short_code")).fetchall()
    owners = {code: (kind, rid) for code, kind, rid in rows}
    codes_of = {(kind, rid): code for code, kind, rid in rows}
    for kind in SHARED_KINDS.values():
        for record in doc[kind]:
            owner = owners.get(record["code"])
            if owner and owner != (kind, record["id"]):
                problems.append(
                    Problem(
                        f"{kind}/{record['id']}",
                        "code",
                        f"{record['code']} already belongs to {owner[0]}/{owner[1]}; "
                        "short codes never change meaning",
                    )
                )
            old = codes_of.get((kind, record["id"]))
            if old and old != record["code"]:
                problems.append(
                    Problem(
                        f"{kind}/{record['id']}",
                        "code",
                        f"was published as {old}; a record keeps its short code",
                    )
                )
    if problems:
        raise CatalogueInvalid(problems)


async def _register_codes(db: aiosqlite.Connection, doc: dict[str, Any]) -> None:
    now = utc_now()
    await db.executemany(
        "INSERT OR IGNORE INTO short_code (code, kind, record_id, created_at) VALUES (?, ?, ?, ?)",
        [(r["code"], kind, r["id"], now) for kind in SHARED_KINDS.values() for r in doc[kind]],
    )
