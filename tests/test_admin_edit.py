"""Editing the draft over HTTP: validation next to the field, no lost updates, bad input refused."""

from __future__ import annotations

import sqlite3

import pytest

from tests.admin_client import AdminClient, form_fields, with_values
from tests.conftest import make_account

SERVICE = "/admin/services/hiatus-house"


async def draft_record(app, kind: str, record_id: str) -> dict:
    row = await app.state.store.get_record(kind, record_id)
    return row.data if row else None


async def open_form(who: AdminClient, path: str) -> list[tuple[str, str]]:
    page = await who.get(path)
    assert page.status_code == 200, page.text[:300]
    return form_fields(page.text, path)


async def test_an_unchanged_form_saves_nothing_new(app, admin):
    for kind, record_id in [
        ("services", "hiatus-house"),
        ("videos", "video-hiatus-house"),
        ("needs", "human-trafficking"),
        ("organizations", "hiatus-house"),
        ("collections", "partner-videos"),
    ]:
        path = f"/admin/{kind}/{record_id}"
        before = await app.state.store.get_record(kind, record_id)
        response = await admin.post(path, await open_form(admin, path), csrf=False)
        assert response.status_code == 303, (path, response.text[:2000])
        after = await app.state.store.get_record(kind, record_id)
        assert after.data == before.data and after.revision == before.revision, path
    path = "/admin/site"
    before = await app.state.store.get_record("site", "site")
    assert (await admin.post(path, await open_form(admin, path), csrf=False)).status_code == 303
    assert (await app.state.store.get_record("site", "site")).data == before.data


async def test_editing_a_phone_saves_it_and_records_who_and_what(app, admin):
    fields = await open_form(admin, SERVICE)
    old = dict(fields)["phones[0].number"]
    saved = await admin.post(
        SERVICE, with_values(fields, phones_0___number="519-555-0123"), csrf=False
    )
    assert saved.status_code == 303 and saved.headers["location"] == SERVICE + "?saved=1"
    record = await draft_record(app, "services", "hiatus-house")
    assert record["phones"][0]["number"] == "519-555-0123"
    db = sqlite3.connect(app.state.settings.db_path)
    actor, action, summary = db.execute(
        "SELECT actor, action, summary FROM audit WHERE kind = 'services' ORDER BY id DESC"
    ).fetchone()
    assert (actor, action) == ("pat", "update")
    assert old in summary and "519-555-0123" in summary


async def test_a_new_translation_is_saved_per_language(app, admin):
    fields = await open_form(admin, SERVICE)
    changed = with_values(
        fields, alert__ar="الخط مغلق حتى الظهر", alert__en="Line closed until noon"
    )
    assert (await admin.post(SERVICE, changed, csrf=False)).status_code == 303
    record = await draft_record(app, "services", "hiatus-house")
    assert record["alert"]["ar"] == "الخط مغلق حتى الظهر"
    page = await admin.get(SERVICE)
    assert 'lang="ar" dir="rtl"' in page.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "javascript:alert(1)", "https://"),
        ("url", "http://hiatushouse.com", "https://"),
        ("url", "https://user:secret@hiatushouse.com/", "user name or password"),
        ("url", "https://exa mple.com", "https://"),
        ("url", "https://localhost/", "valid host name"),
        ("name.en", "Safe \u202eesuoh\u202c name", "bidirectional"),
        ("name.en", "Bell\x07 name", "control character"),
        ("name.en", "x" * 301, "too long"),
        ("phones[0].number", "call us", "expected form"),
        ("phones[0].strip", "first", "whole number"),
        ("email", "not-an-address", "expected form"),
        ("organization_id", "no-such-organisation", "no organisation has the id"),
    ],
)
async def test_bad_input_is_refused_next_to_its_field_and_nothing_changes(
    app, admin, field, value, message
):
    before = await app.state.store.get_record("services", "hiatus-house")
    fields = await open_form(admin, SERVICE)
    fields = [(n, value if n == field else v) for n, v in fields]
    if field == "organization_id":
        fields.append(("organization_id", value))
    response = await admin.post(SERVICE, fields, csrf=False)
    assert response.status_code == 400, response.text[:500]
    assert f'id="{field}-error"' in response.text, field
    error = response.text.split(f'id="{field}-error">', 1)[1].split("<", 1)[0]
    assert message in error, error
    assert "Nothing was saved" in response.text
    after = await app.state.store.get_record("services", "hiatus-house")
    assert after == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://evil.example/watch?v=x", "not on the list of video hosts"),
        ("https://www.youtube.com.evil.example/watch?v=x", "not on the list of video hosts"),
        ("https://youtube.com@evil.example/watch", "user name or password"),
        ("http://www.youtube.com/watch?v=x", "https://"),
        ("https://m.youtube.com/watch?v=x", "not on the list of video hosts"),
    ],
)
async def test_video_links_only_to_allowed_hosts(app, admin, url, message):
    path = "/admin/videos/video-hiatus-house"
    before = await app.state.store.get_record("videos", "video-hiatus-house")
    fields = with_values(await open_form(admin, path), url=url)
    response = await admin.post(path, fields, csrf=False)
    assert response.status_code == 400
    error = response.text.split('id="url-error">', 1)[1].split("<", 1)[0]
    assert message in error
    assert await app.state.store.get_record("videos", "video-hiatus-house") == before


async def test_a_video_link_on_an_allowed_host_is_saved_with_its_platform(app, admin):
    path = "/admin/videos/video-hiatus-house"
    fields = with_values(await open_form(admin, path), url="https://youtu.be/abc123XYZ")
    assert (await admin.post(path, fields, csrf=False)).status_code == 303
    record = await draft_record(app, "videos", "video-hiatus-house")
    assert record["url"] == "https://youtu.be/abc123XYZ" and record["platform"] == "youtube"


async def test_text_is_stored_nfc_normalised(app, admin):
    fields = with_values(await open_form(admin, SERVICE), name__fr="Maison Hiatus, cafe\u0301")
    assert (await admin.post(SERVICE, fields, csrf=False)).status_code == 303
    record = await draft_record(app, "services", "hiatus-house")
    assert record["name"]["fr"] == "Maison Hiatus, caf\u00e9"


async def test_a_stale_form_gets_a_conflict_page_never_a_silent_overwrite(app, admin, client):
    await make_account(app, "eddie", "editor")
    eddie = AdminClient(client)
    await eddie.login("eddie")
    mine = await open_form(admin, SERVICE)
    theirs = await open_form(eddie, SERVICE)
    first = await eddie.post(SERVICE, with_values(theirs, hours__en="Mon-Fri 9-5"), csrf=False)
    assert first.status_code == 303
    second = await admin.post(SERVICE, with_values(mine, hours__en="Always open"), csrf=False)
    assert second.status_code == 409
    assert "Someone else changed this service" in second.text and "eddie" in second.text
    assert "Mon-Fri 9-5" in second.text and "Always open" in second.text
    record = await draft_record(app, "services", "hiatus-house")
    assert record["hours"]["en"] == "Mon-Fri 9-5"


async def test_mark_verified_records_today_and_who(app, admin):
    row = await app.state.store.get_record("videos", "video-hiatus-house")
    response = await admin.post(
        "/admin/videos/video-hiatus-house/verify", {"revision": str(row.revision)}
    )
    assert response.status_code == 303
    verified = (await draft_record(app, "videos", "video-hiatus-house"))["verified"]
    assert verified["by"] == "Pat" and len(verified["on"]) == 10
    stale = await admin.post(
        "/admin/videos/video-hiatus-house/verify", {"revision": str(row.revision)}
    )
    assert stale.status_code == 409


async def test_creating_records_gives_them_a_new_short_code(app, admin):
    fields = with_values(
        await open_form(admin, "/admin/needs/new"),
        name__en="Elder abuse",
        name__fr="Maltraitance des aînés",
    )
    response = await admin.post("/admin/needs/new", fields, csrf=False)
    assert response.status_code == 303 and response.headers["location"].startswith(
        "/admin/needs/elder-abuse"
    )
    need = await draft_record(app, "needs", "elder-abuse")
    assert len(need["code"]) == 4 and need["name"]["fr"] == "Maltraitance des aînés"
    again = await admin.post("/admin/needs/new", fields, csrf=False)
    assert again.status_code == 409 and "already used by another record" in again.text


async def test_a_new_service_is_validated_before_it_exists(app, admin):
    fields = with_values(await open_form(admin, "/admin/services/new"), name__en="Night line")
    response = await admin.post("/admin/services/new", fields, csrf=False)
    assert response.status_code == 400
    assert 'id="description-error"' in response.text and 'id="needs-error"' in response.text
    assert await draft_record(app, "services", "night-line") is None


async def test_deleting_a_record_others_point_to_is_refused(app, admin):
    row = await app.state.store.get_record("organizations", "hiatus-house")
    response = await admin.post(
        "/admin/organizations/hiatus-house/delete", {"revision": str(row.revision)}
    )
    assert response.status_code == 409
    assert "services/hiatus-house organization_id" in response.text
    assert await draft_record(app, "organizations", "hiatus-house") is not None


async def test_removing_an_item_from_a_collection(app, admin):
    path = "/admin/collections/partner-videos"
    fields = await open_form(admin, path)
    fields.append(("items[0]._remove", "1"))
    assert (await admin.post(path, fields, csrf=False)).status_code == 303
    items = (await draft_record(app, "collections", "partner-videos"))["items"]
    assert len(items) == 12 and items[0]["id"] == "video-wecas"


async def test_removing_a_phone_row(app, admin):
    fields = await open_form(admin, SERVICE)
    count = len((await draft_record(app, "services", "hiatus-house"))["phones"])
    fields.append(("phones[0]._remove", "1"))
    assert (await admin.post(SERVICE, fields, csrf=False)).status_code == 303
    assert len((await draft_record(app, "services", "hiatus-house"))["phones"]) == count - 1


async def test_a_locked_database_gives_try_again_and_writes_nothing(app, admin, monkeypatch):
    before = await app.state.store.get_record("services", "hiatus-house")
    fields = with_values(await open_form(admin, SERVICE), hours__en="Changed while locked")
    await app.state.store._writer.execute("PRAGMA busy_timeout=100")
    other = sqlite3.connect(app.state.settings.db_path, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    try:
        response = await admin.post(SERVICE, fields, csrf=False)
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 503 and "try again" in response.text
    assert response.headers["retry-after"]
    assert await app.state.store.get_record("services", "hiatus-house") == before
