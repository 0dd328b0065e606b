"""Quick exit in a real browser: button, Shift three times and Escape, online and offline.

Each leaves at once (the page is hidden in the same task as the key or tap),
replaces the current history entry, and lands on the neutral site online or
on a saved neutral page offline (server stopped and browser offline).
"""

from __future__ import annotations

import json

import pytest

from tests.browser.offline import wait_ready
from tests.browser.test_pages import codes

EXIT_URL = "https://weather.gc.ca/"
NEUTRAL = "<!doctype html><title>Weather</title><h1>Weather</h1>"
CARES_WORDS = ["Community information", "Renseignements communautaires", "معلومات مجتمعية"]


async def neutral_site(context) -> None:
    """Stand in for the configured neutral site, which is off this machine's network."""

    async def fulfil(route):
        await route.fulfill(status=200, content_type="text/html", body=NEUTRAL)

    await context.route(EXIT_URL + "**", fulfil)


async def history_of(page, server, paths: list[str]):
    for path in paths:
        await page.goto(server.url + path)
    return await page.evaluate("history.length")


async def press_shift_three_times(page) -> None:
    for _ in range(3):
        await page.keyboard.press("Shift")


async def tap_button(page) -> None:
    await page.locator("[data-quick-exit]").click()


async def press_escape(page) -> None:
    await page.keyboard.press("Escape")


@pytest.mark.parametrize("use", [tap_button, press_shift_three_times, press_escape])
async def test_each_way_out_leaves_and_back_does_not_return(server, browser, use):
    # No worker: the first visit of a phone that has not saved the site yet.
    context = await browser.new_context(service_workers="block")
    await neutral_site(context)
    page = await context.new_page()
    need = f"/s/{codes(server)['need']}"
    length = await history_of(page, server, ["/", need])
    await use(page)
    await page.wait_for_url(EXIT_URL)
    assert await page.title() == "Weather"
    assert await page.evaluate("history.length") == length, "the entry was replaced"
    await page.go_back()
    assert page.url == server.url + "/", "Back skips the page that was left"
    await context.close()


async def test_the_page_is_hidden_in_the_same_moment(server, browser):
    context = await browser.new_context(service_workers="block")
    await neutral_site(context)
    page = await context.new_page()
    await page.goto(server.url + "/numbers")
    # Key handler and the check run in one task: nothing can be painted between.
    hidden = await page.evaluate(
        """() => {
          document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
          return { body: document.body.hidden, title: document.title };
        }"""
    )
    assert hidden == {"body": True, "title": ""}
    await page.wait_for_url(EXIT_URL)
    await context.close()


async def test_typing_capitals_does_not_leave(server, browser):
    context = await browser.new_context(service_workers="block")
    page = await context.new_page()
    await page.goto(server.url + "/find")
    await page.locator("#q").focus()
    for key in ["Shift+W", "i", "n", "Shift+O", "Shift+N", "Shift+A"]:
        await page.keyboard.press(key)
    assert await page.input_value("#q") == "WinONA"
    assert await page.evaluate("document.body.hidden") is False
    assert page.url == server.url + "/find"
    await context.close()


async def test_online_with_the_worker_it_goes_to_the_neutral_site(server, context):
    await neutral_site(context)
    page = await context.new_page()
    await page.goto(server.url + "/")
    await wait_ready(page)
    length = await history_of(page, server, [f"/fr/s/{codes(server)['service']}"])
    await tap_button(page)
    await page.wait_for_url(EXIT_URL)
    assert await page.title() == "Weather"
    assert await page.evaluate("history.length") == length
    await page.go_back()
    assert page.url == server.url + "/"


async def test_offline_it_lands_on_a_neutral_saved_page(own_server, context):
    await neutral_site(context)
    service = f"/s/{codes(own_server)['service']}"
    page = await context.new_page()
    # Opened in Arabic first: Arabic and English are saved on the device.
    await page.goto(own_server.url + "/ar/")
    await wait_ready(page)
    own_server.stop()
    await context.set_offline(True)

    ways = [
        (tap_button, "/ar/numbers", "/ar/blank", "لا يوجد اتصال بالإنترنت"),
        (press_shift_three_times, "/about", "/blank", "No internet connection"),
        (press_escape, service, "/blank", "No internet connection"),
    ]
    for use, path, exit_path, title in ways:
        await page.goto(own_server.url + "/")
        length = await history_of(page, own_server, [path])
        await use(page)
        await page.wait_for_url(own_server.url + exit_path)
        assert await page.title() == title, path
        assert await page.evaluate("history.length") == length, path
        html = await page.content()
        for word in [*CARES_WORDS, "Quick exit", "خروج سريع", "911", "tel:", "manifest"]:
            assert word not in html, (path, word)
        await page.go_back()
        assert page.url == own_server.url + "/", "Back skips the page that was left"


async def test_the_button_is_first_always_in_view_and_explained(server, context):
    page = await context.new_page()
    await page.set_viewport_size({"width": 320, "height": 568})
    await page.goto(f"{server.url}/s/{codes(server)['service']}")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.hasAttribute('data-quick-exit')")
    await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert await page.evaluate("window.scrollY") > 500
    on_top = await page.evaluate(
        """() => {
          const box = document.querySelector('[data-quick-exit]').getBoundingClientRect();
          const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
          const inView = box.top >= 0 && box.bottom <= innerHeight;
          return inView && hit.closest('[data-quick-exit]') !== null;
        }"""
    )
    assert on_top, "the button stays in view, above the content, at the end of a long page"
    cdp = await context.new_cdp_session(page)
    tree = (await cdp.send("Accessibility.getFullAXTree"))["nodes"]
    links = [
        n
        for n in tree
        if n.get("role", {}).get("value") == "link"
        and n.get("name", {}).get("value") == "Quick exit"
    ]
    assert len(links) == 1, "its accessible name is what it says on it"
    description = links[0].get("description", {}).get("value", "")
    assert "Hides this site at once" in description and "Shift three times" in description
    assert json.dumps(description)
