"""A static export served by plain nginx installs and works offline, with no Python behind it."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import LiveServer, free_port, persistent_context, require_chromium
from tests.browser.offline import offline_set, sha, wait_ready

OFFLINE_H1 = "This page is not saved on this device"


class StaticSite:
    """nginx serving an export with the configuration the export wrote."""

    def __init__(self, folder: Path, port: int) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            if os.environ.get("CI") == "true":
                pytest.fail("nginx is not installed", pytrace=False)
            pytest.skip("STATIC EXPORT TEST SKIPPED: nginx is not installed")
        conf = (
            (folder / "nginx.conf").read_text().replace("listen 8080;", f"listen 127.0.0.1:{port};")
        )
        run = folder.parent / "nginx"
        run.mkdir()
        (run / "site.conf").write_text(conf)
        # Test folders are private to their owner, so nginx's workers run as that owner.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        (run / "nginx.conf").write_text(
            f"{user}daemon off;\npid {run}/pid;\nerror_log {run}/error.log;\nevents {{}}\n"
            f"http {{\n  client_body_temp_path {run}/b;\n  proxy_temp_path {run}/p;\n"
            f"  fastcgi_temp_path {run}/f;\n  uwsgi_temp_path {run}/u;\n  scgi_temp_path {run}/s;\n"
            f"  include {run}/site.conf;\n}}\n"
        )
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [nginx, "-p", str(run), "-c", str(run / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                httpx.get(self.url + "/api/version", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError((run / "error.log").read_text())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def static_site(tmp_path):
    require_chromium()
    server = LiveServer(db=tmp_path / "cares.db")
    port = free_port()
    folder = tmp_path / "export"
    # Publish on the editing server, then export for the static site's own origin.
    server.cares("publish")
    server.cares("export-static", str(folder), "--base-url", f"http://127.0.0.1:{port}")
    site = StaticSite(folder, port)
    yield site
    site.stop()


async def test_static_export_installs_and_works_offline(static_site, tmp_path):
    entries = offline_set(static_site.url)
    async with persistent_context(tmp_path / "profile") as context:
        page = await context.new_page()
        await page.goto(static_site.url + "/")
        await wait_ready(page)
        cdp = await context.new_cdp_session(page)
        assert (await cdp.send("Page.getInstallabilityErrors"))["installabilityErrors"] == []
        static_site.stop()
        await context.set_offline(True)
        pages = [(p, d) for p, d in entries if not p.startswith(("/qr/", "/static/", "/api/"))]
        assert len(pages) > 80
        for path, digest in pages:
            response = await page.goto(static_site.url + path, wait_until="commit")
            assert response.status == 200 and response.from_service_worker, path
            assert sha(await response.body()) == digest, path
        await page.goto(static_site.url + "/find?q=trafficking")
        await page.wait_for_selector("[data-search-results] .cards")
        assert await page.get_by_text("Canadian Human Trafficking Hotline").count() >= 1
        await page.goto(static_site.url + "/never/visited")
        assert await page.locator("h1").inner_text() == OFFLINE_H1


async def test_quick_exit_leaves_through_the_static_site(static_site):
    async with httpx.AsyncClient() as client:
        for path in ["/blank", "/fr/blank", "/ar/blank"]:
            response = await client.get(static_site.url + path)
            assert response.status_code == 303, path
            assert response.headers["location"] == "https://weather.gc.ca/"
            assert response.headers["cache-control"] == "no-store"
            assert response.headers["referrer-policy"] == "no-referrer"
        neutral = await client.get(static_site.url + "/blank.html")
        assert neutral.status_code == 200 and "No internet connection" in neutral.text
