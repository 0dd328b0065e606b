"""Requests a browser would not send: numbers that are not numbers, ids out of range."""

from __future__ import annotations

import io

import pytest
from PIL import Image

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
