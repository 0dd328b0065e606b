"""The admin session in a real Chromium on http://127.0.0.1 (a secure context for cookies)."""

from __future__ import annotations

import re

from tests.browser.admin import sign_in_with_setup_link


async def test_setup_link_sign_in_and_out_in_a_real_browser(own_server, context):
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await sign_in_with_setup_link(page, own_server)
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
