"""Signing in to the admin in a real browser, through the one-time setup link."""

from __future__ import annotations

import re

PASSWORD = "paper lanterns over windsor"


async def sign_in_with_setup_link(page, server) -> None:
    """Create the first admin from the link the server printed, and land on /admin/."""
    link = re.search(r"(http://127\.0\.0\.1:\d+/admin/setup/\S+)", server.log())[1]
    await page.goto(link)
    await page.fill("#f-username", "coordinator")
    await page.fill("#f-display_name", "Program coordinator")
    await page.fill("#f-password", PASSWORD)
    await page.fill("#f-confirm", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(re.compile(r"/admin/$"))
