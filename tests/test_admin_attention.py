"""The needs-attention list and video thumbnails stored by the app."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from server.attention import needs_attention
from server.publishing import publish_draft
from tests.admin_client import form_fields, with_values


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 18), (31, 78, 95)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_attention_lists_what_the_draft_lacks(app, admin):
    doc = await app.state.store.draft_document()
    lists = needs_attention(doc, date(2026, 12, 31), 12)
    video_ids = {i.id for i in lists["video_links"]}
    assert "video-can-am-friendship-centre" in video_ids
    assert {i.id for i in lists["facts"]} >= {"wecen"}
    page = await admin.get("/admin/")
    assert page.status_code == 200
    assert (
        "Videos without a link" in page.text
        and "/admin/videos/video-can-am-friendship-centre" in page.text
    )


async def test_stale_and_closed_services_in_collections(app, admin):
    doc = await app.state.store.draft_document()
    service = next(s for s in doc["services"] if s["id"] == "hiatus-house")
    service["verified"] = {"on": "2024-01-15", "by": "someone"}
    service["status"] = "temporarily_closed"
    doc["collections"][0]["items"].append({"kind": "service", "id": "hiatus-house"})
    lists = needs_attention(doc, date(2026, 12, 3), 12)
    (stale,) = [i for i in lists["stale"] if i.id == "hiatus-house"]
    assert "2024-01-15" in stale.reason
    (closed,) = lists["closed_in_collections"]
    assert closed.id == doc["collections"][0]["id"] and "temporarily closed" in closed.reason
    assert not [
        i for i in needs_attention(doc, date(2025, 1, 10), 12)["stale"] if i.id == "hiatus-house"
    ]


async def test_a_thumbnail_is_stored_by_the_app_and_published_with_the_site(app, admin, seeded):
    path = "/admin/videos/video-hiatus-house"
    row = await app.state.store.get_record("videos", "video-hiatus-house")
    image = png()
    response = await admin.post(
        "/admin/thumbnails/video-hiatus-house",
        {"revision": str(row.revision)},
        files={"thumbnail": ("t.png", image, "image/png")},
    )
    assert response.status_code == 303, response.text[:500]
    name = (await app.state.store.get_record("videos", "video-hiatus-house")).data["thumbnail"]
    assert name.endswith(".png")
    shown = await admin.get(f"/admin/media/{name}")
    assert shown.headers["cache-control"] == "no-store"
    # Stored re-encoded (see test_thumbnails.py): the same pixels, not the same bytes.
    pixels = Image.open(io.BytesIO(shown.content))
    assert pixels.tobytes() == Image.open(io.BytesIO(image)).tobytes()
    await publish_draft(app.state.store, app.state.theme, seeded, actor="pat")
    await app.state.live.refresh()
    public = await admin.http.get(f"/media/{name}")
    assert public.status_code == 200 and public.content == shown.content
    offline = (await admin.http.get("/api/offline.json")).json()
    assert f"/media/{name}" in [p for group in offline["files"].values() for p, _ in group]
    page = await admin.get(path)
    assert f"/admin/media/{name}" in page.text


async def test_thumbnails_must_be_images_of_bounded_size(app, admin):
    row = await app.state.store.get_record("videos", "video-hiatus-house")
    for body, status, message in [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            400,
            "not a JPEG",
        ),
        (b"<html>hello</html>", 400, "not a JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (3 * 1024 * 1024), 413, "too large"),
    ]:
        response = await admin.post(
            "/admin/thumbnails/video-hiatus-house",
            {"revision": str(row.revision)},
            files={"thumbnail": ("t.png", body, "image/png")},
        )
        assert response.status_code == status, response.text[:300]
        assert message in response.text
    assert (await app.state.store.get_record("videos", "video-hiatus-house")) == row


async def test_unchanged_video_form_keeps_its_thumbnail(app, admin):
    row = await app.state.store.get_record("videos", "video-hiatus-house")
    await admin.post(
        "/admin/thumbnails/video-hiatus-house",
        {"revision": str(row.revision)},
        files={"thumbnail": ("t.png", png(), "image/png")},
    )
    path = "/admin/videos/video-hiatus-house"
    fields = with_values(form_fields((await admin.get(path)).text, path), duration_seconds="95")
    assert (await admin.post(path, fields, csrf=False)).status_code == 303
    data = (await app.state.store.get_record("videos", "video-hiatus-house")).data
    assert data["thumbnail"] and data["duration_seconds"] == 95
