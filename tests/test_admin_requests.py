"""Requests a browser would not send: numbers that are not numbers, ids out of range, HEAD."""

from __future__ import annotations

import io
import re
import sqlite3

import pytest
from PIL import Image

from server.catalogue import KINDS
from server.cli import prepare
from tests.admin_client import AdminClient

HUGE = "99999999999999999999999"  # past SQLite's 64-bit integers
SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    return buffer.getvalue()


async def snapshot(app) -> tuple:
    store = app.state.store
    return (
        await store.list_records("services"),
        await store.list_records("videos"),
        await store.list_accounts(),
        await store.latest_version(),
    )


def a_code(app) -> str:
    return next(iter(app.state.live.current.catalogue.by_code))


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/admin/versions?page=²", 400, "page number"),
        ("/admin/versions?page=" + HUGE, 400, "page number"),
        ("/admin/audit?before=²", 400, "older entries"),
        ("/admin/audit?before=" + HUGE, 400, "older entries"),
        ("/admin/stickers?codes={code}&layout=avery-5160&copies=²", 400, "Copies of each"),
        ("/admin/stickers/sheet.pdf?codes={code}&layout=avery-5160&skip=²", 400, "first label"),
        ("/admin/stickers/sheet.svg?codes={code}&layout=avery-5160&page=²", 400, "The page"),
        ("/admin/stickers/sheet.svg?codes={code}&layout=avery-5160&page=" + HUGE, 400, "page"),
        ("/admin/versions/" + HUGE, 404, "no page at this address"),
        ("/admin/versions/" + HUGE + "/rollback", 404, "no page at this address"),
    ],
)
async def test_odd_numbers_in_addresses_get_a_clear_page(app, admin, path, status, message):
    response = await admin.get(path.format(code=a_code(app)))
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text
    assert "Something went wrong" not in response.text


@pytest.mark.parametrize(
    ("path", "revision", "status", "message"),
    [
        ("/admin/accounts/" + HUGE + "/role", None, 404, "no page at this address"),
        ("/admin/accounts/" + HUGE + "/remove", None, 404, "no page at this address"),
        ("/admin/versions/" + HUGE + "/rollback", None, 404, "no page at this address"),
        ("/admin/services/hiatus-house", SUPERSCRIPT_TWO, 400, "reload the page"),
        ("/admin/services/hiatus-house", HUGE, 400, "reload the page"),
        ("/admin/services/hiatus-house/delete", SUPERSCRIPT_TWO, 400, "reload the page"),
        ("/admin/services/hiatus-house/verify", SUPERSCRIPT_TWO, 400, "reload the page"),
        ("/admin/services/hiatus-house/verify", HUGE, 400, "reload the page"),
        ("/admin/thumbnails/video-hiatus-house/remove", SUPERSCRIPT_TWO, 400, "reload the page"),
        ("/admin/thumbnails/video-hiatus-house", SUPERSCRIPT_TWO, 400, "reload the page"),
    ],
)
async def test_odd_numbers_in_forms_get_a_clear_page_and_change_nothing(
    app, admin, path, revision, status, message
):
    before = await snapshot(app)
    form = {"role": "editor"} if revision is None else {"revision": revision}
    files = {"thumbnail": ("t.png", png(), "image/png")} if path.endswith("house") else None
    if path.startswith("/admin/thumbnails/") and not path.endswith("remove"):
        response = await admin.post(path, form, files=files)
    else:
        response = await admin.post(path, form)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text
    assert await snapshot(app) == before


def audit_count(app) -> int:
    db = sqlite3.connect(app.state.settings.db_path)
    try:
        return db.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        db.close()


async def pages_taking_get_and_post(app) -> list[str]:
    """Every signed-in admin page that answers both GET and POST."""
    paths = ["/admin/password", "/admin/site", "/admin/versions/1/rollback"]
    for kind in KINDS:
        paths.append(f"/admin/{kind}/new")
        paths += [f"/admin/{kind}/{row.id}" for row in await app.state.store.list_records(kind)]
    return paths


async def assert_head_answers_as_get(who: AdminClient, path: str) -> None:
    got = await who.get(path)
    head = await who.head(path)
    assert head.status_code == got.status_code, (path, head.status_code)
    assert head.content == b"", path
    assert head.headers["content-type"] == got.headers["content-type"], path
    assert head.headers["cache-control"] == "no-store", path


async def test_head_on_admin_forms_answers_as_get_and_changes_nothing(app, admin):
    paths = await pages_taking_get_and_post(app)
    assert len(paths) > 20
    before, audited = await snapshot(app), audit_count(app)
    for path in paths:
        await assert_head_answers_as_get(admin, path)
    assert await snapshot(app) == before and audit_count(app) == audited


async def test_head_on_the_sign_in_page_signs_nobody_in(app, client, clock):
    audited = audit_count(app)
    await assert_head_answers_as_get(AdminClient(client), "/admin/login")
    response = await client.head("/admin/login")
    assert "set-cookie" not in response.headers and audit_count(app) == audited


async def test_head_never_spends_a_one_time_link(app, admin, client):
    invited = await admin.post("/admin/accounts/invite", {"username": "eddie", "role": "editor"})
    invite = re.search(r"http://testserver(/admin/invite/[^<\s]+)", invited.text)[1]
    newcomer = AdminClient(client)
    await assert_head_answers_as_get(newcomer, invite)
    form = {"display_name": "Eddie", "password": "copper kite meadow"}
    form["confirm"] = form["password"]
    assert (await newcomer.post(invite, form, csrf=False)).status_code == 303


async def test_head_never_spends_the_setup_link(app, client, clock, seeded):
    setup = re.search(r"http://testserver(/admin/setup/\S+)", await prepare(seeded))[1]
    browser = AdminClient(client)
    await assert_head_answers_as_get(browser, setup)
    assert await app.state.store.list_accounts() == []
    form = {"username": "coordinator", "display_name": "Coordinator"}
    form |= {"password": "paper lanterns over windsor", "confirm": "paper lanterns over windsor"}
    assert (await browser.post(setup, form, csrf=False)).status_code == 303
