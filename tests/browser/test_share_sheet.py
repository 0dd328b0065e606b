"""The share sheet and lists of several items in a real browser, offline included.

Offline always means the server process stopped and the context set offline.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from tests.browser.offline import wait_ready
from tests.browser.test_pages import codes, open_page
from tests.qr import decode_png

DRAWN = "[data-share-sheet][data-drawn]"


async def sheet_qr(page) -> list[str]:
    """Decode the QR code the sheet shows, from a screenshot of the screen."""
    await page.wait_for_selector(DRAWN, state="attached")
    return decode_png(await page.locator("[data-sheet-qr]").screenshot())


async def message_of(page) -> tuple[str, dict]:
    sms = await page.locator("[data-sheet-sms]").get_attribute("href")
    assert sms.startswith("sms:?&body=") and " " not in sms and "+" not in sms
    mailto = await page.locator("[data-sheet-email]").get_attribute("href")
    assert " " not in mailto
    return unquote(sms.split("body=", 1)[1]), parse_qs(urlsplit(mailto).query)


def list_codes(server) -> list[str]:
    doc = httpx.get(f"{server.url}/api/catalogue").json()
    video = next(v["code"] for v in doc["videos"] if v["id"] == "video-hiatus-house")
    shelter = next(s["code"] for s in doc["services"] if s["id"] == "hiatus-house")
    hotline = next(
        s["code"]
        for s in doc["services"]
        if s["id"] != "hiatus-house" and any(p.get("hotline") for p in s["phones"])
    )
    return [video, shelter, hotline]


async def test_offline_share_sheet_and_a_list_of_several(own_server, context):
    server = own_server
    c = codes(server)
    wanted = list_codes(server)
    page, *_ = await open_page(context, f"{server.url}/s/{c['service']}")
    await wait_ready(page)
    server.stop()
    await context.set_offline(True)

    # Offline: the page from the saved copy, one tap on its share button.
    await page.goto(f"{server.url}/s/{c['service']}")
    opener = page.locator("[data-share] [data-share-open]")
    await opener.click()
    url = f"{server.url}/s/{c['service']}"
    assert await sheet_qr(page) == [url]
    assert await page.locator("[data-sheet-link]").inner_text() == url
    body, mail = await message_of(page)
    assert body == f"Here is the link I mentioned: {url}"
    assert mail == {"subject": ["Information"], "body": [body]}
    # The screen was asked to stay awake (headless Chromium may refuse it).
    assert await page.locator(DRAWN).get_attribute("data-awake") in ("yes", "refused")
    # Quick exit stays on top of the sheet.
    assert await page.locator("[data-sheet-exit]").is_visible()

    # The officer picks Spanish: link, code and message follow.
    await page.locator("[data-sheet-lang][value='es']").check()
    es_url = f"{server.url}/es/s/{c['service']}"
    await page.wait_for_selector(f"[data-share-sheet][data-drawn='{es_url}']", state="attached")
    assert await sheet_qr(page) == [es_url]
    body, mail = await message_of(page)
    assert body == f"Este es el enlace que le mencioné: {es_url}"
    assert mail["subject"] == ["Información"]

    # Closing gives focus back to the button that opened the sheet.
    await page.locator("[data-sheet-close]").click()
    assert not await page.locator("[data-share-sheet]").is_visible()
    assert await opener.evaluate("b => document.activeElement === b")

    # Several at once, still offline: tick three items, one link and its code.
    await page.goto(f"{server.url}/pick")
    for code in wanted:
        await page.locator(f"input[name='c'][value='{code}']").first.check()
    assert await page.locator("[data-pick-count]").inner_text() == "3 items chosen"
    await page.get_by_role("button", name="Make one link for these").click()
    list_url = f"{server.url}/list?c={'-'.join(wanted)}"
    assert await sheet_qr(page) == [list_url]
    assert await page.locator("[data-sheet-name]").inner_text() == "3 items"
    assert "/s/" not in list_url.split("?")[0] and list_url.count("-") == 2

    # The list link opens offline from the saved copy, items in the ticked order.
    await page.goto(list_url)
    links = await page.locator("[data-list-items] .card .card-title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert links == [f"/s/{code}" for code in wanted]
    await page.locator("[data-list-share]").click()
    assert await sheet_qr(page) == [list_url]


async def test_a_list_link_opened_by_a_phone_that_never_saw_the_app(server, context):
    wanted = list_codes(server)
    page, response, problems, requests = await open_page(
        context, f"{server.url}/fr/list?c={'-'.join(wanted)}"
    )
    assert response.status == 200 and problems == []
    assert all(r.startswith(server.url) for r in requests)
    assert await page.title() == "Renseignements communautaires"
    links = await page.locator("[data-list-items] .card .card-title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert links == [f"/fr/s/{code}" for code in wanted]
    # The server drew this list's QR code itself: no JavaScript needed to scan it.
    png = await page.locator("[data-share] .qr-code").screenshot()
    assert decode_png(png) == [f"{server.url}/fr/list?c={'-'.join(wanted)}"]


async def test_the_sheet_in_arabic_is_right_to_left_and_translated(server, context):
    c = codes(server)
    page, _, problems, _ = await open_page(context, f"{server.url}/ar/s/{c['video']}")
    assert await page.locator("html").get_attribute("dir") == "rtl"
    await page.locator("[data-share] [data-share-open]").click()
    url = f"{server.url}/ar/s/{c['video']}"
    assert await sheet_qr(page) == [url]
    sheet = page.locator("[data-share-sheet]")
    assert await sheet.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert await page.locator("[data-sheet-close]").inner_text() == "إغلاق"
    assert await sheet.locator("legend").inner_text() == "لغة الرابط والرسالة"
    assert await page.locator("[data-sheet-copy]").inner_text() == "نسخ الرابط"
    # Mirrored: the close button starts at the right, quick exit sits at the left.
    width = page.viewport_size["width"]
    close = await page.locator("[data-sheet-close]").bounding_box()
    leave = await sheet.locator("[data-sheet-exit]").bounding_box()
    assert close["x"] > width / 2 > leave["x"] + leave["width"]
    body, mail = await message_of(page)
    assert body == f"هذا هو الرابط الذي ذكرته لك: {url}"
    assert mail == {"subject": ["معلومات"], "body": [body]}
    assert problems == []


async def test_quick_exit_from_the_sheet_by_its_button(server, context):
    c = codes(server)
    page, *_ = await open_page(context, f"{server.url}/s/{c['service']}")
    await page.locator("[data-share] [data-share-open]").click()
    await page.wait_for_selector(DRAWN, state="attached")
    async with page.expect_request(lambda r: r.url.startswith("https://weather.gc.ca/")):
        await page.locator("[data-sheet-exit]").click()


async def test_escape_is_still_the_quick_exit_with_the_sheet_open(server, context):
    c = codes(server)
    page, *_ = await open_page(context, f"{server.url}/s/{c['need']}")
    # A card's share button opens the sheet for that card's item.
    card = page.locator(".card [data-share-open]").first
    path = await card.get_attribute("data-path")
    await card.click()
    assert await sheet_qr(page) == [server.url + path]
    # The page is replaced by the neutral site (which the test browser cannot reach).
    async with page.expect_request(lambda r: r.url.startswith("https://weather.gc.ca/")):
        await page.keyboard.press("Escape")
