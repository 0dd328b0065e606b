"""The nginx recipe in deploy/nginx.conf, run on loopback in front of the real app."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from server.settings import ROOT
from tests.browser.conftest import LiveServer, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NAME = "cares.test"


def require(tool: str) -> str:
    path = shutil.which(tool) or (NGINX if tool == "nginx" and Path(NGINX).exists() else None)
    if path:
        return path
    message = f"{tool} is not installed (apt-get install -y {tool})"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(f"PROXY TESTS SKIPPED: {message}")


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            require("openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            f"/CN={NAME}",
            "-addext",
            f"subjectAltName=DNS:{NAME}",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


class Proxy:
    def __init__(self, folder: Path, upstream: str) -> None:
        self.folder = folder
        self.http_port, self.https_port = free_port(), free_port()
        cert, key = make_certificate(folder)
        recipe = (ROOT / "deploy" / "nginx.conf").read_text()
        for name, value in {
            "UPSTREAM": upstream,
            "HTTP_PORT": f"127.0.0.1:{self.http_port}",
            "HTTPS_PORT": f"127.0.0.1:{self.https_port}",
            "SERVER_NAME": NAME,
            "CERT": str(cert),
            "CERT_KEY": str(key),
            "ERROR_LOG": str(folder / "error.log"),
        }.items():
            recipe = recipe.replace(f"@{name}@", value)
        (folder / "cares.conf").write_text(recipe)
        (folder / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
            f"error_log {folder}/error.log;\nevents {{ worker_connections 64; }}\n"
            f"http {{\n  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
            f"  fastcgi_temp_path {folder}/fcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n"
            f"  scgi_temp_path {folder}/scgi;\n  include {folder}/cares.conf;\n}}\n"
        )
        self.process = subprocess.Popen(
            [require("nginx"), "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.cert = cert
        for _ in range(100):
            try:
                self.get("/healthz")
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError((folder / "error.log").read_text())

    def get(self, path: str, host: str = NAME, **kwargs) -> httpx.Response:
        return self.request("GET", path, host, **kwargs)

    def request(self, method: str, path: str, host: str = NAME, **kwargs) -> httpx.Response:
        with httpx.Client(verify=ssl.create_default_context(cafile=str(self.cert))) as client:
            return client.request(
                method,
                f"https://127.0.0.1:{self.https_port}{path}",
                headers={"host": host, **kwargs.pop("headers", {})},
                extensions={"sni_hostname": NAME},
                **kwargs,
            )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def proxied(tmp_path):
    require("nginx")
    app_port = free_port()
    server = LiveServer(db=tmp_path / "cares.db", port=app_port)
    proxy_dir = tmp_path / "nginx"
    proxy_dir.mkdir()
    # The public origin is the proxy's; the app believes forwarded headers from loopback only.
    https_port = free_port()
    server.env_extra = {
        "CARES_BASE_URL": f"https://{NAME}:{https_port}",
        "CARES_TRUSTED_PROXIES": "127.0.0.1",
    }
    server.start()
    try:
        proxy = Proxy(proxy_dir, f"127.0.0.1:{app_port}")
    except Exception:
        server.stop()
        raise
    yield server, proxy
    proxy.stop()
    server.stop()


def test_pages_and_security_headers_pass_through_the_proxy(proxied):
    _, proxy = proxied
    response = proxy.get("/")
    assert response.status_code == 200
    assert response.http_version in ("HTTP/1.1", "HTTP/2")
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["server"] == "nginx", "no version number"
    assert "set-cookie" not in headers
    etag = proxy.get("/api/catalogue").headers["etag"]
    assert proxy.get("/api/catalogue", headers={"if-none-match": etag}).status_code == 304
    br = proxy.get("/api/catalogue", headers={"accept-encoding": "br"})
    assert br.headers["content-encoding"] == "br"


def test_unknown_host_names_are_refused(proxied):
    server, proxy = proxied
    with pytest.raises(httpx.RemoteProtocolError):
        proxy.get("/", host="evil.example")
    direct = httpx.get(f"{server.url}/", headers={"host": "evil.example"})
    assert direct.status_code == 400


def test_plain_http_redirects_to_https(proxied):
    _, proxy = proxied
    response = httpx.get(f"http://127.0.0.1:{proxy.http_port}/s/ABCD", headers={"host": NAME})
    assert response.status_code == 301
    assert response.headers["location"] == f"https://{NAME}/s/ABCD"


def test_forwarded_addresses_cannot_be_spoofed_through_the_proxy(proxied):
    """Each attempt claims another address; nginx replaces the claim, so throttling holds."""
    server, proxy = proxied
    origin = server.env_extra["CARES_BASE_URL"]
    statuses = []
    for n in range(7):
        response = proxy.request(
            "POST",
            "/admin/login",
            data={"username": f"nobody{n}", "password": "not the password at all"},
            headers={"origin": origin, "x-forwarded-for": f"203.0.113.{n}"},
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429, 429]
