"""No tracking, seen from a real browser with a fresh profile: every request of every
public page type (the service worker's included) goes to this site only, no response
sets a cookie, pages never touch cookies or web storage, and the server logs no visit."""

from __future__ import annotations

from tests.browser.pages import page_types

# Init script (not subject to the page's CSP): note every use of cookies and
# web storage by page scripts.
WATCH_STORAGE = """
window.storageUse = [];
const watch = (target, name) => {
  const real = Object.getOwnPropertyDescriptor(target, name);
  Object.defineProperty(target, name, {
    configurable: true,
    get() { window.storageUse.push(`read ${name}`); return real.get.call(this); },
    set(value) { window.storageUse.push(`write ${name}`); real.set.call(this, value); },
  });
};
watch(Document.prototype, 'cookie');
watch(window, 'localStorage');
watch(window, 'sessionStorage');
"""


async def test_every_request_stays_on_this_site(server, context):
    requests: list[str] = []
    cookies: list[str] = []
    context.on("request", lambda request: requests.append(request.url))

    async def note_cookie(response):
        if "set-cookie" in await response.all_headers():
            cookies.append(response.url)

    context.on("response", note_cookie)
    await context.add_init_script(WATCH_STORAGE)
    page = await context.new_page()
    used = {}
    for lang in ("en", "ar"):
        for name, path in page_types(server.url, lang).items():
            await page.goto(server.url + path)
            await page.wait_for_load_state("networkidle")
            if found := await page.evaluate("window.storageUse"):
                used[f"{lang} {name}"] = found
    # Let the worker's download finish, so its requests are in the record too.
    await page.goto(server.url + "/")
    await page.wait_for_selector("[data-offline-status][data-state=ready]", state="attached")

    assert len(requests) > 200, "pages, assets and the worker's offline download"
    assert [r for r in requests if not r.startswith(server.url + "/")] == []
    assert cookies == []
    assert used == {}
    state = await context.storage_state()
    assert state["cookies"] == [] and state["origins"] == [], "nothing in cookies or localStorage"
    assert await page.evaluate("indexedDB.databases()") == []


async def test_the_storage_watch_sees_a_use(server, context):
    # The watch above would notice: a page script that touched storage is caught.
    await context.add_init_script(WATCH_STORAGE)
    page = await context.new_page()
    await page.goto(server.url + "/")
    await page.evaluate("localStorage.length + document.cookie.length")
    assert await page.evaluate("window.storageUse") == ["read localStorage", "read cookie"]


async def test_the_server_keeps_no_record_of_visits(server, context):
    page = await context.new_page()
    marker = "visit-marker-7q2"
    await page.goto(f"{server.url}/find?q={marker}")
    await page.goto(f"{server.url}/s/{marker.upper()[:4]}")
    log = server.log()
    assert "Application startup complete" in log, "the server's log is where we look"
    assert marker not in log and "GET /" not in log and "Mozilla" not in log
