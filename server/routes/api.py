"""JSON API: the published version's identity (the catalogue itself is a rendered file)."""

from __future__ import annotations

import os

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.live import version_payload
from server.routes.public import current_site


async def version(request: Request) -> Response:
    site = current_site(request)
    offline = site.files["/api/offline.json"]
    return JSONResponse(
        version_payload(site.version, offline.etag.strip('"')),
        headers={"cache-control": "no-cache"},
    )


async def healthz(request: Request) -> Response:
    site = request.app.state.live.current
    status = 200 if site is not None else 503
    return JSONResponse(
        {
            "ok": site is not None,
            "version": site.version.id if site else None,
            "worker": os.getpid(),
        },
        status_code=status,
        headers={"cache-control": "no-store"},
    )


routes = [
    Route("/api/version", version, methods=["GET", "HEAD"]),
    Route("/healthz", healthz, methods=["GET", "HEAD"]),
]
