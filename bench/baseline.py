"""The baseline for `make bench`: a bare Starlette app returning the same bytes from memory.

Usage: python bench/baseline.py SNAPSHOT_DIR PORT

SNAPSHOT_DIR holds index.json ({path: {"file", "content_type", "etag"}}) and
the files it names, fetched from the real server. No security headers, no
compression, no routing beyond one dictionary lookup: the least a Python
server can do to answer the same request.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def build(snapshot: Path) -> Starlette:
    index = json.loads((snapshot / "index.json").read_text())
    files = {
        path: (entry["content_type"], entry["etag"], (snapshot / entry["file"]).read_bytes())
        for path, entry in index.items()
    }
    # Any query of a path answers with the bytes of the one query snapshotted there.
    for path, found in list(files.items()):
        files.setdefault(path.partition("?")[0], found)

    async def serve(request: Request) -> Response:
        key = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        found = files.get(key) or files.get(request.url.path)
        if found is None:
            return Response(status_code=404)
        content_type, etag, body = found
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"etag": etag})
        return Response(body, media_type=content_type, headers={"etag": etag})

    return Starlette(routes=[Route("/{path:path}", serve)])


if __name__ == "__main__":
    uvicorn.run(
        build(Path(sys.argv[1])),
        host="127.0.0.1",
        port=int(sys.argv[2]),
        access_log=False,
        server_header=False,
        log_level="warning",
    )
