"""`make bench`: measure the public side beside baselines started in the same run.

Writes bench/results/results.json, results.md and throughput.svg.
Environment: BENCH_SECONDS (per load run, default 5), BENCH_FACTORS
(synthetic catalogue sizes, default "1,20,100").
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import measures
from bench.report import write_report
from bench.servers import (
    baseline_server,
    cares,
    cares_server,
    ensure_tools,
    free_port,
    nginx_server,
    rotating_paths,
    wrk,
)

RESULTS = Path(__file__).resolve().parent / "results"
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
FACTORS = [int(f) for f in os.environ.get("BENCH_FACTORS", "1,20,100").split(",") if f]


QUERIES = 1000


def search_paths(doc: dict) -> list[str]:
    """Distinct searches made of the catalogue's own words: more than the server keeps
    answers for, asked in turn, so every one is searched and rendered afresh."""
    words = sorted(
        {
            w.lower()
            for s in doc["services"]
            for w in re.findall(r"[A-Za-z]{4,}", s["name"]["en"] + " " + s["description"]["en"])
        }
    )
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:] + words[:1], strict=True)]
    queries = (words + pairs)[:QUERIES]
    return ["/find?" + urlencode({"q": q}) for q in queries]


def endpoints(base: str) -> dict[str, tuple[str, dict[str, str]]]:
    doc = httpx.get(f"{base}/api/catalogue").json()
    need = next(n["code"] for n in doc["needs"] if n["id"] == "human-trafficking")
    service = next(s["code"] for s in doc["services"] if s["id"] == "hiatus-house")
    return {
        "/api/catalogue": ("/api/catalogue", {}),
        "home page": ("/", {}),
        "need page": (f"/s/{need}", {}),
        "service page": (f"/s/{service}", {}),
        "search query": ("/find?q=trafficking", {}),
        f"{QUERIES} searches": ("/find?q=trafficking", {"ROTATE": "search"}),
        "304 revalidation": ("/api/catalogue", {"if-none-match": "ETAG"}),
    }


def snapshot(base: str, paths: list[str], folder: Path) -> None:
    """The exact bytes our server sends (uncompressed), for the baselines to serve."""
    index = {}
    for n, path in enumerate(sorted(set(paths))):
        response = httpx.get(base + path, headers={"accept-encoding": "identity"})
        name = f"f{n}"
        (folder / name).write_bytes(response.content)
        index[path] = {
            "file": name,
            "content_type": response.headers["content-type"],
            "etag": response.headers.get("etag", '"none"'),
        }
    (folder / "index.json").write_text(json.dumps(index))


def etag_of(base: str, path: str) -> str:
    response = httpx.get(base + path)
    if "etag" not in response.headers:
        raise RuntimeError(
            f"no ETag from {base}{path}: {response.status_code} {dict(response.headers)}"
        )
    return response.headers["etag"]


def load_runs(tmp: Path, tools: dict[str, bool]) -> dict:
    db, port = tmp / "load.db", free_port()
    cares("publish", db=db, port=port)
    results: dict[str, dict] = {}
    with cares_server(db, port):
        ours = f"http://127.0.0.1:{port}"
        targets = endpoints(ours)
        shots = tmp / "snapshot"
        shots.mkdir()
        snapshot(ours, [p for p, _ in targets.values()], shots)
        doc = httpx.get(f"{ours}/api/catalogue").json()
        rotate = rotating_paths(search_paths(doc), tmp)
        servers = {"cares": ours}
        with baseline_server(shots, bport := free_port()):
            servers["bare starlette"] = f"http://127.0.0.1:{bport}"
            nginx_dir = tmp / "nginx"
            nginx_dir.mkdir()
            if tools["nginx"]:
                with nginx_server(shots, nport := free_port(), nginx_dir):
                    servers["nginx static"] = f"http://127.0.0.1:{nport}"
                    results = run_matrix(servers, targets, rotate)
            else:
                results = run_matrix(servers, targets, rotate)
    return results


def run_matrix(servers: dict[str, str], targets: dict, rotate: Path) -> dict:
    results: dict[str, dict] = {name: {} for name in targets}
    for label, (path, headers) in targets.items():
        script = rotate if headers.get("ROTATE") else None
        for server, base in servers.items():
            if server == "nginx static" and "?" in path:
                continue  # a static server cannot answer a query
            sent = {
                k: (etag_of(base, path) if v == "ETAG" else v)
                for k, v in headers.items()
                if k != "ROTATE"
            }
            result = wrk(base + path, SECONDS, headers=sent, script=script)
            if result.errors:
                raise RuntimeError(f"{server} {label}: {result.errors} failed requests")
            results[label][server] = asdict(result)
            print(f"  {label:18} {server:15} {result.requests_per_second:9.0f} req/s", flush=True)
    return results


def main() -> None:
    tools = ensure_tools()
    if not tools["wrk"]:
        sys.exit("wrk is needed: apt-get install -y wrk")
    RESULTS.mkdir(exist_ok=True)
    result: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "seconds_per_load_run": SECONDS,
    }
    with tempfile.TemporaryDirectory(prefix="cares-bench-") as name:
        tmp = Path(name)
        tmp.chmod(0o755)  # nginx workers run as another user and must read the snapshot
        print("Load (wrk, 1 thread, 16 connections, identity encoding):", flush=True)
        result["load"] = load_runs(tmp, tools)
        print("Publish time and memory:", flush=True)
        result["publish"] = [measures.publish_and_memory(tmp, f) for f in FACTORS]
        print("Offline set and update size:", flush=True)
        result["offline"] = measures.offline_update(tmp)
        print("Publish to every worker serving:", flush=True)
        result["propagation"] = measures.propagation(tmp)
        print("Publish during load:", flush=True)
        result["publish_under_load"] = measures.publish_under_load(tmp, SECONDS)
    (RESULTS / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    write_report(result, RESULTS)
    print((RESULTS / "results.md").read_text())


if __name__ == "__main__":
    main()
