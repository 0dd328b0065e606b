"""Short-link counts without tracking: opens per code per day, nothing else.

Public pages are answered from memory with no SQL per request, so an opening
only adds one to a number in this process's memory. A background task hands
the batch to the store's one writer every few seconds (and once more at
shutdown); the store adds it to the stored totals, so every worker process
flushes its own batch and nothing is counted twice.

Only real openings count: a browser navigating to the page (Fetch Metadata
`Sec-Fetch-Mode: navigate` / `Sec-Fetch-Dest: document`, or, from a browser
that sends no Fetch Metadata, a request that asks for HTML first). The service
worker's download of the offline set is a `fetch()` (mode `cors`, destination
empty) and never counts; nor do prefetches and prerenders, HEAD requests or
openings the saved copy on a phone answers without asking the server.
Nothing about the request is kept: not its address, browser, referrer or
cookie, not even the time of day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from server.catalogue import LANGUAGES
from server.http import request_host
from server.share import LIST_KEY, list_codes

log = logging.getLogger("cares")
FLUSH_SECONDS = 10.0
_PREFIX = "(?:/(?:" + "|".join(LANGUAGES) + "))?"
_SHORT_LINK = re.compile(rf"^{_PREFIX}/s/([0-9A-Z]{{4,8}})$")
_LIST = re.compile(rf"^{_PREFIX}/list$")


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def is_opening(headers: dict[bytes, bytes]) -> bool:
    """True for a browser opening a page; False for fetches, prefetches and prerenders."""
    if b"sec-purpose" in headers or b"purpose" in headers:
        return False
    mode = headers.get(b"sec-fetch-mode")
    dest = headers.get(b"sec-fetch-dest")
    if mode is not None or dest is not None:
        return mode in (None, b"navigate") and dest in (None, b"document")
    return headers.get(b"accept", b"").lstrip().startswith(b"text/html")


class OpenCounter:
    """This process's counts since its last flush."""

    def __init__(self, clock: Any = today) -> None:
        self.clock = clock
        self.pending: Counter[tuple[str, str]] = Counter()

    def add(self, code: str) -> None:
        self.pending[(code, self.clock())] += 1

    async def flush(self, store: Any) -> None:
        """Hand the batch to the store; on failure keep it for the next try."""
        batch, self.pending = self.pending, Counter()
        try:
            await store.add_opens(batch)
        except BaseException:
            self.pending.update(batch)
            raise

    async def run(self, store: Any, every: float = FLUSH_SECONDS) -> None:
        """Flush every `every` seconds until cancelled, then once more."""
        try:
            while True:
                await asyncio.sleep(every)
                try:
                    await self.flush(store)
                except Exception:
                    log.exception("could not store short-link counts; will retry")
        finally:
            with contextlib.suppress(Exception):
                await self.flush(store)


class CountOpens:
    """Counts openings of short links (and of lists of several), then passes the request on."""

    def __init__(self, app: ASGIApp, state: Any, hosts: list[str]) -> None:
        self.app = app
        self.state = state
        self.hosts = {h.encode() for h in hosts}

    def code_for(self, scope: Scope) -> str | None:
        live = getattr(self.state, "live", None)
        site = live.current if live is not None else None
        if site is None:
            return None
        path: str = scope["path"]
        # Only codes the published site has: a mistyped link counts nothing.
        if match := _SHORT_LINK.match(path):
            return match[1] if path in site.files else None
        if _LIST.match(path) and scope["query_string"]:
            query = parse_qs(scope["query_string"].decode("latin-1"))
            known = [c for c in list_codes(query.get("c", [])) if c in site.catalogue.by_code]
            return LIST_KEY if known else None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            code = self.code_for(scope)
            # A request the server refuses (a foreign Host) is no opening.
            known_host = request_host(scope, self.hosts) is not None
            if code is not None and known_host and is_opening(dict(scope["headers"])):
                self.state.counter.add(code)
        await self.app(scope, receive, send)
