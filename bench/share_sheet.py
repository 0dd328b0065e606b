"""Measure the share sheet offline (tap to QR drawn) and the size of sticker-sheet PDFs.

Run: .venv/bin/python bench/share_sheet.py  (needs Debian's Chromium)
Offline means the server process stopped and the browser context offline.
The time is the page's own performance marks: 'share-sheet-open' when the
tap is handled, 'share-sheet-drawn' when the QR code is in the page.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from playwright.async_api import async_playwright

from server import share, stickers
from server.catalogue import build_catalogue, read_catalogue_dir
from server.labels import LAYOUTS
from server.settings import ROOT
from server.sticker_pdf import sheet_pdf
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer
from tests.browser.offline import wait_ready

MEASURE = """() => {
  performance.measure('tap-to-qr', 'share-sheet-open', 'share-sheet-drawn');
  const all = performance.getEntriesByName('tap-to-qr');
  return all[all.length - 1].duration;
}"""


async def sheet_times(server: LiveServer, code: str, runs: int = 10) -> tuple[float, list[float]]:
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = await browser.new_context()
            page = await context.new_page()
            await page.goto(f"{server.url}/s/{code}")
            await wait_ready(page)
            server.stop()
            await context.set_offline(True)
            first, later = None, []
            for run in range(runs):
                await page.goto(f"{server.url}/s/{code}")
                await page.locator("[data-share] [data-share-open]").click()
                await page.wait_for_selector("[data-share-sheet][data-drawn]", state="attached")
                ms = await page.evaluate(MEASURE)
                if run == 0:
                    first = ms
                else:
                    later.append(ms)
                await page.locator("[data-sheet-close]").click()
            await browser.close()
        return first, later
    finally:
        server.stop()


def pdf_sizes() -> dict[str, int]:
    cat = build_catalogue(read_catalogue_dir(ROOT / "catalogue"))
    codes = [v.code for v in cat.videos[:6]] + [s.code for s in cat.services[:6]]
    sizes = {}
    for key, layout in LAYOUTS.items():
        items = []
        for c in codes:
            url = share.absolute("https://cares.example.org", share.page_path("en", c))
            items.append(stickers.Sticker(c, url, stickers.typed_link(url)))
        sizes[key] = len(sheet_pdf(stickers.build_sheet(layout, items, "Information", [])))
        full = [items[0]] * layout.per_sheet
        sizes[key + " (full sheet)"] = len(
            sheet_pdf(stickers.build_sheet(layout, full, "Information", []))
        )
    return sizes


def main() -> None:
    server = LiveServer(db=Path(tempfile.mkdtemp()) / "cares.db").start()
    code = httpx.get(f"{server.url}/api/catalogue").json()["services"][0]["code"]
    first, later = asyncio.run(sheet_times(server, code))
    print(f"share sheet offline, tap to QR drawn: first open {first:.1f} ms (loads the QR module)")
    print(
        f"  later opens: median {statistics.median(later):.1f} ms,"
        f" max {max(later):.1f} ms over {len(later)} opens (new page each time)"
    )
    for name, size in pdf_sizes().items():
        print(f"sticker PDF, 12 items, {name}: {size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
