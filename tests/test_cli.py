"""The `cares` command, run as a real process against a real database file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import edit_json


def cares(*args: str, db: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "CARES_DB": str(db), "CARES_BASE_URL": "http://testserver", **env}
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def versions(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, content_hash FROM version ORDER BY id").fetchall()


def test_publish_validates_and_publishes(tmp_path, catalogue_copy):
    db = tmp_path / "cli.db"
    first = cares("publish", "--from", str(catalogue_copy), db=db)
    assert first.returncode == 0, first.stderr
    assert "Published version 1" in first.stdout
    again = cares("publish", "--from", str(catalogue_copy), db=db)
    assert "Nothing changed: version 1" in again.stdout
    edit_json(
        catalogue_copy / "site.json", lambda site: site.update(exit_url="https://www.google.ca/")
    )
    third = cares("publish", "--from", str(catalogue_copy), "--note", "exit page", db=db)
    assert "Published version 2" in third.stdout
    assert len(versions(db)) == 2


def test_publish_refuses_an_invalid_catalogue_and_keeps_the_published_version(
    tmp_path, catalogue_copy
):
    db = tmp_path / "cli.db"
    assert cares("publish", "--from", str(catalogue_copy), db=db).returncode == 0
    before = versions(db)

    def break_it(services):
        services[5]["url"] = "http://hiatushouse.com"
        services[6]["needs"] = ["no-such-need"]
        services[7]["id"] = services[8]["id"]

    edit_json(catalogue_copy / "services.json", break_it)
    result = cares("publish", "--from", str(catalogue_copy), db=db)
    assert result.returncode == 1
    assert "services/hiatus-house url" in result.stderr
    assert (
        "services/nisa-homes-windsor needs[0]: no need has the id 'no-such-need'" in result.stderr
    )
    assert "services/sheltersafe id: is used by 2 records" in result.stderr
    assert versions(db) == before


def test_bad_settings_are_reported(tmp_path):
    result = cares("publish", db=tmp_path / "x.db", CARES_BASE_URL="ftp://nope")
    assert result.returncode == 2
    assert "CARES_BASE_URL" in result.stderr
