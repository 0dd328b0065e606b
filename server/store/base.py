"""The store's foundation: connections, migrations and the one serialised writer.

One connection reads; one connection writes, serialised by a lock and
``BEGIN IMMEDIATE`` so writes from several processes queue rather than clash.
Every write is one transaction; commits are durable (``synchronous=FULL``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import aiosqlite

from server.catalogue import canonical_json

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 5000


class StoreBusy(Exception):
    """The database stayed locked by another writer; nothing was written."""

    def __init__(self) -> None:
        super().__init__("The database is busy. Nothing was saved; please try again.")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _create_private(path: Path) -> None:
    """A new database file only its owner can read (SQLite gives its -wal and -shm
    files the same permissions): it holds password hashes and the unpublished draft."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


class StoreBase:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._reader: aiosqlite.Connection | None = None
        self._writer: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    # --- lifecycle ----------------------------------------------------------

    async def open(self) -> Self:
        """Open both connections and apply any pending migrations."""
        await asyncio.to_thread(_create_private, self.path)
        self._writer = await self._connect()
        await self._writer.execute("PRAGMA journal_mode=WAL")
        await self._writer.execute("PRAGMA synchronous=FULL")
        await self._migrate()
        self._reader = await self._connect()
        return self

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys=ON")
        return conn

    async def _migrate(self) -> None:
        scripts = sorted(MIGRATIONS.glob("[0-9][0-9][0-9]_*.sql"))
        async with self.transaction() as db:
            (current,) = await (await db.execute("PRAGMA user_version")).fetchone()
            for script in scripts:
                number = int(script.name[:3])
                if number <= current:
                    continue
                for statement in _statements(script.read_text(encoding="utf-8")):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version={number}")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One serialised write transaction; rolled back whole on any error."""
        assert self._writer is not None, "store is not open"
        async with self._lock:
            db = self._writer
            try:
                await db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_busy(exc):
                    raise StoreBusy from exc
                raise
            try:
                yield db
            except BaseException:
                await db.rollback()
                raise
            try:
                await db.commit()
            except sqlite3.OperationalError as exc:
                await db.rollback()
                if _is_busy(exc):
                    raise StoreBusy from exc
                raise

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        assert self._reader is not None, "store is not open"
        async with self._reader.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        rows = await self._all(sql, params)
        return rows[0] if rows else None

    # --- the draft ----------------------------------------------------------


def _json(value: Any) -> str:
    return canonical_json(value).decode()


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out
