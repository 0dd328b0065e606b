"""Export the published version as a static site that any web server or CDN can serve.

The export is the same file set the server answers from, rendered for the
CDN's public origin, plus what a static server needs to serve it the way
CARES does: the version answer the service worker asks for, precompressed
copies, and configuration (nginx, and a `_headers` file for hosts that read
one) giving every file its type and every response the security headers.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from server import share
from server.catalogue import build_catalogue
from server.http import security_headers
from server.live import version_payload
from server.site import Rendered, Renderer, content_hash, load_theme
from server.store import Store

# Pages have no file extension (their address is the short link itself), so the
# static server must be told they are HTML; everything else keeps its type.
EXTENSIONLESS = {"/api/catalogue": "application/json", "/api/version": "application/json"}


class ExportError(Exception):
    """The export could not be written; nothing was left half-done in the target."""


@dataclass(frozen=True)
class ExportReport:
    version: int
    files: int
    bytes: int
    folder: Path


def file_name(path: str) -> str:
    """Where a URL path is written: directories get index.html, the rest keep their path."""
    return path.lstrip("/") + "index.html" if path.endswith("/") else path.lstrip("/")


def _nginx_url(url: str) -> str:
    """A URL as one quoted nginx string: characters nginx would read are percent-encoded."""
    return '"' + "".join(f"%{ord(c):02X}" if c in '"\\$ ;{}' else c for c in url) + '"'


def _nginx_conf(folder: Path, https: bool, exit_url: str) -> str:
    headers = "\n".join(
        f'    add_header {name} "{value}" always;'
        for name, value in security_headers(https).items()
    )
    return f"""# nginx server block for this export (include it from http {{}}; add TLS).
server {{
    listen 8080;
    root {folder};
    access_log off;
    gzip_static on;
    etag on;
    default_type text/html;
    charset utf-8;
    include /etc/nginx/mime.types;
    index index.html;
    error_page 404 /404;
{headers}
    location ~ ^/api/(catalogue|version)$ {{
        default_type application/json;
        add_header Cache-Control "no-cache" always;
{headers}
    }}
    # Quick exit's way out (server/routes/public.py): on to the neutral site.
    location ~ ^(/[a-z][a-z])?/{share.EXIT_NAME}$ {{
        add_header Cache-Control "no-store" always;
{headers}
        return 303 {_nginx_url(exit_url)};
    }}
    location /static/gen/ {{
        add_header Cache-Control "public, max-age=31536000, immutable" always;
{headers}
    }}
    location / {{
        add_header Cache-Control "no-cache" always;
{headers}
        try_files $uri $uri/index.html =404;
    }}
}}
"""


def _headers_file(files: list[Rendered], https: bool) -> str:
    """Netlify / Cloudflare Pages style: types for extensionless files, headers for all."""
    lines = ["/*"] + [f"  {k}: {v}" for k, v in security_headers(https).items()]
    lines.append("  Cache-Control: no-cache")
    lines += ["/static/gen/*", "  Cache-Control: public, max-age=31536000, immutable"]
    for f in files:
        if "." not in f.path.rsplit("/", 1)[-1] and not f.path.endswith("/"):
            lines += [f.path, f"  Content-Type: {f.content_type}"]
    return "\n".join(lines) + "\n"


def _write(files: list[Rendered], folder: Path, https: bool, exit_url: str) -> int:
    if folder.exists() and any(folder.iterdir()):
        raise ExportError(f"{folder} is not empty; export into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for f in files:
        target = folder / file_name(f.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.body)
        total += len(f.body)
        if len(f.body) > 256 and not f.content_type.startswith("image/png"):
            target.with_name(target.name + ".gz").write_bytes(gzip.compress(f.body, 9, mtime=0))
    (folder / "nginx.conf").write_text(_nginx_conf(folder.resolve(), https, exit_url))
    (folder / "_headers").write_text(_headers_file(files, https))
    return total


async def export_static(store: Store, folder: Path, base_url: str) -> ExportReport:
    """Write the newest published version to `folder`, which must be empty or absent."""
    version = await store.latest_version()
    if version is None:
        raise ExportError("nothing has been published yet")
    doc = await store.version_document(version.id)
    assert doc is not None
    catalogue = build_catalogue(doc)
    renderer = Renderer(catalogue, load_theme(base_url), {})
    renderer.qr_cache = await store.qr_svgs(renderer.qr_texts())
    files = await asyncio.to_thread(renderer.render, version.id, catalogue.content_hash)
    manifest = next(f for f in files if f.path == "/api/offline.json")
    payload = version_payload(version, content_hash(manifest.body))
    files.append(
        Rendered("/api/version", EXTENSIONLESS["/api/version"], json.dumps(payload).encode())
    )
    https = base_url.startswith("https://")
    total = await asyncio.to_thread(_write, files, folder, https, catalogue.site.exit_url)
    return ExportReport(version.id, len(files), total, folder)
