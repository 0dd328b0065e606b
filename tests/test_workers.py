"""Several worker processes serve one version, and all switch after a publish."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from tests.browser.conftest import LiveServer
from tests.conftest import edit_json


def fresh_get(url: str) -> httpx.Response:
    # A new connection each time, so the kernel may hand it to any worker.
    with httpx.Client(headers={"connection": "close"}) as client:
        return client.get(url, timeout=5)


def workers_seen(server: LiveServer, tries: int = 200) -> dict[int, int]:
    seen: dict[int, int] = {}
    for _ in range(tries):
        data = fresh_get(f"{server.url}/healthz").json()
        seen[data["worker"]] = data["version"]
        if len(seen) == server.workers:
            break
    return seen


@pytest.fixture
def two_workers(tmp_path):
    live = LiveServer(db=tmp_path / "cares.db", workers=2).start()
    yield live
    live.stop()


def test_every_worker_serves_the_new_version_after_a_publish(two_workers, catalogue_copy):
    server = two_workers
    before = workers_seen(server)
    assert len(before) == 2, "both workers answered"
    assert set(before.values()) == {1}
    edit_json(
        catalogue_copy / "services.json",
        lambda services: services[5].update(alert={"en": "New hours from Monday"}),
    )
    server.cares("publish", "--from", str(catalogue_copy))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if all(fresh_get(f"{server.url}/api/version").json()["version"] == 2 for _ in range(10)):
            break
        time.sleep(0.1)
    after = workers_seen(server)
    assert set(after.values()) == {2}, after
    assert len(after) == 2
    code = httpx.get(f"{server.url}/api/catalogue").json()["services"][5]["code"]
    for _ in range(10):
        assert "New hours from Monday" in fresh_get(f"{server.url}/s/{code}").text


def test_concurrent_publishes_from_two_processes_stay_serialised(tmp_path, catalogue_copy):
    db = tmp_path / "cares.db"
    env = {**os.environ, "CARES_DB": str(db), "CARES_BASE_URL": "http://127.0.0.1:1"}
    subprocess.run(
        [sys.executable, "-m", "server.cli", "publish", "--from", str(catalogue_copy)],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    folders = []
    for n in range(2):
        folder = tmp_path / f"edit{n}"
        subprocess.run(["cp", "-r", str(catalogue_copy), str(folder)], check=True)
        edit_json(folder / "services.json", lambda s, n=n: s[5].update(alert={"en": f"Edit {n}"}))
        folders.append(folder)
    processes = [
        subprocess.Popen(
            # Each replaces the draft on purpose: two writers racing for the database.
            [sys.executable, "-m", "server.cli", "publish", "--from", str(f), "--replace-draft"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in folders
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    for code, out, err in results:
        assert code == 0 or (code == 75 and "try again" in err), (code, out, err)
    assert any(code == 0 for code, _, _ in results)
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM version ORDER BY id")]
        assert ids == list(range(1, len(ids) + 1))
        assert len(ids) == 1 + sum(code == 0 for code, _, _ in results)
        for version_id in ids:
            assert (
                conn.execute(
                    "SELECT count(*) FROM site_file WHERE version_id = ?", (version_id,)
                ).fetchone()[0]
                > 0
            )
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
