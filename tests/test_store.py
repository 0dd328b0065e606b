"""The store: migrations, durability settings, immutability and safe writes."""

from __future__ import annotations

import sqlite3

import pytest

from server.catalogue import read_catalogue_dir
from server.settings import ROOT
from server.store import Store, StoreBusy
from server.validation import CatalogueInvalid


async def test_open_applies_migrations_and_pragmas(tmp_path):
    store = await Store(tmp_path / "new.db").open()
    try:
        assert await store.is_empty()
        assert await store.latest_version() is None
    finally:
        await store.close()
    db = sqlite3.connect(tmp_path / "new.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 1
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"record", "short_code", "version", "blob", "site_file"} <= tables


async def test_reopening_does_not_reapply_migrations(tmp_path):
    for _ in range(2):
        store = await Store(tmp_path / "again.db").open()
        await store.close()


async def test_published_versions_are_immutable(store):
    version = await store.latest_version()
    assert version is not None and version.id == 1
    db = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("UPDATE version SET note = 'changed' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("DELETE FROM version")


async def test_short_codes_never_change_meaning(store):
    doc = await store.draft_document()
    first, second = doc["services"][0], doc["services"][1]
    first["code"], second["code"] = second["code"], first["code"]
    with pytest.raises(CatalogueInvalid) as info:
        await store.replace_draft(doc, "test")
    assert any("never change meaning" in p.message for p in info.value.problems)
    assert (await store.draft_document())["services"][0]["code"] == second["code"]


async def test_draft_round_trips_through_the_store(store):
    doc = read_catalogue_dir(ROOT / "catalogue")
    draft = await store.draft_document()
    assert draft == doc


async def test_a_locked_database_gives_try_again_and_writes_nothing(store, monkeypatch):
    monkeypatch.setattr("server.store.base.BUSY_TIMEOUT_MS", 100)
    other = sqlite3.connect(store.path, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    try:
        await store._writer.execute("PRAGMA busy_timeout=100")
        doc = await store.draft_document()
        doc["services"][0]["name"]["en"] = "Changed while locked"
        with pytest.raises(StoreBusy, match="try again"):
            await store.replace_draft(doc, "test")
    finally:
        other.rollback()
        other.close()
    draft = await store.draft_document()
    assert draft["services"][0]["name"]["en"] != "Changed while locked"
