"""Measurements beyond raw throughput: publishing, memory, update size, propagation."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from statistics import median

import httpx

from bench.servers import ROOT, cares, cares_env, cares_server, free_port, parse_wrk, rss_mb
from bench.synthetic import synthetic
from server.catalogue import read_catalogue_dir, write_catalogue_dir

LANGUAGES = ["en", "fr", "ar", "es"]


def change_one_service(folder: Path, text: str) -> None:
    doc = read_catalogue_dir(folder)
    doc["services"][5]["alert"] = {"en": text}
    write_catalogue_dir(doc, folder)


def timed_publish(db: Path, folder: Path, port: int) -> dict:
    """Publish in a fresh process, timing only the publish (not interpreter start-up)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.publish_timer", str(db), str(folder)],
        env=cares_env(db, port),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def publish_and_memory(tmp: Path, factor: int) -> dict:
    folder = tmp / f"synthetic-{factor}"
    write_catalogue_dir(synthetic(factor, LANGUAGES), folder)
    doc = read_catalogue_dir(folder)
    db = tmp / f"publish-{factor}.db"
    port = free_port()
    cold = timed_publish(db, folder, port)
    change_one_service(folder, "Changed for the warm publish")
    warm = timed_publish(db, folder, port)
    with cares_server(db, port) as process:
        base = f"http://127.0.0.1:{port}"
        for path in ("/", "/api/catalogue", "/numbers", "/find?q=help"):
            httpx.get(base + path)
        memory = rss_mb(process.pid)
    row = {
        "factor": factor,
        "services": len(doc["services"]),
        "videos": len(doc["videos"]),
        "needs": len(doc["needs"]),
        "languages": len(doc["site"]["languages"]),
        "files": cold["files"],
        "cold_publish_s": cold["seconds"],
        "warm_publish_s": warm["seconds"],
        "publisher_peak_rss_mb": cold["peak_rss_mb"],
        "server_rss_mb": round(memory, 1),
    }
    print(f"  {factor:3}x: {row}", flush=True)
    shutil.rmtree(folder)
    return row


def offline_sizes(base: str) -> tuple[dict, dict[str, tuple[int, int]]]:
    manifest = httpx.get(f"{base}/api/offline.json").json()
    sizes = {}
    with httpx.Client(base_url=base) as client:
        for group in manifest["files"].values():
            for path, digest in group:
                raw = client.get(path, headers={"accept-encoding": "identity"})
                packed = client.get(path, headers={"accept-encoding": "br, gzip"})
                sizes[path] = (len(raw.content), packed.num_bytes_downloaded, digest)
    return manifest, sizes


def offline_update(tmp: Path) -> dict:
    folder = tmp / "offline-catalogue"
    shutil.copytree(ROOT / "catalogue", folder)
    db, port = tmp / "offline.db", free_port()
    cares("publish", "--from", str(folder), db=db, port=port)
    with cares_server(db, port):
        base = f"http://127.0.0.1:{port}"
        _, before = offline_sizes(base)
        change_one_service(folder, "One changed service")
        cares("publish", "--from", str(folder), db=db, port=port)
        time.sleep(1.5)
        after_manifest, after = offline_sizes(base)
    changed = [p for p, (_, _, digest) in after.items() if before.get(p, (0, 0, None))[2] != digest]
    english = {p for p, _ in after_manifest["files"].get("en", [])} | {
        p for p, _ in after_manifest["files"].get("common", [])
    }
    result = {
        "files": len(after),
        "set_bytes": sum(s[0] for s in after.values()),
        "set_compressed_bytes": sum(s[1] for s in after.values()),
        "english_set_bytes": sum(after[p][0] for p in english),
        "english_set_compressed_bytes": sum(after[p][1] for p in english),
        "update_files": len(changed),
        "update_paths": sorted(changed),
        "update_bytes": sum(after[p][0] for p in changed),
        "update_compressed_bytes": sum(after[p][1] for p in changed),
    }
    result["update_share"] = round(
        result["update_compressed_bytes"] / result["set_compressed_bytes"], 4
    )
    print(f"  {result['update_files']} of {result['files']} files changed", flush=True)
    return result


def _all_serve(client: httpx.Client, target: int, asks: int = 20) -> bool:
    """Whether `asks` requests, each on a new connection (so both workers answer some),
    are all answered with version `target`."""
    return all(client.get("/api/version").json()["version"] == target for _ in range(asks))


def propagation(tmp: Path, trials: int = 3) -> dict:
    folder = tmp / "propagation-catalogue"
    shutil.copytree(ROOT / "catalogue", folder)
    db, port = tmp / "propagation.db", free_port()
    cares("publish", "--from", str(folder), db=db, port=port)
    delays = []
    fresh = httpx.Limits(max_keepalive_connections=0)
    with (
        cares_server(db, port, workers=2),
        httpx.Client(base_url=f"http://127.0.0.1:{port}", limits=fresh) as client,
    ):
        for trial in range(trials):
            change_one_service(folder, f"Propagation trial {trial}")
            cares("publish", "--from", str(folder), db=db, port=port)
            done = time.monotonic()
            target = trial + 2
            # Counted to the start of the first round of asks that all get the new
            # version (the round itself takes a while).
            while True:
                asked = time.monotonic()
                if _all_serve(client, target):
                    break
                time.sleep(0.02)
            delays.append((asked - done) * 1000)
    return {
        "workers": 2,
        "trials_ms": [round(d) for d in delays],
        "median_ms": round(median(delays)),
    }


def publish_under_load(tmp: Path, seconds: int) -> dict:
    """Publish while wrk loads a page; check that nothing fails and nothing mixes versions."""
    folder = tmp / "load-catalogue"
    shutil.copytree(ROOT / "catalogue", folder)
    db, port = tmp / "underload.db", free_port()
    cares("publish", "--from", str(folder), db=db, port=port)
    checks = {"responses": 0, "failed": 0, "mixed": 0}
    with cares_server(db, port, workers=2):
        base = f"http://127.0.0.1:{port}"
        doc = httpx.get(f"{base}/api/catalogue").json()
        path = f"/s/{doc['services'][5]['code']}"
        hashes = {1: dict(httpx.get(f"{base}/api/offline.json").json()["files"]["en"])[path]}
        stop = threading.Event()
        seen: list[tuple[int, str, int]] = []

        def check() -> None:
            with httpx.Client(base_url=base) as client:
                while not stop.is_set():
                    before = client.get("/api/version").json()["version"]
                    page = client.get(path)
                    after = client.get("/api/version").json()["version"]
                    checks["responses"] += 1
                    if page.status_code != 200:
                        checks["failed"] += 1
                    elif before == after:
                        seen.append((before, page.headers["etag"].strip('"'), page.status_code))

        checker = threading.Thread(target=check)
        # The load runs long enough for a publish from a fresh process to land
        # inside it even on a busy machine; the checker runs until it has seen
        # the new version served (or the load ends).
        wrk_process = subprocess.Popen(
            ["wrk", "-t1", "-c16", f"-d{seconds * 4}s", "--latency", f"{base}{path}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        checker.start()
        time.sleep(seconds / 2)
        change_one_service(folder, "Published under load")
        started = time.monotonic()
        cares("publish", "--from", str(folder), db=db, port=port)
        checks["publish_s"] = round(time.monotonic() - started, 2)
        while wrk_process.poll() is None and not any(v == 2 for v, _, _ in seen[-50:]):
            time.sleep(0.05)
        checks["new_version_during_load"] = wrk_process.poll() is None
        out = wrk_process.communicate()[0]
        stop.set()
        checker.join()
        hashes[2] = dict(httpx.get(f"{base}/api/offline.json").json()["files"]["en"])[path]
    checks["mixed"] = sum(1 for version, etag, _ in seen if hashes.get(version) != etag)
    checks["versions_seen"] = sorted({v for v, _, _ in seen})
    load = parse_wrk(out)
    checks["wrk_requests"] = load.requests
    checks["wrk_errors"] = load.errors
    print(f"  {checks}", flush=True)
    return checks
