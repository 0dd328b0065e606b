"""The admin session in a real Chromium on http://127.0.0.1 (a secure context for cookies)."""

from __future__ import annotations

import re


async def test_setup_link_sign_in_and_out_in_a_real_browser(own_server, context):
    link = re.search(r"(http://127\.0\.0\.1:\d+/admin/setup/\S+)", own_server.log())[1]
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await page.goto(link)
    await page.fill("#f-username", "coordinator")
    await page.fill("#f-display_name", "Program coordinator")
    await page.fill("#f-password", "paper lanterns over windsor")
    await page.fill("#f-confirm", "paper lanterns over windsor")
    await page.click("button[type=submit]")
    await page.wait_for_url(re.compile(r"/admin/$"))
    assert "Program coordinator" in await page.inner_text("header")
    (cookie,) = await context.cookies()
    assert cookie["name"] == "__Host-cares-session"
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"
    await page.click("text=Sign out")
    await page.wait_for_url(re.compile(r"/admin/login"))
    assert await context.cookies() == []
    await page.goto(own_server.url + "/admin/accounts")
    assert "/admin/login" in page.url
    assert errors == [], "no CSP violation or script error on admin pages"
