"""`cares admin ...` as a real process: the password is read from the terminal, never argv."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

FAST = {"CARES_ARGON2_TIME_COST": "1", "CARES_ARGON2_MEMORY_KIB": "1024"}


def cares(*args: str, db: Path, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "CARES_DB": str(db), "CARES_BASE_URL": "http://testserver", **FAST}
    # A new session has no controlling terminal, so getpass reads the piped input.
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        start_new_session=True,
    )


PASSWORD = "harbour lights at dusk"


def create_admin(
    db: Path, username: str = "ana", name: str = "Ana", password: str = PASSWORD
) -> subprocess.CompletedProcess:
    """`cares admin create`, answering the password prompt and its confirmation."""
    return cares(
        "admin",
        "create",
        "--username",
        username,
        "--name",
        name,
        db=db,
        stdin=f"{password}\n{password}\n",
    )


def test_admin_create_asks_for_the_password_and_stores_only_a_hash(tmp_path):
    db = tmp_path / "cli.db"
    listing = cares("admin", "list", db=db)
    assert "No admin account exists yet" in listing.stdout and "/admin/setup/" in listing.stdout
    weak = cares(
        "admin", "create", "--username", "ana", "--name", "Ana", db=db, stdin="password1234\n" * 3
    )
    assert weak.returncode == 1 and "most common passwords" in weak.stderr
    password = PASSWORD
    made = create_admin(db, "Ana", "Ana B.")
    assert made.returncode == 0, made.stderr
    assert "Created publisher 'ana'" in made.stdout
    with sqlite3.connect(db) as conn:
        ((username, role, stored),) = conn.execute(
            "SELECT username, role, password_hash FROM account"
        )
    assert (username, role) == ("ana", "publisher")
    assert stored.startswith("$argon2id$") and password not in stored
    again = create_admin(db, "ana", "A")
    assert again.returncode == 1 and "exists already" in again.stderr
    assert cares("admin", "list", db=db).stdout.startswith("ana\tpublisher\tAna B.")


def test_admin_password_resets_and_ends_sessions(tmp_path):
    db = tmp_path / "cli.db"
    create_admin(db)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO session VALUES ('h', 1, 'c', 0, 0)")
    new = "quiet river stones"
    reset = cares("admin", "password", "ana", db=db, stdin=f"{new}\n{new}\n")
    assert reset.returncode == 0, reset.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM session").fetchone()[0] == 0


def test_names_are_checked_before_any_password_is_asked(tmp_path):
    db = tmp_path / "cli.db"
    made = create_admin(db)
    assert made.returncode == 0, made.stderr
    unknown = cares("admin", "password", "nobody", db=db)  # nothing on standard input
    assert unknown.returncode == 1 and "No account is named 'nobody'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    taken = cares("admin", "create", "--username", "ana", "--name", "Ana", db=db)
    assert taken.returncode == 1 and "exists already" in taken.stderr
    no_answer = cares("admin", "create", "--username", "bo", "--name", "Bo", db=db)
    assert no_answer.returncode == 1 and "No answer came" in no_answer.stderr
    assert "Traceback" not in no_answer.stderr
    reset = cares("admin", "password", "ana", db=db, stdin="new lanterns by the river\n" * 2)
    assert reset.returncode == 0, reset.stderr
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT actor, record_id FROM audit WHERE action = 'account.password'"
        ).fetchone()
    assert row == ("cares admin password", "ana"), "the entry names whose password changed"
    assert (db.stat().st_mode & 0o777) == 0o600, "the database is private to its owner"
