"""Helpers for the offline tests: the published set, the worker's caches, going offline."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import httpx

from server.settings import ROOT

READY = "[data-offline-status][data-state=ready]"

# Runs in a page: every entry of every cache, by cache name.
CACHE_ENTRIES = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const keys = await (await caches.open(name)).keys();
    out[name] = keys.map((request) => new URL(request.url).pathname + new URL(request.url).search);
  }
  return out;
}"""

# Runs in a page: fetch each [path, hash] through the worker and return the
# paths whose body does not have that hash.
MISMATCHES = """async (entries) => {
  const hex = (buffer) => Array.from(new Uint8Array(buffer),
    (b) => b.toString(16).padStart(2, '0')).join('');
  const bad = [];
  for (const [path, hash] of entries) {
    const response = await fetch(path);
    const digest = hex(await crypto.subtle.digest('SHA-256', await response.arrayBuffer()));
    if (response.status !== 200 || digest.slice(0, 32) !== hash) bad.push(path);
  }
  return bad;
}"""


def offline_set(base_url: str, languages: tuple[str, ...] = ("en",)) -> list[tuple[str, str]]:
    """The published offline set for these languages: [(path, hash)]."""
    manifest = httpx.get(f"{base_url}/api/offline.json").json()
    groups = ["common", *languages]
    return [(path, digest) for group in groups for path, digest in manifest["files"][group]]


def offline_etag(base_url: str) -> str:
    return httpx.get(f"{base_url}/api/version").json()["offline_manifest"]["etag"]


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


async def wait_ready(page, version: int | None = None) -> None:
    """Wait until the page says the set is saved (and, if given, at which version)."""
    selector = READY if version is None else f"{READY}[data-version='{version}']"
    await page.wait_for_selector(selector, state="attached", timeout=60_000)
    await page.wait_for_function("navigator.serviceWorker.controller !== null")


async def ask_for_update(page) -> None:
    """What the app does when the device comes back online."""
    await page.evaluate("window.dispatchEvent(new Event('online'))")


async def cache_entries(page) -> dict[str, list[str]]:
    return await page.evaluate(CACHE_ENTRIES)


async def mismatches(page, entries: list[tuple[str, str]]) -> list[str]:
    return await page.evaluate(MISMATCHES, [list(e) for e in entries])


def catalogue_with(tmp: Path, change) -> Path:
    """A copy of the default catalogue with `change(folder)` applied."""
    folder = tmp / f"catalogue-{time.monotonic_ns()}"
    shutil.copytree(ROOT / "catalogue", folder)
    change(folder)
    return folder


def change_service(folder: Path, service_id: str, text: str) -> None:
    path = folder / "services.json"
    services = json.loads(path.read_text())
    for service in services:
        if service["id"] == service_id:
            service["description"]["en"] = text
    path.write_text(json.dumps(services, ensure_ascii=False, indent=2))


def wait_for_version(base_url: str, version: int, timeout: float = 30) -> None:
    """The server picks up a publish made by another process within a second."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if httpx.get(f"{base_url}/api/version").json()["version"] == version:
            return
        time.sleep(0.1)
    raise AssertionError(f"the server never served version {version}")
