"""Measure the offline app: set size, install time, update size, offline start.

Usage: python bench/offline.py [--factor N] [--runs K]

Starts `cares serve` on a free port (the default catalogue, or a synthetic
one N times its size), drives Debian's Chromium, and prints JSON:
- the offline set of one language (plus the shared files): entries, bytes,
  and the bytes on the wire with brotli and with gzip;
- install: from opening the first page to "ready offline", on loopback
  (median of K fresh profiles), and what the browser actually transferred;
- update: one service's description changed and published; what the worker
  fetched (entries, bytes, bytes on the wire) against the full set;
- offline start: the browser restarted with the server stopped, opening
  start_url; navigation start to first contentful paint and to load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import ROOT, cares_env, free_port, running

CHROMIUM = os.environ.get("CARES_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
READY = "[data-offline-status][data-state=ready]"
SERVICE = "hiatus-house"
# Page-side clocks: when the status line first says "saving", and when the
# page is drawn (two animation frames after DOMContentLoaded).
CLOCKS = """
window.clocks = {};
document.addEventListener('DOMContentLoaded', () => {
  requestAnimationFrame(() => requestAnimationFrame(() => { clocks.drawn = performance.now(); }));
  const line = document.querySelector('[data-offline-text]');
  new MutationObserver(() => {
    const state = line.parentElement.dataset.state;
    if (!(state in clocks)) clocks[state] = performance.now();
  }).observe(line, { childList: true, characterData: true, subtree: true });
});
"""


def serve(db: Path, port: int, catalogue: Path):
    env = {**cares_env(db, port), "CARES_CATALOGUE": str(catalogue)}
    args = [sys.executable, "-m", "server.cli", "serve"]
    return running(args, f"http://127.0.0.1:{port}/healthz", env)


def offline_set(url: str) -> list[tuple[str, str]]:
    manifest = httpx.get(f"{url}/api/offline.json").json()
    return [tuple(e) for group in ("common", "en") for e in manifest["files"][group]]


def wire_sizes(url: str, paths: list[str]) -> dict[str, int]:
    """Bytes of each body as sent: raw, with brotli, with gzip."""
    sizes = {"raw": 0, "br": 0, "gzip": 0}
    with httpx.Client(base_url=url) as client:
        for path in paths:
            for coding in sizes:
                headers = {"accept-encoding": "identity" if coding == "raw" else coding}
                with client.stream("GET", path, headers=headers) as response:
                    sizes[coding] += sum(len(chunk) for chunk in response.iter_raw())
    return sizes


async def transferred(requests) -> int:
    total = 0
    for request in requests:
        sizes = await request.sizes()
        total += sizes["responseBodySize"]
    return total


async def install_once(p, url: str, profile: Path) -> dict:
    context = await p.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=ARGS
    )
    worker_requests = []
    context.on("requestfinished", lambda r: worker_requests.append(r) if r.service_worker else None)
    page = await context.new_page()
    await page.add_init_script(CLOCKS)
    start = time.perf_counter()
    await page.goto(url + "/")
    await page.wait_for_selector(READY, state="attached", timeout=120_000)
    seconds = time.perf_counter() - start
    clocks = await page.evaluate("clocks")
    result = {
        "seconds": round(seconds, 3),
        "page_drawn_ms": round(clocks["drawn"]),
        "first_progress_ms": round(clocks["saving"]),
        "ready_ms": round(clocks["ready"]),
        "worker_requests": len(worker_requests),
        "worker_bytes_on_wire": await transferred(worker_requests),
    }
    await context.close()
    return result


def publish_one_change(url: str, db: Path, port: int, catalogue: Path) -> None:
    """Publish the catalogue with one service's description changed, as version 2."""
    changed_dir = Path(tempfile.mkdtemp()) / "catalogue"
    shutil.copytree(catalogue, changed_dir)
    services = json.loads((changed_dir / "services.json").read_text())
    for service in services:
        if service["id"] == SERVICE:
            service["description"]["en"] += " (Checked again.)"
    (changed_dir / "services.json").write_text(json.dumps(services, ensure_ascii=False))
    subprocess.run(
        [sys.executable, "-m", "server.cli", "publish", "--from", str(changed_dir)],
        env=cares_env(db, port),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    shutil.rmtree(changed_dir.parent)
    while httpx.get(f"{url}/api/version").json()["version"] != 2:
        time.sleep(0.1)


def synthetic_catalogue(factor: int, work: Path) -> Path:
    if factor == 1:
        return ROOT / "catalogue"
    folder = work / "catalogue"
    subprocess.run(
        [sys.executable, "bench/synthetic.py", str(factor), str(folder)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return folder


async def update(p, url: str, profile: Path, db: Path, port: int, catalogue: Path) -> dict:
    context = await p.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=ARGS
    )
    page = await context.new_page()
    await page.goto(url + "/")
    await page.wait_for_selector(READY, state="attached", timeout=120_000)
    before = dict(offline_set(url))
    publish_one_change(url, db, port, catalogue)
    after = offline_set(url)
    changed = [path for path, digest in after if before.get(path) != digest]
    requests = []
    context.on("requestfinished", lambda r: requests.append(r) if r.service_worker else None)
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    await page.wait_for_selector(
        "[data-offline-status][data-version='2']", state="attached", timeout=120_000
    )
    fetched = [r for r in requests if not r.url.endswith(("/api/version", "/api/offline.json"))]
    result = {
        "changed_entries": len(changed),
        "changed_paths": changed,
        "fetched_entries": len(fetched),
        "changed_bytes": wire_sizes(url, changed),
        "worker_bytes_on_wire": await transferred(fetched),
        "version_check_bytes_on_wire": await transferred([r for r in requests if r not in fetched]),
    }
    await context.close()
    return result


async def offline_start(p, url: str, profile: Path) -> dict:
    context = await p.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=ARGS, offline=True
    )
    page = await context.new_page()
    await page.add_init_script(CLOCKS)
    start = time.perf_counter()
    response = await page.goto(url + "/?source=pwa")
    await page.wait_for_load_state("load")
    await page.wait_for_function("clocks.drawn !== undefined")
    wall = time.perf_counter() - start
    timing = await page.evaluate(
        """() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return { drawn: clocks.drawn, responseEnd: nav.responseEnd, load: nav.loadEventEnd };
    }"""
    )
    await context.close()
    return {
        "from_service_worker": response.from_service_worker,
        "drawn_ms": round(timing["drawn"], 1),
        "response_end_ms": round(timing["responseEnd"], 1),
        "load_ms": round(timing["load"], 1),
        "goto_to_load_wall_ms": round(wall * 1000, 1),
    }


async def measure(factor: int, runs: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="cares-offline-bench-"))
    catalogue = synthetic_catalogue(factor, work)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    db = work / "cares.db"
    out: dict = {"factor": factor}
    try:
        with serve(db, port, catalogue) as server:
            entries = offline_set(url)
            out["set"] = {"entries": len(entries), **wire_sizes(url, [p for p, _ in entries])}
            async with async_playwright() as p:
                installs = [await install_once(p, url, work / f"install-{i}") for i in range(runs)]
                out["install"] = {
                    "median_seconds": statistics.median(r["seconds"] for r in installs),
                    "runs": installs,
                }
                out["update"] = await update(p, url, work / "install-0", db, port, catalogue)
                server.terminate()
                server.wait(timeout=20)
                starts = [await offline_start(p, url, work / "install-0") for _ in range(runs)]
                out["offline_start"] = starts
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.factor, args.runs)), indent=2))


if __name__ == "__main__":
    main()
