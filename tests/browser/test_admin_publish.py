"""The admin's main flow in a real Chromium: sign in, edit a phone, publish, see the public page."""

from __future__ import annotations

import re

import httpx

from tests.browser.admin import sign_in_with_setup_link
from tests.browser.offline import ask_for_update, wait_ready

NEW_NUMBER = "519-555-0142"


async def test_edit_a_phone_publish_and_the_public_page_changes(own_server, context):
    async with httpx.AsyncClient() as http:
        catalogue = (await http.get(own_server.url + "/api/catalogue")).json()
    service = next(s for s in catalogue["services"] if s["id"] == "hiatus-house")
    public = f"{own_server.url}/s/{service['code']}"
    old_number = service["phones"][0]["number"]
    reader = await context.new_page()
    await reader.goto(public)
    assert old_number in await reader.inner_text("main")
    await wait_ready(reader, version=1)  # the reader's phone has the app saved offline

    admin = await context.new_page()
    errors: list[str] = []
    admin.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await sign_in_with_setup_link(admin, own_server)
    await admin.goto(own_server.url + "/admin/services/hiatus-house")
    await admin.fill('[name="phones[0].number"]', NEW_NUMBER)
    await admin.click("form[action='/admin/services/hiatus-house'] button[type=submit] >> nth=0")
    await admin.wait_for_url(re.compile(r"saved=1"))

    await admin.goto(own_server.url + "/admin/versions")
    assert "services: 1 changed" in await admin.inner_text("[data-draft]")
    await admin.fill("#f-note", "New helpline number")
    await admin.click("text=Publish the draft")
    await admin.wait_for_url(re.compile(r"published=2"))
    row = await admin.inner_text('[data-version="2"]')
    assert "New helpline number" in row and "coordinator" in row

    # The saved copy picks the new version up on its next check, then offers a reload.
    await ask_for_update(reader)
    await reader.wait_for_selector("[data-offline-status][data-state=updated][data-version='2']")
    await reader.click("[data-offline-reload]")
    await wait_ready(reader, version=2)
    text = await reader.inner_text("main")
    assert NEW_NUMBER in text and old_number not in text
    assert errors == [], "no CSP violation or script error on admin pages"
    cached = await reader.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                urls.push(...(await cache.keys()).map((r) => new URL(r.url).pathname));
            }
            return urls;
        }"""
    )
    assert not [u for u in cached if u.startswith("/admin")], "no admin page is ever cached"
