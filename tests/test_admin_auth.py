"""Accounts and sessions over real HTTP: setup link, sign-in, sessions that really end."""

from __future__ import annotations

import re
import sqlite3

from argon2 import PasswordHasher

from server.cli import prepare
from server.sessions import COOKIE
from tests.admin_client import PASSWORD, AdminClient, cookie_from
from tests.conftest import make_account, new_client


def setup_token(message: str) -> str:
    return re.search(r"/admin/setup/(\S+)", message)[1]


async def test_first_start_prints_a_setup_link_that_works_once(app, client, clock, seeded):
    message = await prepare(seeded)
    assert "No admin account exists yet" in message and "cares admin create" in message
    token = setup_token(message)
    browser = AdminClient(client)
    page = await browser.get(f"/admin/setup/{token}")
    assert page.status_code == 200 and "Create the first admin account" in page.text
    form = {
        "username": "Coordinator",
        "display_name": "Program coordinator",
        "password": "paper lanterns over windsor",
        "confirm": "paper lanterns over windsor",
    }
    created = await browser.post(f"/admin/setup/{token}", form, csrf=False)
    assert created.status_code == 303 and browser.cookie
    accounts = await app.state.store.list_accounts()
    assert [(a.username, a.role) for a in accounts] == [("coordinator", "publisher")]
    home = await browser.get("/admin/")
    assert home.status_code == 200 and "Program coordinator" in home.text
    again = await AdminClient(client).post(f"/admin/setup/{token}", form, csrf=False)
    assert again.status_code == 404 and "not valid" in again.text
    assert len(await app.state.store.list_accounts()) == 1
    assert await prepare(seeded) is None, "no setup link once an admin exists"


async def test_setup_link_expires_and_a_new_start_replaces_it(client, clock, seeded):
    first = setup_token(await prepare(seeded))
    second = setup_token(await prepare(seeded))
    assert (await client.get(f"/admin/setup/{first}")).status_code == 404
    assert (await client.get(f"/admin/setup/{second}")).status_code == 200
    clock.advance(25 * 3600)
    assert (await client.get(f"/admin/setup/{second}")).status_code == 404


async def test_session_cookie_carries_every_protective_flag(app, client, clock):
    await make_account(app, "pat")
    response = await AdminClient(client).login("pat")
    assert response.status_code == 303
    (header,) = [h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE)]
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert COOKIE.startswith("__Host-")
    assert {"secure", "httponly", "path", "samesite"} <= attributes
    assert "domain" not in attributes
    assert "Path=/;" in header + ";" and "SameSite=strict" in header
    assert len(cookie_from(response)) >= 40


async def test_unknown_user_and_wrong_password_get_the_same_answer(app, client, clock):
    await make_account(app, "pat")
    wrong = await AdminClient(client).login("pat", "not the password at all")
    unknown = await AdminClient(client).login("nobody", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    assert cookie_from(wrong) is None and cookie_from(unknown) is None
    assert wrong.text.replace('value="pat"', "") == unknown.text.replace('value="nobody"', "")
    assert "The user name or password is not right." in wrong.text


async def test_logout_revokes_the_session_even_for_a_copied_cookie(admin):
    copied = admin.cookie
    response = await admin.post("/admin/logout")
    assert response.status_code == 303
    assert response.headers["clear-site-data"] == '"cache", "cookies"'
    assert cookie_from(response) == "", "the cookie is cleared"
    admin.cookie = copied
    after = await admin.get("/admin/")
    assert after.status_code == 303 and after.headers["location"].startswith("/admin/login")
    refused = await admin.post("/admin/accounts/invite", {"username": "eve", "role": "editor"})
    assert refused.status_code == 403


async def test_a_new_session_id_at_every_sign_in(admin):
    before = admin.cookie
    response = await admin.login("pat")
    assert response.status_code == 303 and admin.cookie != before
    admin.cookie = before
    assert (await admin.get("/admin/")).status_code == 303, "the old session was ended"


async def test_idle_and_absolute_timeouts(admin, clock):
    clock.advance(29 * 60)
    assert (await admin.get("/admin/")).status_code == 200
    clock.advance(31 * 60)
    assert (await admin.get("/admin/")).status_code == 303, "idle for 31 minutes"
    await admin.login("pat")
    for _ in range(12 * 3 - 1):
        clock.advance(20 * 60)
        assert (await admin.get("/admin/")).status_code == 200
    clock.advance(21 * 60)
    assert (await admin.get("/admin/")).status_code == 303, "12 hours after signing in"


async def test_password_change_ends_every_other_session(app, admin, client):
    other = AdminClient(client)
    await other.login("pat")
    new = "grapefruit harbour signal"
    changed = await admin.post(
        "/admin/password", {"current": PASSWORD, "password": new, "confirm": new}
    )
    assert changed.status_code == 303
    assert (await other.get("/admin/")).status_code == 303, "the other session ended"
    assert (await admin.get("/admin/password?done=1")).status_code == 200, "this browser stays in"
    assert (await AdminClient(client).login("pat", PASSWORD)).status_code == 400
    assert (await AdminClient(client).login("pat", new)).status_code == 303


async def test_new_passwords_follow_the_policy(admin):
    for password, message in [
        ("short one", "at least 12 characters"),
        ("password1234", "most common passwords"),
        ("iloveyou2024!", "most common passwords"),
        ("aaaaaaaaaaaaaaaa", "too few characters"),
        ("pat-is-my-name-ok", "user name"),
    ]:
        response = await admin.post(
            "/admin/password", {"current": PASSWORD, "password": password, "confirm": password}
        )
        assert response.status_code == 400, password
        assert re.search(r'class="field-error" id="password-error">[^<]*' + message, response.text)
    assert (await AdminClient(admin.http).login("pat")).status_code == 303, "unchanged"


async def test_removing_an_account_ends_its_sessions(app, admin, client):
    await make_account(app, "eddie", "editor")
    eddie = AdminClient(client)
    await eddie.login("eddie")
    assert (await eddie.get("/admin/")).status_code == 200
    (target,) = [a for a in await app.state.store.list_accounts() if a.username == "eddie"]
    assert (await admin.post(f"/admin/accounts/{target.id}/remove")).status_code == 303
    assert (await eddie.get("/admin/")).status_code == 303


async def test_editors_cannot_manage_accounts_or_invite_publishers(app, admin, client):
    await make_account(app, "eddie", "editor")
    eddie = AdminClient(client)
    await eddie.login("eddie")
    (pat,) = [a for a in await app.state.store.list_accounts() if a.username == "pat"]
    assert (await eddie.post(f"/admin/accounts/{pat.id}/remove")).status_code == 403
    assert (
        await eddie.post(f"/admin/accounts/{pat.id}/role", {"role": "editor"})
    ).status_code == 403
    invite = await eddie.post("/admin/accounts/invite", {"username": "max", "role": "publisher"})
    assert invite.status_code == 400 and "only a publisher can invite" in invite.text
    assert len(await app.state.store.list_accounts()) == 2


async def test_the_last_publisher_cannot_be_removed(app, admin):
    (pat,) = await app.state.store.list_accounts()
    response = await admin.post(f"/admin/accounts/{pat.id}/remove")
    assert response.status_code == 403 and "last publisher" in response.text
    assert len(await app.state.store.list_accounts()) == 1


async def test_an_invitation_link_makes_an_account_once(app, admin, client):
    response = await admin.post("/admin/accounts/invite", {"username": "Eddie", "role": "editor"})
    link = re.search(r"http://testserver(/admin/invite/[^<\s]+)", response.text)[1]
    newcomer = AdminClient(client)
    form = {
        "display_name": "Eddie",
        "password": "copper kite meadow",
        "confirm": "copper kite meadow",
    }
    mismatch = await newcomer.post(link, {**form, "confirm": "something else"}, csrf=False)
    assert mismatch.status_code == 400 and "does not match" in mismatch.text
    assert (await newcomer.post(link, form, csrf=False)).status_code == 303
    roles = {a.username: a.role for a in await app.state.store.list_accounts()}
    assert roles == {"pat": "publisher", "eddie": "editor"}
    assert (await AdminClient(client).post(link, form, csrf=False)).status_code == 404


async def test_csrf_token_and_origin_are_both_required(app, admin):
    invite = {"username": "eve", "role": "editor"}
    cases = [
        ({}, False),  # no token
        ({"origin": "https://evil.example", "sec-fetch-site": "cross-site"}, True),
        ({"origin": "https://evil.example", "sec-fetch-site": "same-origin"}, True),
        ({"origin": "null"}, True),
    ]
    for headers, with_token in cases:
        response = await admin.post(
            "/admin/accounts/invite", invite, csrf=with_token, headers=headers
        )
        assert response.status_code == 403, headers
    no_origin = await admin.http.post(
        "/admin/accounts/invite",
        data={**invite, "csrf": admin.csrf},
        headers={"cookie": f"{COOKIE}={admin.cookie}"},
    )
    assert no_origin.status_code == 403, "neither Origin nor Sec-Fetch-Site"
    wrong_token = await admin.post(
        "/admin/accounts/invite", {**invite, "csrf": "x" * 43}, csrf=False
    )
    assert wrong_token.status_code == 403
    assert (await admin.post("/admin/accounts/invite", invite)).status_code == 200
    login_from_elsewhere = await admin.post(
        "/admin/login",
        {"username": "pat", "password": PASSWORD},
        csrf=False,
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert login_from_elsewhere.status_code == 403


async def test_state_changes_only_by_post(admin):
    assert (await admin.get("/admin/logout")).status_code == 405
    assert (await admin.get("/admin/accounts/invite")).status_code == 405


async def test_throttling_per_address_grows_and_refuses_even_the_right_password(app, clock):
    await make_account(app, "pat")
    async with new_client(app, "203.0.113.9") as http:
        attacker = AdminClient(http)
        for _ in range(5):
            assert (await attacker.login("pat", "wrong guess number")).status_code == 400
        refused = await attacker.login("pat")
        assert refused.status_code == 429 and "Too many attempts" in refused.text
        first_wait = int(refused.headers["retry-after"])
        clock.advance(first_wait)
        assert (await attacker.login("pat", "another wrong guess")).status_code == 400
        second_wait = int((await attacker.login("pat")).headers["retry-after"])
        assert second_wait > first_wait, "the delay grows"
        for name in ("someone", "else"):
            assert (await attacker.login(name, "x" * 12)).status_code == 429, "per address"
    clock.advance(60)  # the per-account wait never exceeds a minute
    async with new_client(app, "198.51.100.7") as http:
        assert (await AdminClient(http).login("pat")).status_code == 303


async def test_guessing_from_many_addresses_never_locks_the_admin_out_for_long(app, clock):
    await make_account(app, "pat")
    for n in range(40):
        clock.advance(61)
        async with new_client(app, f"203.0.113.{n + 1}") as http:
            await AdminClient(http).login("pat", f"wrong guess {n:04d}")
    async with new_client(app, "198.51.100.7") as http:
        real = AdminClient(http)
        waiting = await real.login("pat")
        assert waiting.status_code == 429
        assert int(waiting.headers["retry-after"]) <= 61
        clock.advance(61)
        assert (await real.login("pat")).status_code == 303


async def test_refused_attempts_do_not_extend_the_wait(app, clock):
    await make_account(app, "pat")
    async with new_client(app, "203.0.113.9") as http:
        attacker = AdminClient(http)
        for _ in range(6):
            await attacker.login("pat", "wrong guess number")
        waits = [int((await attacker.login("pat", "x" * 12)).headers["retry-after"])]
        for _ in range(20):
            response = await attacker.login("pat", "x" * 12)
            waits.append(int(response.headers["retry-after"]))
        assert max(waits) <= waits[0]


async def test_login_rehashes_a_password_stored_below_policy(app, client, clock):
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    await app.state.store.create_account("old", "Old", "publisher", weak, "test")
    assert (await AdminClient(client).login("old")).status_code == 303
    (_, stored) = await app.state.store.account_for_login("old")
    assert stored != weak and "m=1024,t=1,p=1" in stored
    assert (await AdminClient(client).login("old")).status_code == 303


async def test_the_audit_log_records_sign_ins_and_never_a_secret(app, admin, client):
    await AdminClient(client).login("pat", "a wrong password here")
    await AdminClient(client).login("ghost", "a wrong password here")
    await admin.post("/admin/logout")
    db = sqlite3.connect(app.state.settings.db_path)
    rows = db.execute("SELECT actor, action FROM audit ORDER BY id").fetchall()
    assert ("pat", "login.success") in rows and ("pat", "logout") in rows
    assert ("pat", "login.failure") in rows and (None, "login.failure") in rows
    audit_text = " ".join(str(r) for r in db.execute("SELECT * FROM audit"))
    for secret in (PASSWORD, "a wrong password here", admin.csrf, "ghost"):
        assert secret not in audit_text


async def test_every_admin_response_is_no_store_and_cannot_be_framed(admin, client):
    for path in ["/admin/", "/admin/accounts", "/admin/password", "/admin/login", "/admin/nope"]:
        for who in (admin, AdminClient(client)):
            response = await who.get(path)
            assert response.headers["cache-control"] == "no-store", path
            assert response.headers["x-frame-options"] == "DENY"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    forbidden = await admin.post("/admin/accounts/invite", {}, csrf=False)
    assert forbidden.status_code == 403 and forbidden.headers["cache-control"] == "no-store"


async def test_public_responses_never_set_a_cookie_even_for_a_signed_in_admin(admin):
    for path in ["/", "/numbers", "/api/catalogue", "/nope", "/find?q=shelter"]:
        response = await admin.get(path)
        assert "set-cookie" not in response.headers, path
        assert response.headers.get("cache-control") != "no-store" or path == "/nope"


async def test_an_oversized_body_is_refused_before_parsing(app, admin):
    response = await admin.post(
        "/admin/accounts/invite", {"username": "eve", "role": "editor", "pad": "x" * 2_000_000}
    )
    assert response.status_code == 413
    assert [a.username for a in await app.state.store.list_accounts()] == ["pat"]


async def test_wrong_current_passwords_are_throttled_like_sign_ins(app, admin, clock):
    """A stolen session cannot guess the real password any faster than the sign-in page allows."""
    new = "grapefruit harbour signal"
    change = {"password": new, "confirm": new}
    for n in range(5):
        wrong = await admin.post("/admin/password", {"current": f"guess number {n}", **change})
        assert wrong.status_code == 400 and "is not right" in wrong.text
    refused = await admin.post("/admin/password", {"current": PASSWORD, **change})
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    first_wait = int(refused.headers["retry-after"])
    async with new_client(app, "198.51.100.7") as http:
        elsewhere = await AdminClient(http).login("pat")
        assert elsewhere.status_code == 429, "the failures count against the account"
    clock.advance(first_wait)
    sixth = await admin.post("/admin/password", {"current": "guess number 6", **change})
    assert sixth.status_code == 400
    second = await admin.post("/admin/password", {"current": PASSWORD, **change})
    assert second.status_code == 429 and int(second.headers["retry-after"]) > first_wait
    clock.advance(60)
    assert (await admin.post("/admin/password", {"current": PASSWORD, **change})).status_code == 303
    async with new_client(app, "198.51.100.7") as http:
        assert (await AdminClient(http).login("pat", new)).status_code == 303, "failures cleared"
