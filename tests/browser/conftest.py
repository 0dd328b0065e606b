"""Browser tests: the real server in its own process, driven through Debian's Chromium.

Under CI=true a missing browser fails the run; elsewhere it skips, loudly.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright

from server.settings import ROOT

CHROMIUM = os.environ.get("CARES_CHROMIUM", "/usr/bin/chromium")
# Keep the browser off the network: only the app on loopback resolves.
CHROMIUM_ARGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Page weights measured by test_page_weight.py, printed at the end of the run.
PAGE_WEIGHTS = pytest.StashKey[dict[str, int]]()


def pytest_configure(config):
    config.stash[PAGE_WEIGHTS] = {}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    weights = config.stash.get(PAGE_WEIGHTS, {})
    if weights:
        terminalreporter.section("first-visit page weight (bytes transferred)")
        for name, total in weights.items():
            terminalreporter.write_line(f"{total:>8,}  {name}")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def require_chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(f"BROWSER TESTS SKIPPED: {message}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    """`cares serve` in a child process, which a test may stop and start again."""

    db: Path
    port: int = field(default_factory=free_port)
    workers: int = 1
    process: subprocess.Popen | None = None
    env_extra: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CARES_DB": str(self.db),
            "CARES_PORT": str(self.port),
            "CARES_BASE_URL": self.url,
            **self.env_extra,
        }

    def cares(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "server.cli", *args],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )

    def start(self) -> LiveServer:
        with (self.db.parent / f"server-{self.port}.log").open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "serve", "--workers", str(self.workers)],
                env=self.env(),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        path = self.db.parent / f"server-{self.port}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    """A server shared by a module's tests that do not change its data."""
    require_chromium()
    live = LiveServer(db=tmp_path_factory.mktemp("server") / "cares.db").start()
    yield live
    live.stop()


@pytest.fixture
def own_server(tmp_path) -> Iterator[LiveServer]:
    """A server of the test's own, which it may stop, restart or publish to."""
    require_chromium()
    live = LiveServer(db=tmp_path / "cares.db").start()
    yield live
    live.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    path = require_chromium()
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context()
    yield ctx
    await ctx.close()


@contextlib.asynccontextmanager
async def persistent_context(profile: Path, **options) -> AsyncIterator[BrowserContext]:
    """A browser with a profile on disk, so state survives closing it."""
    path = require_chromium()
    async with async_playwright() as p:
        ctx = await p.chromium.launch_persistent_context(
            str(profile), executable_path=path, args=CHROMIUM_ARGS, **options
        )
        try:
            yield ctx
        finally:
            await ctx.close()


def copy_db(src: Path, dst: Path) -> None:
    shutil.copy(src, dst)
