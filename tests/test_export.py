"""`cares export-static`: the published version as files any static server can serve."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from server.export import ExportError, export_static, file_name
from tests.qr import decode_svg


async def test_export_writes_every_public_file_for_the_cdn_origin(store, tmp_path):
    folder = tmp_path / "site"
    report = await export_static(store, folder, "https://cdn.example.org")
    assert report.version == 1
    manifest = json.loads((folder / "api" / "offline.json").read_text())
    for group in manifest["files"].values():
        for path, _ in group:
            assert (folder / file_name(path)).is_file(), path
    version = json.loads((folder / "api" / "version").read_text())
    assert version["version"] == 1
    assert version["offline_manifest"]["url"] == "/api/offline.json"
    code = json.loads((folder / "api" / "catalogue").read_text())["services"][5]["code"]
    page = (folder / "s" / code).read_text()
    assert f'data-url="https://cdn.example.org/s/{code}"' in page
    assert (
        decode_svg((folder / "qr" / f"{code}.svg").read_text())
        == f"https://cdn.example.org/s/{code}"
    )
    assert (folder / "index.html.gz").is_file()
    headers = (folder / "_headers").read_text()
    assert f"/s/{code}\n  Content-Type: text/html; charset=utf-8" in headers
    assert "strict-transport-security" in headers
    assert not any("admin" in p.as_posix() for p in folder.rglob("*"))


async def test_export_refuses_a_folder_that_is_not_empty(store, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("precious")
    with pytest.raises(ExportError, match="not empty"):
        await export_static(store, tmp_path / "busy", "https://cdn.example.org")
    assert (tmp_path / "busy" / "keep.txt").read_text() == "precious"


@pytest.fixture
async def exported(store, tmp_path):
    folder = tmp_path / "site"
    await export_static(store, folder, "http://127.0.0.1:9")
    return folder


def test_the_generated_nginx_configuration_is_valid(exported, tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed")
    folder = exported
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include {folder}/nginx.conf; }}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
