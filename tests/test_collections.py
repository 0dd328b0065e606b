"""Collections and short codes: named, ordered sets whose codes never change meaning."""

from __future__ import annotations

import re

from server.publishing import publish_draft
from tests.admin_client import form_fields, with_values

VIDEO = "video-hiatus-house"
FIRST = "https://www.youtube.com/watch?v=cares-test-1"
MOVED = "https://www.youtube.com/watch?v=cares-test-2"


async def repoint(app, admin, url: str) -> None:
    path = f"/admin/videos/{VIDEO}"
    page = await admin.get(path)
    saved = await admin.post(path, with_values(form_fields(page.text, path), url=url), csrf=False)
    assert saved.status_code == 303, saved.text[:500]
    state = app.state
    await publish_draft(state.store, state.theme, state.settings, actor="pat")
    await state.live.refresh()


async def test_a_repointed_video_keeps_its_short_code_and_every_sticker_works(app, client, admin):
    doc = (await client.get("/api/catalogue")).json()
    code = next(v["code"] for v in doc["videos"] if v["id"] == VIDEO)
    (collection,) = doc["collections"]
    await repoint(app, admin, FIRST)
    page = (await client.get(f"/s/{code}")).text
    assert f'href="{FIRST}"' in page
    sticker = (await client.get(f"/qr/{code}.svg")).text

    await repoint(app, admin, MOVED)
    # The same printed code opens the same record, which now points at the new place.
    after = await client.get(f"/s/{code}")
    assert after.status_code == 200
    assert f'href="{MOVED}"' in after.text and FIRST not in after.text
    assert re.search(r"<h1>Hiatus House", after.text)
    # The sticker's QR code did not change, and the collection still lists the record.
    assert (await client.get(f"/qr/{code}.svg")).text == sticker
    listing = (await client.get(f"/s/{collection['code']}")).text
    assert f'href="/s/{code}"' in listing
    new_doc = (await client.get("/api/catalogue")).json()
    assert next(v["code"] for v in new_doc["videos"] if v["id"] == VIDEO) == code
    assert await app.state.store.code_owner(code) == ("videos", VIDEO)


async def test_a_collection_is_a_named_ordered_set_with_its_own_code(app, client):
    doc = (await client.get("/api/catalogue")).json()
    (collection,) = doc["collections"]
    assert collection["name"]["en"] and collection["code"]
    page = (await client.get(f"/s/{collection['code']}")).text
    codes = {v["id"]: v["code"] for v in doc["videos"]}
    shown = re.findall(r'<h2 class="card-title"><a href="/s/([0-9A-Z]+)"', page)
    assert shown == [codes[item["id"]] for item in collection["items"]]
    assert await app.state.store.code_owner(collection["code"]) == ("collections", collection["id"])
