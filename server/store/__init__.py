"""SQLite storage. The only module that imports aiosqlite or writes SQL.

One connection reads; one connection writes, serialised by a lock and
``BEGIN IMMEDIATE`` so writes from several processes queue rather than clash.
Every write is one transaction; commits are durable (``synchronous=FULL``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.store.accounts import AccountStore
from server.store.audit import AuditEntry, AuditStore, write_audit
from server.store.backup import BackupStore
from server.store.base import BUSY_TIMEOUT_MS, StoreBusy, _json, utc_now
from server.store.counts import CountStore
from server.store.drafts import DraftStore, _check_codes, _register_codes, write_draft
from server.store.imports import ImportStore

__all__ = ["BUSY_TIMEOUT_MS", "SiteFile", "Store", "StoreBusy", "VersionInfo", "utc_now"]
RENDERS_KEPT = 3


@dataclass(frozen=True)
class VersionInfo:
    id: int
    content_hash: str
    published_at: str
    published_by: str | None
    note: str | None
    rollback_of: int | None


@dataclass(frozen=True)
class SiteFile:
    """One rendered public file of a published version."""

    path: str
    content_type: str
    hash: str
    status: int
    offline: str | None
    body: bytes | None  # None: the body is stored already, under `hash`
    gzip: bytes | None
    br: bytes | None
    inputs: str | None = None  # what a page was rendered from (server/site.py)


class Store(DraftStore, ImportStore, AccountStore, AuditStore, BackupStore, CountStore):
    async def is_empty(self) -> bool:
        """True when there is neither a draft nor a published version."""
        row = await self._one(
            "SELECT (SELECT count(*) FROM record) + (SELECT count(*) FROM version)"
        )
        return row[0] == 0

    # --- published versions ---------------------------------------------------

    async def latest_version(self) -> VersionInfo | None:
        row = await self._one(f"SELECT {_VERSION_COLUMNS} FROM version ORDER BY id DESC LIMIT 1")
        return VersionInfo(*row) if row else None

    async def get_version(self, version_id: int) -> VersionInfo | None:
        row = await self._one(f"SELECT {_VERSION_COLUMNS} FROM version WHERE id = ?", (version_id,))
        return VersionInfo(*row) if row else None

    async def list_versions(self) -> list[VersionInfo]:
        rows = await self._all(f"SELECT {_VERSION_COLUMNS} FROM version ORDER BY id DESC")
        return [VersionInfo(*row) for row in rows]

    async def version_document(self, version_id: int) -> dict[str, Any] | None:
        row = await self._one("SELECT document FROM version WHERE id = ?", (version_id,))
        return json.loads(row[0]) if row else None

    async def latest_version_id(self) -> int:
        """The newest version number (0 when none): a cheap check for other processes' publishes."""
        row = await self._one("SELECT coalesce(max(id), 0) FROM version")
        return int(row[0])

    async def insert_version(
        self,
        doc: dict[str, Any],
        content_hash: str,
        *,
        actor: str | None,
        note: str | None,
        rollback_of: int | None = None,
        expected_latest: int | None,
        build: str,
        files: list[SiteFile],
        qr_new: dict[str, str],
        audit: AuditEntry | None = None,
        reset_draft: bool = False,
    ) -> VersionInfo | None:
        """Store a new immutable version and its rendered files in one durable transaction.

        Returns None (and writes nothing) when another publish got in first, that is
        when the newest version is no longer `expected_latest`. The audit entry (its
        record id set to the new version's number) and, for a rollback, the draft
        reset to the published content are part of the same transaction.
        """
        async with self.transaction() as db:
            row = await (await db.execute("SELECT coalesce(max(id), 0) FROM version")).fetchone()
            if row[0] != (expected_latest or 0):
                return None
            await _check_codes(db, doc)
            await _register_codes(db, doc)
            cursor = await db.execute(
                "INSERT INTO version (content_hash, published_at, published_by, note, rollback_of,"
                " document) VALUES (?, ?, ?, ?, ?, ?)",
                (content_hash, utc_now(), actor, note, rollback_of, _json(doc)),
            )
            version_id = cursor.lastrowid
            await _insert_files(db, version_id, build, files)
            await db.executemany(
                "INSERT OR IGNORE INTO qr_svg (text, svg) VALUES (?, ?)", list(qr_new.items())
            )
            await _prune_renders(db, build)
            if audit is not None:
                await write_audit(db, dataclasses.replace(audit, record_id=str(version_id)))
            if reset_draft:
                await write_draft(db, doc, actor)
            cursor = await db.execute(
                f"SELECT {_VERSION_COLUMNS} FROM version WHERE id = ?", (version_id,)
            )
            return VersionInfo(*(await cursor.fetchone()))

    async def store_render(self, version_id: int, build: str, files: list[SiteFile]) -> None:
        """Keep the files of an existing version as rendered by this build of the code."""
        async with self.transaction() as db:
            exists = await (
                await db.execute(
                    "SELECT 1 FROM site_file WHERE version_id = ? AND build = ? LIMIT 1",
                    (version_id, build),
                )
            ).fetchone()
            if not exists:
                await _insert_files(db, version_id, build, files)
                await _prune_renders(db, build)

    async def site_files(self, version_id: int, build: str) -> list[SiteFile]:
        """The rendered files of a version, with their bodies; [] when not rendered yet."""
        rows = await self._all(
            "SELECT f.path, f.content_type, f.hash, f.status, f.offline, b.body, b.gzip, b.br"
            " FROM site_file f JOIN blob b ON b.hash = f.hash"
            " WHERE f.version_id = ? AND f.build = ?",
            (version_id, build),
        )
        return [SiteFile(*row) for row in rows]

    async def render_inputs(self, version_id: int, build: str) -> dict[str, tuple[str, str]]:
        """{path: (inputs, hash)} of a version's pages as rendered by this build."""
        rows = await self._all(
            "SELECT path, inputs, hash FROM site_file"
            " WHERE version_id = ? AND build = ? AND inputs IS NOT NULL",
            (version_id, build),
        )
        return {path: (inputs, digest) for path, inputs, digest in rows}

    async def known_blobs(self, hashes: Iterable[str]) -> set[str]:
        """Which of these content hashes are stored already (their compression can be reused)."""
        wanted = list(set(hashes))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = await self._all(f"SELECT hash FROM blob WHERE hash IN ({marks})", chunk)
            found.update(r[0] for r in rows)
        return found

    async def qr_svgs(self, texts: Iterable[str]) -> dict[str, str]:
        wanted = list(set(texts))
        out: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = await self._all(f"SELECT text, svg FROM qr_svg WHERE text IN ({marks})", chunk)
            out.update(dict(rows))
        return out

    async def code_owner(self, code: str) -> tuple[str, str] | None:
        row = await self._one("SELECT kind, record_id FROM short_code WHERE code = ?", (code,))
        return (row[0], row[1]) if row else None


_VERSION_COLUMNS = "id, content_hash, published_at, published_by, note, rollback_of"


async def _insert_files(
    db: aiosqlite.Connection, version_id: int, build: str, files: list[SiteFile]
) -> None:
    await db.executemany(
        "INSERT OR IGNORE INTO blob (hash, body, gzip, br) VALUES (?, ?, ?, ?)",
        [(f.hash, f.body, f.gzip, f.br) for f in files if f.body is not None],
    )
    await db.executemany(
        "INSERT INTO site_file"
        " (version_id, build, path, content_type, hash, status, offline, inputs)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (version_id, build, f.path, f.content_type, f.hash, f.status, f.offline, f.inputs)
            for f in files
        ],
    )


async def _prune_renders(db: aiosqlite.Connection, build: str) -> None:
    """Keep renders of the newest few versions only; versions themselves are kept forever.

    Only the bodies the dropped files referred to can have become unused, so only
    those are looked at (not every body stored).
    """
    dropped = (
        "build != ? OR version_id NOT IN"
        " (SELECT DISTINCT version_id FROM site_file WHERE build = ?"
        "  ORDER BY version_id DESC LIMIT ?)"
    )
    params = (build, build, RENDERS_KEPT)
    cursor = await db.execute(f"SELECT DISTINCT hash FROM site_file WHERE {dropped}", params)
    hashes = [row[0] for row in await cursor.fetchall()]
    await db.execute(f"DELETE FROM site_file WHERE {dropped}", params)
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        await db.execute(
            f"DELETE FROM blob WHERE hash IN ({','.join('?' * len(chunk))}) AND NOT EXISTS"
            " (SELECT 1 FROM site_file f WHERE f.hash = blob.hash)",
            chunk,
        )
