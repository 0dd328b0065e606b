"""Offline-first in a real browser: installable, the whole set saved, safe updates.

Going offline always means stopping the server process and setting the
browser context offline.
"""

from __future__ import annotations

import asyncio
import json
import re

import httpx

from tests.browser.conftest import LiveServer, persistent_context, require_chromium
from tests.browser.offline import (
    ask_for_update,
    cache_entries,
    catalogue_with,
    change_service,
    mismatches,
    offline_etag,
    offline_set,
    sha,
    wait_for_version,
    wait_ready,
)

OFFLINE_H1 = "This page is not saved on this device"
OFFLINE_H1_FR = "Cette page n’est pas enregistrée sur cet appareil"
# Records every text the offline status line shows (init scripts are not
# subject to the page's CSP).
RECORD_STATUS = """
window.offlineStatusTexts = [];
document.addEventListener('DOMContentLoaded', () => {
  const line = document.querySelector('[data-offline-text]');
  new MutationObserver(() => window.offlineStatusTexts.push(line.textContent))
    .observe(line, { childList: true, characterData: true, subtree: true });
});
"""
SERVICE = "hiatus-house"


def service_code(server: LiveServer) -> str:
    doc = httpx.get(f"{server.url}/api/catalogue").json()
    return next(s["code"] for s in doc["services"] if s["id"] == SERVICE)


def changed_paths(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> set[str]:
    old = dict(before)
    return {path for path, digest in after if old.get(path) != digest}


def publish_change(server: LiveServer, tmp_path, text: str, version: int) -> None:
    folder = catalogue_with(tmp_path, lambda f: change_service(f, SERVICE, text))
    server.cares("publish", "--from", str(folder))
    wait_for_version(server.url, version)


def worker_fetches(context) -> list[str]:
    """Collect the paths the service worker fetches from the network from now on."""
    seen: list[str] = []

    def note(request) -> None:
        if request.service_worker is not None:
            seen.append(re.sub(r"^https?://[^/]+", "", request.url))

    context.on("request", note)
    return seen


async def test_installable(server, tmp_path):
    async with persistent_context(tmp_path / "profile") as context:
        page = await context.new_page()
        await page.goto(server.url + "/")
        await wait_ready(page)
        cdp = await context.new_cdp_session(page)
        assert (await cdp.send("Page.getInstallabilityErrors"))["installabilityErrors"] == []
        manifest = await cdp.send("Page.getAppManifest")
        assert manifest["errors"] == []
        assert manifest["url"] == server.url + "/manifest.json"
        icon = page.locator("link[rel=apple-touch-icon]")
        assert await icon.get_attribute("href") == "/static/icons/apple-touch-icon.png"


async def test_search_in_the_page_finds_what_the_server_finds(server, context):
    page = await context.new_page()
    await page.goto(server.url + "/")
    await wait_ready(page)
    for query in ["trafficking", "legal help", "Shelter", "crisis line windsor", "zzqx"]:
        response = await page.goto(f"{server.url}/find?q={query}")
        assert response.from_service_worker, "the worker answers with the saved page"
        await page.wait_for_selector("[data-search-results] > p")
        mine = await page.locator("[data-search-results]").inner_html()
        async with httpx.AsyncClient() as client:
            served = (await client.get(f"{server.url}/find", params={"q": query})).text
        theirs = re.search(r"data-search-results[^>]*>(.*?)</div>", served, re.S)[1]
        hrefs = re.compile(r'href="(/s/[^"]+)"')
        assert hrefs.findall(mine) == hrefs.findall(theirs), query
        count = await page.locator("[data-search-results] > p").first.inner_text()
        assert count in theirs, query
        assert await page.input_value("#q") == query
    await page.close()


async def test_offline_coverage_and_restart(own_server, tmp_path):
    profile = tmp_path / "profile"
    entries = offline_set(own_server.url)
    async with persistent_context(profile) as context:
        page = await context.new_page()
        await page.add_init_script(RECORD_STATUS)
        await page.goto(own_server.url + "/")
        await wait_ready(page)
        said = await page.evaluate("window.offlineStatusTexts")
        assert f"Saving for offline use: 0 of {len(entries)}" in said
        progress = re.compile(rf"Saving for offline use: [1-9]\d* of {len(entries)}")
        assert any(progress.fullmatch(text) for text in said)
        assert re.fullmatch(r"Ready offline: version 1, published \w+ \d+, \d{4}\.", said[-1])
        for path in ["/admin", "/admin/login"]:
            await page.goto(own_server.url + path)
        own_server.stop()
        await context.set_offline(True)

        # With the server stopped and the browser offline, only the worker can answer.
        pages = [(p, d) for p, d in entries if not p.startswith(("/qr/", "/static/", "/api/"))]
        for path, digest in pages:
            response = await page.goto(own_server.url + path, wait_until="commit")
            assert response.status == 200, path
            assert response.from_service_worker, path
            assert sha(await response.body()) == digest, path
        files = [entry for entry in entries if entry not in pages]
        assert len(pages) > 80 and len(files) > 80
        assert await mismatches(page, files) == []

        await page.goto(own_server.url + "/find?q=trafficking")
        await page.wait_for_selector("[data-search-results] .cards")
        assert await page.get_by_text("Canadian Human Trafficking Hotline").count() >= 1

        for path in ["/s/ZZZZ", "/never/visited", "/fr/numbers"]:
            response = await page.goto(own_server.url + path)
            assert response.status == 200, path
            assert await page.locator("h1").inner_text() == OFFLINE_H1, path
            assert await page.locator("aside.strip a[href='tel:911']").count() == 1

        stored = [p for paths in (await cache_entries(page)).values() for p in paths]
        assert stored and not [p for p in stored if p.startswith("/admin")]

    async with persistent_context(profile, offline=True) as context:
        page = await context.new_page()
        response = await page.goto(own_server.url + "/?source=pwa")
        assert response.status == 200 and response.from_service_worker
        await page.wait_for_selector("ul.needs-featured a")
        await page.goto(own_server.url + "/find?q=shelter")
        await page.wait_for_selector("[data-search-results] .cards li")


async def test_update_fetches_only_changes_and_switches_whole(own_server, context, tmp_path):
    before = offline_set(own_server.url)
    page = await context.new_page()
    await page.goto(own_server.url + "/")
    await wait_ready(page, version=1)

    publish_change(own_server, tmp_path, "Version two of this description.", 2)
    after = offline_set(own_server.url)
    changed = changed_paths(before, after)
    fetched = worker_fetches(context)
    await ask_for_update(page)
    await page.wait_for_selector("[data-offline-status][data-state=updated][data-version='2']")

    assert sorted(p for p in fetched if p not in ("/api/version", "/api/offline.json")) == sorted(
        changed
    ), "only the entries whose revision changed are downloaded"
    assert f"/s/{service_code(own_server)}" in changed and len(changed) < len(after) / 10
    await page.click("[data-offline-reload]")
    await wait_ready(page, version=2)
    assert await mismatches(page, after) == [], "every saved file is the new version's"
    await page.goto(f"{own_server.url}/s/{service_code(own_server)}")
    assert await page.get_by_text("Version two of this description.").count() == 1

    for version in (3, 4):
        publish_change(own_server, tmp_path, f"Version {version} of this description.", version)
        await ask_for_update(page)
        await page.wait_for_selector(f"[data-offline-status][data-version='{version}']")
    caches = await cache_entries(page)
    assert sorted(caches) == ["cares-meta", f"cares-site-{offline_etag(own_server.url)}"]


async def test_a_failed_update_keeps_the_old_version(own_server, context, tmp_path):
    before = offline_set(own_server.url)
    code = service_code(own_server)
    page = await context.new_page()
    await page.goto(own_server.url + "/")
    await wait_ready(page, version=1)
    old_body = await (await page.goto(f"{own_server.url}/s/{code}")).body()

    publish_change(own_server, tmp_path, "A description that fails to download.", 2)
    changed = changed_paths(before, offline_set(own_server.url))
    own_server.stop()
    own_server.env_extra["CARES_TEST_FAIL_PATHS"] = f"/s/{code}"
    own_server.start()
    first = worker_fetches(context)
    await ask_for_update(page)
    await page.wait_for_selector("[data-offline-status][data-state=failed][data-version='1']")

    assert f"/s/{code}" in first
    assert await mismatches(page, before) == [], "the old version is whole"
    response = await page.goto(f"{own_server.url}/s/{code}")
    assert response.from_service_worker and await response.body() == old_body
    await wait_ready(page, version=1)

    own_server.stop()
    del own_server.env_extra["CARES_TEST_FAIL_PATHS"]
    own_server.start()
    first = set(first)
    second = worker_fetches(context)
    await ask_for_update(page)
    await page.wait_for_selector("[data-offline-status][data-state=updated][data-version='2']")
    files = {"/api/version", "/api/offline.json"}
    assert set(second) & first - files == {f"/s/{code}"}, "a retry resumes the download"
    assert (first | set(second)) - files == changed
    assert await mismatches(page, offline_set(own_server.url)) == []
    caches = await cache_entries(page)
    assert sorted(caches) == ["cares-meta", f"cares-site-{offline_etag(own_server.url)}"]


def two_languages(folder) -> None:
    path = folder / "site.json"
    site = json.loads(path.read_text())
    site["languages"] = ["en", "fr"]
    path.write_text(json.dumps(site))


async def saved_paths(page) -> set[str]:
    caches = await cache_entries(page)
    return {p for name, paths in caches.items() if name.startswith("cares-site-") for p in paths}


async def test_languages_saved_are_the_first_one_and_the_users_choice(context, tmp_path):
    require_chromium()
    folder = catalogue_with(tmp_path, two_languages)
    server = LiveServer(db=tmp_path / "cares.db", env_extra={"CARES_CATALOGUE": str(folder)})
    server.start()
    try:
        page = await context.new_page()
        await page.goto(server.url + "/fr/about")
        await wait_ready(page)
        saved = await saved_paths(page)
        assert {"/fr/numbers", "/numbers", "/fr/offline", "/offline"} <= saved

        boxes = page.locator("[data-offline-settings] input[data-offline-language]")
        assert await boxes.count() == 2
        assert await page.is_checked("input[value=en]") and await page.is_checked("input[value=fr]")
        await page.uncheck("input[value=en]")
        french = {path for path, _ in offline_set(server.url, ("fr",))} | {"/api/offline.json"}
        for _ in range(300):
            if await saved_paths(page) == french:
                break
            await asyncio.sleep(0.1)
        assert await saved_paths(page) == french, "English pages are no longer kept"

        server.stop()
        await context.set_offline(True)
        response = await page.goto(server.url + "/fr/numbers")
        assert response.status == 200 and response.from_service_worker
        await page.goto(server.url + "/numbers")
        assert await page.locator("html").get_attribute("lang") == "fr-CA", "the saved one"
        assert await page.locator("h1").inner_text() == OFFLINE_H1_FR
    finally:
        server.stop()
