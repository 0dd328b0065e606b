"""Lighthouse scores (performance, accessibility, best practices) for the home page,
a need page and a service page, against a local CARES server.

Usage: make lighthouse   (or: python scripts/lighthouse.py [--url http://127.0.0.1:8000])

A measurement, not a test: it never runs in make test. Lighthouse is pinned in
scripts/lighthouse/package.json (`npm ci` there, which make lighthouse does).
Without --url it starts `cares serve` on a free port with a fresh database (the
default catalogue published). Lighthouse drives Debian's Chromium (CHROME_PATH),
kept off the network like the browser tests; its default is a mid-range phone
on a throttled mobile connection (simulated), which suits the people this is for.
Each page is measured --runs times (default 3) and the median score kept, as
Lighthouse advises: on a shared 2-core machine single runs of the performance
score vary with the load. Prints a table and writes bench/results/lighthouse.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import cares_env, free_port, running  # noqa: E402

LIGHTHOUSE = ROOT / "scripts" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME = os.environ.get("CARES_CHROMIUM", "/usr/bin/chromium")
CATEGORIES = ["performance", "accessibility", "best-practices"]
# Lighthouse splits --chrome-flags on spaces: the resolver rule must be quoted
# or Chromium gets only "MAP" and stays on the network.
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"',
]
ATTEMPTS = 2
RESULTS = ROOT / "bench" / "results" / "lighthouse.json"


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="cares-lighthouse-") as tmp:
        port = free_port()
        env = cares_env(Path(tmp) / "cares.db", port)
        args = [sys.executable, "-m", "server.cli", "serve"]
        url = f"http://127.0.0.1:{port}"
        with running(args, f"{url}/healthz", env=env):
            yield url


def pages(base_url: str) -> dict[str, str]:
    doc = httpx.get(f"{base_url}/api/catalogue").json()
    need = next(n["code"] for n in doc["needs"] if n["id"] == "human-trafficking")
    service = next(s["code"] for s in doc["services"] if s["id"] == "hiatus-house")
    return {"home": "/", "need": f"/s/{need}", "service": f"/s/{service}"}


def lighthouse(url: str, out: Path) -> dict[str, float]:
    # Chromium now and then fails to start on a busy machine: one more try.
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _lighthouse(url, out)
        except subprocess.CalledProcessError:
            if attempt == ATTEMPTS:
                raise
            print(f"lighthouse failed on {url}; trying again", file=sys.stderr)
    raise AssertionError("unreachable")


def _lighthouse(url: str, out: Path) -> dict[str, float]:
    subprocess.run(
        [
            "node",
            str(LIGHTHOUSE),
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={out}",
            f"--chrome-flags={' '.join(CHROME_FLAGS)}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": CHROME},
        check=True,
    )
    report = json.loads(out.read_text())
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running CARES server (default: start one)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median kept)")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `npm ci` in scripts/lighthouse (make lighthouse)")
    with contextlib.ExitStack() as stack:
        base = options.url or stack.enter_context(local_server())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        runs = {
            name: [lighthouse(base + path, tmp / f"{name}-{i}.json") for i in range(options.runs)]
            for name, path in pages(base).items()
        }
    scores = {
        name: {c: statistics.median(run[c] for run in results) for c in CATEGORIES}
        for name, results in runs.items()
    }
    print(f"median of {options.runs} runs per page (all runs: bench/results/lighthouse.json)")
    print(f"{'page':<10}" + "".join(f"{c:>16}" for c in CATEGORIES))
    for name, row in scores.items():
        print(f"{name:<10}" + "".join(f"{row[c]:>16g}" for c in CATEGORIES))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"median": scores, "runs": runs}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
