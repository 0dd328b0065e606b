"""The audit log: append-only, written in the same transaction as the change it records."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from server.store.base import StoreBase, utc_now

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditEntry:
    """What to record. Never put a password, token or session id in `summary`."""

    actor: str | None
    action: str
    kind: str | None = None
    record_id: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    actor: str | None
    action: str
    kind: str | None
    record_id: str | None
    summary: dict[str, Any]


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    kind: str = ""
    record_id: str = ""
    since: str = ""  # ISO date, inclusive
    until: str = ""  # ISO date, inclusive
    before_id: int | None = None


async def write_audit(db: aiosqlite.Connection, entry: AuditEntry) -> None:
    await db.execute(
        "INSERT INTO audit (at, actor, action, kind, record_id, summary) VALUES (?, ?, ?, ?, ?, ?)",
        (
            utc_now(),
            entry.actor,
            entry.action,
            entry.kind,
            entry.record_id,
            json.dumps(entry.summary, ensure_ascii=False, sort_keys=True),
        ),
    )


class AuditStore(StoreBase):
    async def audit(self, entry: AuditEntry) -> None:
        """Record an event that changes nothing else (a login, a failed login, a logout)."""
        async with self.transaction() as db:
            await write_audit(db, entry)

    async def audit_entries(self, where: AuditFilter, limit: int = PAGE_SIZE) -> list[AuditRow]:
        """The newest entries matching the filter, newest first."""
        clauses, params = [], []
        for column, value in (
            ("actor", where.actor),
            ("action", where.action),
            ("kind", where.kind),
            ("record_id", where.record_id),
        ):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if where.since:
            clauses.append("at >= ?")
            params.append(where.since)
        if where.until:
            # Entries are stamped "YYYY-MM-DDTHH:MM:SSZ": everything on that day sorts below "~".
            clauses.append("at <= ?")
            params.append(where.until + "~")
        if where.before_id:
            clauses.append("id < ?")
            params.append(where.before_id)
        sql = "SELECT id, at, actor, action, kind, record_id, summary FROM audit"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY id DESC LIMIT ?"
        rows = await self._all(sql, [*params, limit])
        return [AuditRow(*row[:6], json.loads(row[6])) for row in rows]

    async def audit_values(self) -> dict[str, list[str]]:
        """The actors and actions seen so far, for the filter menus."""
        actors = await self._all("SELECT DISTINCT actor FROM audit WHERE actor IS NOT NULL")
        actions = await self._all("SELECT DISTINCT action FROM audit")
        return {
            "actors": sorted(r[0] for r in actors),
            "actions": sorted(r[0] for r in actions),
        }

    async def version_summaries(self, version_ids: list[int]) -> dict[int, str]:
        """What each version changed, as its publish (or rollback) entry recorded it."""
        if not version_ids:
            return {}
        marks = ",".join("?" * len(version_ids))
        rows = await self._all(
            "SELECT record_id, summary FROM audit WHERE kind = 'version'"
            f" AND action IN ('publish', 'rollback') AND record_id IN ({marks})",
            [str(v) for v in version_ids],
        )
        out = {}
        for record_id, summary in rows:
            text = json.loads(summary).get("summary")
            if isinstance(text, str):
                out[int(record_id)] = text
        return out
