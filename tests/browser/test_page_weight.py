"""Page weight on a poor connection: the bytes a phone downloads for a first visit.

For each page type, in a fresh profile, every request the page makes is summed as
it came over the wire (response headers plus the compressed body, as Chromium
reports them). The service worker's background download of the whole site for
offline use is not the page's weight and is left out: the worker is blocked, so
the page's own requests are exactly those of a first visit, and the worker's own
script (the one file that registering it fetches) is added, measured with the
same Accept-Encoding the browser sent. Over plain http on loopback Chromium
offers gzip, not brotli, so these are upper bounds for an https site. Sizes
only, never timings. Figures are printed at the end of the run.
"""

from __future__ import annotations

import httpx
import pytest

from tests.browser.conftest import PAGE_WEIGHTS
from tests.browser.pages import page_types

HOME_LIMIT = 60_000
PAGE_LIMIT = 30_000


def transferred(response: httpx.Response) -> int:
    """Bytes over the wire: status line, headers and the body as sent (compressed)."""
    head = sum(len(k) + len(v) + 4 for k, v in response.headers.raw) + 17
    return head + response.num_bytes_downloaded


async def page_bytes(browser, url: str) -> tuple[int, str, list[str]]:
    context = await browser.new_context(service_workers="block")
    finished = []
    context.on("requestfinished", lambda request: finished.append(request))
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_load_state("networkidle")
    total, paths, encoding = 0, [], ""
    for request in finished:
        sizes = await request.sizes()
        total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        paths.append("/" + request.url.split("/", 3)[3])
        if request.resource_type == "document":
            encoding = (await request.all_headers()).get("accept-encoding", "")
    await context.close()
    return total, encoding, paths


@pytest.mark.parametrize("lang", ["en", "ar"])
async def test_first_visit_weight_of_every_page_type(server, browser, request, lang):
    weights = request.config.stash[PAGE_WEIGHTS]
    over = {}
    for name, path in page_types(server.url, lang).items():
        total, encoding, paths = await page_bytes(browser, server.url + path)
        assert path in paths and {p for p in paths if p.startswith("/static/gen/")}, paths
        assert encoding, "the browser said which compressions it takes"
        if any(p.startswith("/static/gen/") and p.endswith(".js") for p in paths):
            # The page's script registers the worker: its script is the page's too.
            async with httpx.AsyncClient() as client:
                worker = await client.get(
                    f"{server.url}/service-worker.js", headers={"accept-encoding": encoding}
                )
            total += transferred(worker)
            paths.append("/service-worker.js")
        weights[f"{lang} {name} ({len(paths)} requests)"] = total
        limit = HOME_LIMIT if name == "home" else PAGE_LIMIT
        if total >= limit:
            over[name] = total
    assert over == {}, f"over {PAGE_LIMIT} bytes (home {HOME_LIMIT})"
