"""Imports waiting for an admin's confirmation, and short codes for imported records.

An upload is validated and stored with a report of what it would change and
the hash of the draft it was compared with. Applying it replaces the draft in
one transaction, and only if the draft is still the one the report describes.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from server.catalogue import SHARED_KINDS
from server.store.audit import AuditEntry, write_audit
from server.store.base import StoreBase, _json
from server.store.drafts import _check_codes, _new_code, draft_hash, read_draft, write_draft

PENDING_SECONDS = 3600


class ImportStale(Exception):
    """The draft changed after the import's report was made, or the import expired."""


@dataclass(frozen=True)
class PendingImport:
    id: str
    account: str
    created_at: float
    base_hash: str
    document: dict[str, Any]
    report: dict[str, Any]


class ImportStore(StoreBase):
    async def assign_codes(self, doc: dict[str, Any]) -> None:
        """Give every shared record without a short code a new one, unused anywhere."""
        taken = {r[0] for r in await self._all("SELECT code FROM short_code")}
        taken |= {r["code"] for kind in SHARED_KINDS.values() for r in doc[kind] if r["code"]}
        for kind in SHARED_KINDS.values():
            for record in doc[kind]:
                if not record.get("code"):
                    record["code"] = _new_code(taken)
                    taken.add(record["code"])

    async def check_codes(self, doc: dict[str, Any]) -> None:
        """Raise CatalogueInvalid when the document would give a short code a new meaning."""
        assert self._reader is not None, "store is not open"
        await _check_codes(self._reader, doc)

    async def save_pending_import(self, pending: PendingImport) -> None:
        async with self.transaction() as db:
            await db.execute(
                "DELETE FROM pending_import WHERE created_at < ?", (time.time() - PENDING_SECONDS,)
            )
            await db.execute(
                "INSERT INTO pending_import (id, account, created_at, base_hash, document, report)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    pending.id,
                    pending.account,
                    pending.created_at,
                    pending.base_hash,
                    _json(pending.document),
                    _json(pending.report),
                ),
            )

    async def pending_import(self, import_id: str, account: str) -> PendingImport | None:
        """An import this account uploaded within the last hour, or None."""
        row = await self._one(
            "SELECT id, account, created_at, base_hash, document, report FROM pending_import"
            " WHERE id = ? AND account = ? AND created_at >= ?",
            (import_id, account, time.time() - PENDING_SECONDS),
        )
        if row is None:
            return None
        return PendingImport(*row[:4], json.loads(row[4]), json.loads(row[5]))

    async def apply_import(self, import_id: str, account: str, audit: AuditEntry) -> None:
        """Make the pending import the draft, all or nothing. Raises ImportStale."""
        async with self.transaction() as db:
            async with db.execute(
                "SELECT base_hash, document FROM pending_import"
                " WHERE id = ? AND account = ? AND created_at >= ?",
                (import_id, account, time.time() - PENDING_SECONDS),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                raise ImportStale("This import has expired or was applied already.")
            if draft_hash(await read_draft(db)) != row[0]:
                raise ImportStale("The draft changed after this report was made.")
            await write_draft(db, json.loads(row[1]), account)
            await write_audit(db, audit)
            await db.execute("DELETE FROM pending_import WHERE id = ?", (import_id,))
