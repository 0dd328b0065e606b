"""The public pages in a real browser: rendering, share actions, strict CSP."""

from __future__ import annotations

import re

import httpx

from tests.browser.pages import page_types


def codes(server) -> dict[str, str]:
    doc = httpx.get(f"{server.url}/api/catalogue").json()
    return {
        "need": next(n["code"] for n in doc["needs"] if n["id"] == "human-trafficking"),
        "service": next(s["code"] for s in doc["services"] if s["id"] == "hiatus-house"),
        "video": next(v["code"] for v in doc["videos"] if v["id"] == "video-hiatus-house"),
    }


async def open_page(context, url):
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    response = await page.goto(url)
    await page.wait_for_load_state("networkidle")
    return page, response, problems, requests


async def test_pages_render_with_no_csp_violation_and_no_foreign_request(server, context):
    for name, path in page_types(server.url).items():
        page, response, problems, requests = await open_page(context, server.url + path)
        assert response.status == (404 if name == "not found" else 200), path
        # The browser reports a 404 page's own status as a console error.
        problems = [p for p in problems if "status of 404" not in p or name != "not found"]
        assert problems == [], (path, problems)
        assert all(r.startswith(server.url) for r in requests), (path, requests)
        if name != "quick exit page":
            assert await page.title() == "Community information"
        assert await page.locator("h1").count() == 1
        await page.close()


async def test_share_actions_on_a_service_page(server, browser):
    context = await browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    c = codes(server)
    url = f"{server.url}/s/{c['service']}"
    page, _, problems, _ = await open_page(context, url)
    panel = page.locator("[data-share]")
    assert await panel.get_attribute("data-url") == url
    sms = await panel.locator("[data-share-sms]").get_attribute("href")
    assert sms.startswith("sms:?&body=") and url.replace(":", "%3A").replace("/", "%2F") in sms
    mailto = await panel.locator("[data-share-email]").get_attribute("href")
    assert re.match(r"^mailto:\?subject=[^&]+&body=", mailto)
    copy = panel.locator("[data-share-copy]")
    assert await copy.is_visible()
    await copy.click()
    assert await page.evaluate("navigator.clipboard.readText()") == url
    assert await panel.locator("[data-share-status]").inner_text() == "Link copied"
    native = panel.locator("[data-share-native]")
    has_share = await page.evaluate("'share' in navigator")
    assert await native.is_visible() == has_share
    svg = panel.locator(".qr-code svg")
    box = await svg.bounding_box()
    assert box["width"] >= 150, "the QR code is large enough to scan"
    assert problems == []
    await context.close()


async def test_search_form_works_without_javascript(server, browser):
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    await page.goto(f"{server.url}/find")
    await page.fill("#q", "trafficking")
    await page.click("form[data-search] button[type=submit]")
    await page.wait_for_url(re.compile(r"/find\?q=trafficking"))
    assert await page.locator("text=Canadian Human Trafficking Hotline").count() >= 1
    await context.close()


async def test_tap_to_call_links_are_real_links(server, context):
    page, *_ = await open_page(context, server.url + "/")
    strip = page.locator("aside.strip a.call")
    assert await strip.count() >= 5
    assert await strip.first.get_attribute("href") == "tel:911"
    box = await strip.first.bounding_box()
    assert box["height"] >= 44
