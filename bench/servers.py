"""Processes the benchmark starts: CARES itself, the bare baseline, nginx, and wrk."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(url, timeout=2)
            return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def cares_env(db: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "CARES_DB": str(db),
        "CARES_PORT": str(port),
        "CARES_BASE_URL": f"http://127.0.0.1:{port}",
    }


def cares(*args: str, db: Path, port: int = 8000) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env=cares_env(db, port),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )


@contextlib.contextmanager
def running(
    args: list[str], url: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_up(url, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cares_server(db: Path, port: int, workers: int = 1):
    args = [sys.executable, "-m", "server.cli", "serve", "--workers", str(workers)]
    return running(args, f"http://127.0.0.1:{port}/healthz", cares_env(db, port))


def baseline_server(snapshot: Path, port: int):
    args = [sys.executable, str(ROOT / "bench" / "baseline.py"), str(snapshot), str(port)]
    return running(args, f"http://127.0.0.1:{port}/")


def nginx_server(snapshot: Path, port: int, folder: Path):
    """nginx serving the snapshot's files as static files, one exact location each."""
    import json

    index = json.loads((snapshot / "index.json").read_text())
    locations = "\n".join(
        f"    location = {path.split('?')[0]} {{ default_type {entry['content_type'].split(';')[0]};"
        f" try_files /{entry['file']} =404; }}"
        for path, entry in index.items()
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {folder}/b;\n  proxy_temp_path {folder}/p;\n"
        f"  fastcgi_temp_path {folder}/f;\n  uwsgi_temp_path {folder}/u;\n  scgi_temp_path {folder}/s;\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n    root {snapshot};\n{locations}\n  }}\n}}\n"
    )
    return running(
        [nginx_path() or "nginx", "-p", str(folder), "-c", str(conf)], f"http://127.0.0.1:{port}/"
    )


def nginx_path() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def ensure_tools() -> dict[str, bool]:
    """wrk (and nginx, for the static baseline) from apt when running as root."""
    missing = [
        t for t in ("wrk", "nginx") if not (shutil.which(t) or (t == "nginx" and nginx_path()))
    ]
    if missing and os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *missing], check=False, capture_output=True
        )
    return {"wrk": bool(shutil.which("wrk")), "nginx": bool(nginx_path())}


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * _UNITS[unit]


def wrk(
    url: str,
    seconds: int,
    connections: int = 16,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> LoadResult:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script:
        args += ["-s", str(script)]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def rotating_paths(paths: list[str], folder: Path) -> Path:
    """A wrk script that asks for each path in turn, so no answer is asked twice in a row."""
    quoted = ",\n".join(json.dumps(p) for p in paths)
    script = folder / "rotate.lua"
    script.write_text(
        f"local paths = {{\n{quoted}\n}}\nlocal n = 0\n"
        "request = function()\n  n = n % #paths + 1\n  return wrk.format(nil, paths[n])\nend\n"
    )
    return script


def parse_wrk(out: str) -> LoadResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = _ms(re.search(r"\s50%\s+([\d.]+\w+)", out)[1])
    p99 = _ms(re.search(r"\s99%\s+([\d.]+\w+)", out)[1])
    total = int(re.search(r"(\d+) requests in", out)[1])
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match[1])
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    return LoadResult(rps, p50, p99, errors, total)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn workers), in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        status = Path(f"/proc/{p}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+) kB", status)[1])
    return total / 1024
