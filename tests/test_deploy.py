"""The production set-up: what the Dockerfile ships is enough to run CARES."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time

import httpx

from server.settings import ROOT
from tests.browser.conftest import free_port

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_image_runs_as_a_non_root_user_with_the_database_on_a_volume():
    assert re.search(r"^USER cares$", DOCKERFILE, re.M)
    assert 'VOLUME ["/data"]' in DOCKERFILE
    assert "CARES_DB=/data/cares.db" in DOCKERFILE
    assert "/healthz" in DOCKERFILE.split("HEALTHCHECK", 1)[1]


def test_the_files_the_image_copies_are_enough_to_publish_and_serve(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    for line in re.findall(r"^COPY (.+)$", DOCKERFILE, re.M):
        *sources, _ = line.split()
        for source in sources:
            path = ROOT / source
            if path.is_dir():
                shutil.copytree(
                    path, app / source, ignore=shutil.ignore_patterns("__pycache__", "gen")
                )
            else:
                shutil.copy(path, app / source)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(app),
        "CARES_DB": str(tmp_path / "data" / "cares.db"),
        "CARES_PORT": str(port),
    }
    with (tmp_path / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve"], cwd=app, env=env, stdout=log, stderr=log
        )
    try:
        for _ in range(300):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                time.sleep(0.2)
        assert health.json()["ok"] is True
        assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert (tmp_path / "data" / "cares.db").exists()
