"""Backups taken while admins edit restore to a consistent state; restores lose nothing."""

from __future__ import annotations

import asyncio
import json
import sqlite3

from server.store import Store
from server.validation import validate_catalogue
from tests.test_cli import cares, versions

SERVICE = "hiatus-house"


async def edit_repeatedly(store: Store, count: int) -> None:
    for n in range(count):
        row = await store.get_record("services", SERVICE)
        data = {**row.data, "alert": {"en": f"edit {n}"}}
        await store.save_record(
            "services",
            SERVICE,
            data,
            expected_revision=row.revision,
            actor="editor",
            check=lambda doc: None,
        )
        await asyncio.sleep(0)


async def test_a_backup_during_edits_restores_consistently(store, seeded, tmp_path):
    backups = [tmp_path / f"b{i}.db" for i in range(3)]

    async def take_backups() -> None:
        for path in backups:
            await store.backup_to(path)
            await asyncio.sleep(0.01)

    writer = await Store(seeded.db_path).open()  # another connection, as another worker would be
    try:
        await asyncio.gather(edit_repeatedly(writer, 60), take_backups())
    finally:
        await writer.close()
    for path in backups:
        restored = tmp_path / f"restored-{path.name}"
        assert cares("restore", str(path), db=restored).returncode == 0
        conn = sqlite3.connect(restored)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (data,) = conn.execute(
            "SELECT data FROM record WHERE kind = 'services' AND id = ?", (SERVICE,)
        ).fetchone()
        alert = json.loads(data).get("alert")
        (summary,) = conn.execute(
            "SELECT summary FROM audit WHERE kind = 'services' AND record_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (SERVICE,),
        ).fetchone() or (None,)
        if alert is None:
            assert summary is None, "an audit entry without its edit"
        else:
            # The newest audit entry describes exactly the edit the record holds.
            assert json.loads(summary)["fields"]["alert.en"]["after"] == alert["en"]
        reopened = await Store(restored).open()
        try:
            validate_catalogue(await reopened.draft_document(), seeded.video_hosts)
            assert (await reopened.latest_version()).id == 1
        finally:
            await reopened.close()


def test_backup_and_restore_commands(seeded, tmp_path):
    db = seeded.db_path
    backup = tmp_path / "nightly.db"
    made = cares("backup", str(backup), db=db)
    assert made.returncode == 0, made.stderr
    assert "checked" in made.stdout
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    before = versions(db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM record WHERE kind = 'videos'")  # an accident
    restored = cares("restore", str(backup), db=db)
    assert restored.returncode == 0, restored.stderr
    kept = next(tmp_path.glob("cares.db.before-restore-*"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM record WHERE kind = 'videos'").fetchone()[0] > 0
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with sqlite3.connect(kept) as conn:
        assert conn.execute("SELECT count(*) FROM record WHERE kind = 'videos'").fetchone() == (0,)
    assert versions(db) == before


def test_a_damaged_backup_is_refused_and_the_database_kept(seeded, tmp_path):
    db = seeded.db_path
    before = versions(db)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x07" * 8192)
    not_cares = tmp_path / "other.db"
    sqlite3.connect(not_cares).execute("CREATE TABLE t (x)").connection.commit()
    for path, message in [
        (damaged, "Refused"),
        (not_cares, "is not a CARES database"),
        (tmp_path / "missing.db", "does not exist"),
    ]:
        result = cares("restore", str(path), db=db)
        assert result.returncode == 1 and message in result.stderr, result.stderr
    assert versions(db) == before
    assert not list(tmp_path.glob("cares.db.before-restore-*"))


def test_import_and_export_commands(seeded, tmp_path):
    db = seeded.db_path
    out = tmp_path / "hsds.json"
    assert cares("export", str(out), "--format", "hsds", db=db).returncode == 0
    assert json.loads(out.read_text())["organizations"]
    report = cares("import", str(out), db=db)
    assert report.returncode == 0 and "no changes" in report.stdout
    catalogue = tmp_path / "cares.json"
    assert cares("export", str(catalogue), "--from", "draft", db=db).returncode == 0
    doc = json.loads(catalogue.read_text())
    doc["services"][0]["alert"] = {"en": "Closed today"}
    catalogue.write_text(json.dumps(doc))
    dry = cares("import", str(catalogue), db=db)
    assert dry.returncode == 0 and "services: 1 changed" in dry.stdout and "--yes" in dry.stdout
    with sqlite3.connect(db) as conn:
        assert "Closed today" not in str(conn.execute("SELECT data FROM record").fetchall())
    applied = cares("import", str(catalogue), "--yes", db=db)
    assert applied.returncode == 0, applied.stderr
    with sqlite3.connect(db) as conn:
        assert "Closed today" in str(conn.execute("SELECT data FROM record").fetchall())
    (tmp_path / "bad.json").write_text('{"format": "cares-catalogue/1", "site": 5}')
    bad = cares("import", str(tmp_path / "bad.json"), db=db)
    assert bad.returncode == 1 and "site" in bad.stderr


def test_backups_are_private_and_never_overwrite(seeded, tmp_path):
    db = seeded.db_path
    target = tmp_path / "private.db"
    assert cares("backup", str(target), db=db).returncode == 0
    assert (target.stat().st_mode & 0o777) == 0o600
    again = cares("backup", str(target), db=db)
    assert again.returncode == 1 and "exists already" in again.stderr
    nowhere = cares("backup", str(tmp_path / "no" / "such" / "x.db"), db=db)
    assert nowhere.returncode == 1 and "there is no folder" in nowhere.stderr
    assert not (tmp_path / "no").exists()
    default = cares("backup", db=db)
    assert default.returncode == 0
    (made,) = (db.parent / "backups").glob("cares-*.db")
    assert (made.stat().st_mode & 0o777) == 0o600


def test_publishing_a_folder_never_discards_unpublished_draft_changes(seeded, tmp_path):
    db = seeded.db_path
    exported = tmp_path / "draft.json"
    assert cares("export", str(exported), "--from", "draft", db=db).returncode == 0
    doc = json.loads(exported.read_text())
    doc["services"][0]["alert"] = {"en": "Imported, not yet published"}
    exported.write_text(json.dumps(doc))
    assert cares("import", str(exported), "--yes", db=db).returncode == 0
    before = versions(db)
    refused = cares("publish", db=db)
    assert refused.returncode == 1 and "--draft" in refused.stderr
    assert versions(db) == before
    published = cares("publish", "--draft", "--note", "the import", db=db)
    assert published.returncode == 0, published.stderr
    assert len(versions(db)) == len(before) + 1
    with sqlite3.connect(db) as conn:
        (document,) = conn.execute("SELECT document FROM version ORDER BY id DESC").fetchone()
    assert "Imported, not yet published" in document
    same = cares("import", str(exported), db=db)
    assert "nothing to apply" in same.stdout and "--yes" not in same.stdout
