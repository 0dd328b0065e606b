"""Languages in a real browser: the switcher, right-to-left Arabic, translated share text."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from tests.browser.test_pages import codes, open_page


async def test_switch_to_arabic_then_spanish_keeps_the_page(server, context):
    c = codes(server)
    page, _, problems, requests = await open_page(context, f"{server.url}/s/{c['service']}")
    await page.locator("nav.languages a[hreflang='ar']").click()
    await page.wait_for_url(f"{server.url}/ar/s/{c['service']}")
    root = page.locator("html")
    assert await root.get_attribute("dir") == "rtl"
    assert await root.get_attribute("lang") == "ar"
    assert await page.title() == "معلومات مجتمعية"
    assert await page.locator("#share-heading").inner_text() == "مشاركة هذه الصفحة"
    assert await page.locator("[data-quick-exit]").inner_text() == "خروج سريع"
    current = page.locator("nav.languages a[aria-current='page']")
    assert await current.get_attribute("hreflang") == "ar"

    # Mirrored layout: the quick exit sits at the top left, text starts at the right.
    width = page.viewport_size["width"]
    exit_box = await page.locator("[data-quick-exit]").bounding_box()
    assert exit_box["x"] + exit_box["width"] < width / 2
    h1 = page.locator("h1")
    assert await h1.evaluate("e => getComputedStyle(e).direction") == "rtl"

    # The text message and email carry the Arabic neutral text and the Arabic link.
    url = f"{server.url}/ar/s/{c['service']}"
    sms = await page.locator("[data-share-sms]").get_attribute("href")
    assert " " not in sms
    assert unquote(sms.split("body=", 1)[1]) == f"هذا هو الرابط الذي ذكرته لك: {url}"
    mailto = urlsplit(await page.locator("[data-share-email]").get_attribute("href"))
    assert parse_qs(mailto.query) == {
        "subject": ["معلومات"],
        "body": [f"هذا هو الرابط الذي ذكرته لك: {url}"],
    }

    await page.locator("nav.languages a[hreflang='es-419']").click()
    await page.wait_for_url(f"{server.url}/es/s/{c['service']}")
    assert await root.get_attribute("dir") == "ltr"
    assert await root.get_attribute("lang") == "es-419"
    assert await page.locator("#share-heading").inner_text() == "Compartir esta página"
    sms = await page.locator("[data-share-sms]").get_attribute("href")
    assert unquote(sms.split("body=", 1)[1]).startswith("Este es el enlace que le mencioné: ")
    assert problems == []
    assert all(r.startswith(server.url) for r in requests)


async def test_links_inside_a_language_stay_in_it(server, context):
    page, *_ = await open_page(context, f"{server.url}/fr/")
    hrefs = await page.locator("main a, header nav:not(.languages) a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    internal = [h for h in hrefs if h.startswith("/")]
    assert internal and all(re.match(r"^/fr/", h) for h in internal), internal
    await page.locator("main a.need").first.click()
    await page.wait_for_url(re.compile(r"/fr/s/[0-9A-Z]{4,8}$"))
    assert await page.locator("html").get_attribute("lang") == "fr-CA"
