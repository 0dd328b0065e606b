"""HTTP details shared by every route: security headers and serving rendered files."""

from __future__ import annotations

import gzip
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import brotli
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.live import ServedFile

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "camera=()",
        "display-capture=()",
        "geolocation=()",
        "gyroscope=()",
        "hid=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "serial=()",
        "usb=()",
        "browsing-topics=()",
        "clipboard-write=(self)",
        "screen-wake-lock=(self)",
        "web-share=(self)",
    ]
)
_SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "permissions-policy": PERMISSIONS,
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def security_headers(https: bool) -> dict[str, str]:
    headers = dict(_SECURITY_HEADERS)
    if https:
        headers["strict-transport-security"] = "max-age=63072000; includeSubDomains"
    return headers


class SecurityHeaders:
    """Adds the security headers to every HTTP response, errors included."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in security_headers(https).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A response's own value wins (an admin page's stricter policy, say).
                raw = list(message.get("headers", []))
                present = {name.lower() for name, _ in raw}
                raw += [(n, v) for n, v in self.headers if n not in present]
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over `limit` bytes before anything parses them.

    A declared Content-Length over the limit is refused at once. A body sent
    without one (chunked) is read here first, up to the limit, then handed on.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.limit:
                await _too_large(scope, receive, send, self.limit)
                return
            await self.app(scope, receive, send)
            return
        if b"chunked" not in headers.get(b"transfer-encoding", b""):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > self.limit:
                await _too_large(scope, receive, send, self.limit)
                return
            if not message.get("more_body"):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    message = f"Request body too large: the limit is {limit} bytes.\n".encode()
    response = Response(
        message, status_code=413, media_type="text/plain", headers={"connection": "close"}
    )
    await response(scope, receive, send)


class FailPaths:
    """Test-only: answer 500 for the paths named in CARES_TEST_FAIL_PATHS.

    Lets the browser tests make one file of a published version fail to
    download from the real server. Installed outside everything, and only
    when the setting is set.
    """

    def __init__(self, app: ASGIApp, paths: tuple[str, ...], https: bool) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.headers = {**security_headers(https), "cache-control": "no-store"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths:
            response = Response(
                "Failing on purpose (CARES_TEST_FAIL_PATHS).", status_code=500, headers=self.headers
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _accepts(accept_encoding: str, coding: str) -> bool:
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == coding and params.replace(" ", "") not in ("q=0", "q=0.0"):
            return True
    return False


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


def negotiate(
    file: ServedFile, accept_encoding: str, if_none_match: str | None, status: int
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for a rendered file: 304 on a matching ETag, br or gzip."""
    headers = {"etag": file.etag, "cache-control": file.cache_control, "vary": "Accept-Encoding"}
    if status == 200 and _etag_matches(if_none_match, file.etag):
        return 304, headers, b""
    body = file.body
    if file.br is not None and _accepts(accept_encoding, "br"):
        body, headers["content-encoding"] = file.br, "br"
    elif file.gzip is not None and _accepts(accept_encoding, "gzip"):
        body, headers["content-encoding"] = file.gzip, "gzip"
    headers["content-type"] = file.content_type
    return status, headers, body


def file_response(request: Request, file: ServedFile, status: int | None = None) -> Response:
    """Serve a rendered file from a route (404 pages, search without a query...)."""
    code, headers, body = negotiate(
        file,
        request.headers.get("accept-encoding", ""),
        request.headers.get("if-none-match"),
        status or file.status,
    )
    headers["content-length"] = str(len(body))
    if request.method == "HEAD" or code == 304:
        return Response(status_code=code, headers=headers)
    return Response(body, status_code=code, headers=headers)


def _dynamic_encoding(request: Request, body: bytes) -> str:
    accepted = request.headers.get("accept-encoding", "")
    if len(body) > 256 and _accepts(accepted, "br"):
        return "br"
    if len(body) > 256 and _accepts(accepted, "gzip"):
        return "gzip"
    return "identity"


def _encoded(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=4)
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=6, mtime=0)
    return body


def _dynamic(body: bytes, encoding: str, media_type: str) -> Response:
    headers = {"cache-control": "no-cache", "vary": "Accept-Encoding"}
    if encoding != "identity":
        headers["content-encoding"] = encoding
    return Response(body, media_type=media_type, headers=headers)


def dynamic_response(request: Request, body: bytes, media_type: str) -> Response:
    """A page made for one request (search results, a list): compressed like published ones."""
    encoding = _dynamic_encoding(request, body)
    return _dynamic(_encoded(body, encoding), encoding, media_type)


class PageCache:
    """The most recently asked dynamic pages (search results), each encoding made once.

    Held in memory only, bounded by count; keys name the published version, so a
    publish never serves an old answer, and old answers age out.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, dict[str, bytes]] = OrderedDict()

    def response(
        self, request: Request, key: Hashable, make: Callable[[], bytes], media_type: str
    ) -> Response:
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = {"identity": make()}
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(key)
        encoding = _dynamic_encoding(request, page["identity"])
        if encoding not in page:
            page[encoding] = _encoded(page["identity"], encoding)
        return _dynamic(page[encoding], encoding, media_type)


# Published pages a query string turns into a dynamic answer (search, lists of items).
DYNAMIC_WITH_QUERY = ("/find", "/list")


def _host_name(host: bytes) -> bytes:
    """The name in a Host header, without its port (IPv6 literals keep their brackets)."""
    if host.startswith(b"["):
        return host.split(b"]", 1)[0] + b"]"
    return host.rsplit(b":", 1)[0] if b":" in host else host


def request_host(scope: Scope, hosts: set[bytes]) -> bytes | None:
    """The request's host name when it sent exactly one Host header naming one of `hosts`."""
    found = [value for name, value in scope["headers"] if name == b"host"]
    if len(found) != 1:
        return None
    name = _host_name(found[0])
    return name if name in hosts else None


class PublishedFiles:
    """Answers GET and HEAD for published files straight from memory, before any routing.

    Everything else (and any request for an unknown Host) goes on to `app`.
    """

    def __init__(self, app: ASGIApp, state: Any, hosts: list[str], https: bool) -> None:
        self.app = app
        self.state = state
        self.hosts = {h.encode() for h in hosts}
        self.security = [(k.encode(), v.encode()) for k, v in security_headers(https).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and sum(n == b"host" for n, _ in scope["headers"]) > 1:
            # Two Host headers could be read one way here and another further in.
            await self._refuse(send)
            return
        live = getattr(self.state, "live", None)
        site = live.current if live is not None else None
        if (
            site is not None
            and scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and (file := site.files.get(scope["path"])) is not None
            and file.status == 200
            and not (scope["query_string"] and scope["path"].endswith(DYNAMIC_WITH_QUERY))
        ):
            headers = dict(scope["headers"])
            if request_host(scope, self.hosts) is not None:
                status, extra, body = negotiate(
                    file,
                    headers.get(b"accept-encoding", b"").decode("latin-1"),
                    headers.get(b"if-none-match", b"").decode("latin-1") or None,
                    200,
                )
                raw = [(k.encode(), v.encode()) for k, v in extra.items()]
                raw.append((b"content-length", str(len(body)).encode()))
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": raw + self.security,
                    }
                )
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"" if scope["method"] == "HEAD" else body,
                    }
                )
                return
        await self.app(scope, receive, send)

    async def _refuse(self, send: Send) -> None:
        body = b"A request names one host."
        headers = [(b"content-type", b"text/plain; charset=utf-8"), *self.security]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 400, "headers": headers})
        await send({"type": "http.response.body", "body": body})
