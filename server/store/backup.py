"""Backups and restores through SQLite's online backup API.

A backup is one consistent snapshot, taken while the server keeps serving and
admins keep editing (WAL lets the copy read while others write), checked with
``PRAGMA integrity_check`` before it is given its final name. A restore first
keeps a backup of the database it replaces, so nothing is ever lost.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from server.store.base import BUSY_TIMEOUT_MS, StoreBase, _create_private


class BackupFailed(Exception):
    """The copy could not be made or is not a sound CARES database; nothing was replaced."""


async def _check(conn: aiosqlite.Connection, what: str) -> None:
    try:
        rows = await (await conn.execute("PRAGMA integrity_check")).fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(f"{what} cannot be read as a database: {exc}") from exc
    if [tuple(r) for r in rows] != [("ok",)]:
        raise BackupFailed(f"{what} failed the integrity check: {rows[0][0]}")
    sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'version'"
    tables = await (await conn.execute(sql)).fetchall()
    if not tables:
        raise BackupFailed(f"{what} is not a CARES database")


def _private_file(path: Path) -> None:
    """An empty file only its owner can read: a copy holds password hashes and the draft."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _make_durable(partial: Path, target: Path) -> None:
    """Flush the finished copy, then give it its name, so a crash never leaves half a backup."""
    with open(partial, "rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, target)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


async def copy_database(source: aiosqlite.Connection, target: Path) -> None:
    """Write a checked snapshot of `source` to `target` (replaced only once it is sound)."""
    partial = target.with_name(target.name + ".partial")
    await asyncio.to_thread(_private_file, partial)
    dest = await aiosqlite.connect(partial)
    try:
        await source.backup(dest)
        # A backup is one file: no -wal beside it to lose when it is copied elsewhere.
        await dest.execute("PRAGMA journal_mode=DELETE")
        await _check(dest, "The backup")
    except BaseException:
        await dest.close()
        partial.unlink(missing_ok=True)
        raise
    await dest.close()
    await asyncio.to_thread(_make_durable, partial, target)


class BackupStore(StoreBase):
    async def backup_to(self, target: Path) -> None:
        """A consistent, checked copy of the whole database at `target`."""
        assert self._reader is not None, "store is not open"
        await copy_database(self._reader, target)


async def restore_database(db_path: Path, backup: Path) -> Path | None:
    """Replace the database at `db_path` with `backup`; return where the old one was kept.

    The backup is checked first. The copy goes through the backup API into the
    live file, so a running server sees the restored content on its next read.
    """
    if not await asyncio.to_thread(backup.is_file):
        raise BackupFailed(f"{backup} does not exist")
    source = await aiosqlite.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        await _check(source, str(backup))
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = None
        if await asyncio.to_thread(db_path.exists):
            kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
            current = await aiosqlite.connect(db_path)
            try:
                await copy_database(current, kept)
            finally:
                await current.close()
        await asyncio.to_thread(_create_private, db_path)
        dest = await aiosqlite.connect(db_path)
        try:
            await dest.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            await source.backup(dest)
            await dest.execute("PRAGMA journal_mode=WAL")
            await _check(dest, "The restored database")
        finally:
            await dest.close()
    finally:
        await source.close()
    return kept
