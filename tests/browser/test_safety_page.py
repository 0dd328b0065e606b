"""The safety page: forget this device, and installing only when asked for."""

from __future__ import annotations

from tests.browser.offline import cache_entries, wait_ready
from tests.browser.pages import page_types

# Runs in a page: what this site keeps on the device.
STORED = """async () => ({
  caches: await caches.keys(),
  workers: (await navigator.serviceWorker.getRegistrations()).length,
  databases: (await indexedDB.databases()).map((db) => db.name),
})"""
MAKE_DATABASE = """() => new Promise((resolve) => {
  const request = indexedDB.open('left-behind');
  request.onsuccess = () => { request.result.close(); resolve(); };
})"""


async def forget(page) -> str:
    await page.locator("[data-forget-button]").click()
    status = page.locator("[data-forget-status]")
    await status.filter(has_text="Done").wait_for()
    return await status.inner_text()


async def test_forget_this_device_deletes_the_saved_copy_and_the_worker(server, context):
    page = await context.new_page()
    await page.goto(server.url + "/about")
    await wait_ready(page)
    await page.evaluate(MAKE_DATABASE)
    before = await page.evaluate(STORED)
    assert len(before["caches"]) == 2 and before["workers"] == 1
    assert before["databases"] == ["left-behind"]
    warning = page.locator("[data-forget] .notice")
    assert "gap in your history" in await warning.inner_text()

    said = await forget(page)
    assert said == "Done: nothing of this site is saved on this device any more."
    assert await page.evaluate(STORED) == {"caches": [], "workers": 0, "databases": []}
    assert await page.locator("[data-offline-status]").is_hidden()
    # The page no longer asks the worker for anything, so nothing comes back.
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    assert await page.evaluate(STORED) == {"caches": [], "workers": 0, "databases": []}


async def test_forget_during_a_download_leaves_nothing_behind(server, context):
    page = await context.new_page()
    await page.goto(server.url + "/about")
    await wait_ready(page)
    # Keeping Arabic too starts a download by the worker that controls this
    # page: unregistering alone would not stop it writing the copy back.
    await page.locator("[data-offline-language][value=ar]").check()
    await page.wait_for_selector("[data-offline-status][data-state=saving]", state="attached")
    await forget(page)
    stored = await page.evaluate(STORED)
    assert stored == {"caches": [], "workers": 0, "databases": []}
    # The worker is still alive for this page until it closes: it saves nothing.
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    await page.locator("[data-offline-language][value=fr]").dispatch_event("change")
    assert await cache_entries(page) == {}


async def test_no_page_pushes_an_install_prompt(server, context):
    page = await context.new_page()
    # A stand-in for the browser's own install offer, on every page type.
    offer = """() => {
      const event = new Event('beforeinstallprompt', { cancelable: true });
      event.prompt = () => { window.prompted = true; };
      window.dispatchEvent(event);
      return event.defaultPrevented;
    }"""
    for name, path in page_types(server.url).items():
        if name == "quick exit page":
            continue
        await page.goto(server.url + path)
        assert await page.evaluate(offer), f"{name}: the browser's banner is held back"
        install = page.locator("[data-install]")
        shown = await install.count() == 1 and await install.is_visible()
        # Offered where people look for it: the safety page and the officer's page.
        expected = name in ("about", "pick several")
        assert shown == expected, f"{name}: the install button only on the about and pick pages"
    await page.goto(server.url + "/about")
    await page.evaluate(offer)
    assert await page.evaluate("window.prompted === undefined"), "nothing prompts unasked"
    await page.locator("[data-install]").click()
    assert await page.evaluate("window.prompted === true"), "the button asks when tapped"
