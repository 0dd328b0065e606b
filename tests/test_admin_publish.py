"""Preview, publish and roll back through the admin, over real HTTP and a real SQLite file."""

from __future__ import annotations

import asyncio
import re
import sqlite3

import httpx

from server.routes.admin_versions import _preview_html
from server.site import load_theme
from tests.admin_client import PASSWORD, AdminClient, form_fields, with_values
from tests.conftest import make_account, new_client

SERVICE = "/admin/services/hiatus-house"
NEW_NUMBER = "519-555-0199"


async def change_phone(admin: AdminClient, number: str = NEW_NUMBER) -> None:
    page = await admin.get(SERVICE)
    fields = form_fields(page.text, SERVICE)
    saved = await admin.post(SERVICE, with_values(fields, phones_0___number=number), csrf=False)
    assert saved.status_code == 303, saved.text[:1000]


def public_path(app, service_id: str = "hiatus-house") -> str:
    code = app.state.live.current.catalogue.by_id["services"][service_id].code
    return f"/s/{code}"


async def publish_form(admin: AdminClient) -> dict[str, str]:
    page = await admin.get("/admin/versions")
    assert page.status_code == 200
    fields = dict(form_fields(page.text, "/admin/publish"))
    assert "draft_hash" in fields, "the publish form is shown to a publisher"
    return fields


async def test_publish_the_draft_and_the_public_page_changes(app, admin, client):
    path = public_path(app)
    assert NEW_NUMBER not in (await client.get(path)).text
    await change_phone(admin)
    page = await admin.get("/admin/versions")
    assert "services: 1 changed" in page.text and "Hiatus House" in page.text
    fields = await publish_form(admin)
    fields["note"] = "New crisis line number"
    published = await admin.post("/admin/publish", fields, csrf=False)
    assert published.status_code == 303
    assert published.headers["location"] == "/admin/versions?published=2"
    assert NEW_NUMBER in (await client.get(path)).text
    latest = await app.state.store.latest_version()
    assert (latest.id, latest.published_by, latest.note) == (2, "pat", "New crisis line number")
    listing = await admin.get("/admin/versions")
    row = re.search(r'<tr data-version="2">.*?</tr>', listing.text, re.S)[0]
    assert "New crisis line number" in row and "pat" in row and "services: 1 changed" in row
    db = sqlite3.connect(app.state.settings.db_path)
    action, record_id, summary = db.execute(
        "SELECT action, record_id, summary FROM audit ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert (action, record_id) == ("publish", "2") and "hiatus-house" in summary


async def test_an_editor_cannot_publish(app, client, clock):
    await make_account(app, "eddie", "editor")
    editor = AdminClient(client)
    await editor.login("eddie")
    await change_phone(editor)
    page = await editor.get("/admin/versions")
    assert "Only publishers can publish" in page.text
    assert not form_fields(page.text, "/admin/publish")
    refused = await editor.post("/admin/publish", {"draft_hash": "x"})
    assert refused.status_code == 403
    assert (await editor.post("/admin/versions/1/rollback", {})).status_code == 403
    assert (await app.state.store.latest_version()).id == 1


async def test_a_draft_changed_since_review_is_not_published(app, admin):
    fields = await publish_form(admin)
    await change_phone(admin)  # someone saves after the publisher opened the page
    response = await admin.post("/admin/publish", fields, csrf=False)
    assert response.status_code == 409
    assert "The draft changed since you opened this page" in response.text
    assert (await app.state.store.latest_version()).id == 1


async def test_a_hostile_note_is_refused_and_nothing_published(app, admin):
    await change_phone(admin)
    for note in ["evil\u202etxt.exe", "bell\x07", "x" * 501]:
        fields = await publish_form(admin)
        fields["note"] = note
        response = await admin.post("/admin/publish", fields, csrf=False)
        assert response.status_code == 400, note
    assert (await app.state.store.latest_version()).id == 1


async def test_two_publishers_pressing_at_once_make_one_version(app, admin):
    await make_account(app, "quinn", "publisher")
    async with new_client(app, "127.0.0.2") as http:
        other = AdminClient(http)
        assert (await other.login("quinn")).status_code == 303
        await change_phone(admin)
        forms = [await publish_form(admin), await publish_form(other)]
        results = await asyncio.gather(
            admin.post("/admin/publish", forms[0], csrf=False),
            other.post("/admin/publish", forms[1], csrf=False),
        )
    assert [r.status_code for r in results] == [303, 303]
    assert [v.id for v in await app.state.store.list_versions()] == [2, 1]
    locations = sorted(r.headers["location"] for r in results)
    assert locations == ["/admin/versions?published=2", "/admin/versions?unchanged=2"]


async def test_roll_back_publishes_the_old_content_and_resets_the_draft(app, admin, client):
    path = public_path(app)
    old_number = app.state.live.current.catalogue.by_id["services"]["hiatus-house"].phones[0]
    await change_phone(admin)
    await admin.post("/admin/publish", await publish_form(admin), csrf=False)
    assert NEW_NUMBER in (await client.get(path)).text
    await change_phone(admin, "519-555-0188")  # an unpublished edit that rollback discards
    confirm = await admin.get("/admin/versions/1/rollback")
    assert confirm.status_code == 200
    assert "never published" in confirm.text and "Hiatus House" in confirm.text
    fields = dict(form_fields(confirm.text, "/admin/versions/1/rollback"))
    done = await admin.post("/admin/versions/1/rollback", fields, csrf=False)
    assert done.status_code == 303 and done.headers["location"] == "/admin/versions?published=3"
    versions = await app.state.store.list_versions()
    v1 = next(v for v in versions if v.id == 1)
    assert (versions[0].id, versions[0].rollback_of) == (3, 1)
    assert versions[0].content_hash == v1.content_hash
    html = (await client.get(path)).text
    assert old_number.number in html and NEW_NUMBER not in html
    draft = await app.state.store.get_record("services", "hiatus-house")
    assert draft.data["phones"][0]["number"] == old_number.number
    db = sqlite3.connect(app.state.settings.db_path)
    assert db.execute("SELECT count(*) FROM audit WHERE action = 'rollback'").fetchone() == (1,)


async def test_rolling_back_an_unknown_version_is_a_404(admin):
    assert (await admin.get("/admin/versions/99/rollback")).status_code == 404
    assert (await admin.post("/admin/versions/99/rollback", {})).status_code == 404
    assert (await admin.get("/admin/versions/99")).status_code == 404


async def test_preview_shows_the_draft_and_keeps_links_inside(app, admin, client):
    path = public_path(app)
    await change_phone(admin)
    preview = await admin.get("/admin/preview" + path)
    assert preview.status_code == 200
    assert NEW_NUMBER in preview.text
    assert NEW_NUMBER not in (await client.get(path)).text, "the public still sees the old one"
    assert preview.headers["cache-control"] == "no-store"
    assert "<script" not in preview.text
    assert "Preview of the draft" in preview.text
    links = re.findall(r'href="(/[^"]*)"', preview.text)
    assert links and all(
        link.startswith(("/admin/", "/static/", "/manifest.json")) for link in links
    ), links
    home = await admin.get("/admin/preview/")
    assert home.status_code == 200 and 'href="/admin/preview/fr/"' in home.text
    french = await admin.get("/admin/preview/fr" + path)
    assert french.status_code == 200 and 'lang="fr-CA"' in french.text
    qr = await admin.get("/admin/preview/qr/" + path.rsplit("/", 1)[1] + ".svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert (await admin.get("/admin/preview/s/ZZZZ")).status_code == 404


async def test_every_published_page_previews_as_published(app, admin):
    """The draft is the published version here, so each preview is that page exactly."""
    files = app.state.live.current.files.values()
    # English and the right-to-left language: French and Spanish are made the same way.
    pages = [
        f
        for f in files
        if f.content_type.startswith("text/html") and not f.path.startswith(("/fr/", "/es/"))
    ]
    paths = {f.path for f in pages}
    for lang in ("", "/ar"):
        assert {f"{lang}/pick", f"{lang}/list", f"{lang}/blank.html", f"{lang}/404"} <= paths
    for page in pages:
        preview = await admin.get("/admin/preview" + page.path)
        assert preview.status_code == 200, page.path
        assert preview.text == _preview_html(page.body.decode()), page.path


async def test_preview_needs_a_session(client):
    response = await client.get("/admin/preview/")
    assert response.status_code == 303 and "/admin/login" in response.headers["location"]


async def test_a_publish_that_fails_half_way_leaves_the_previous_version(app, admin, client):
    path = public_path(app)
    await change_phone(admin)
    # A real failure inside the publish transaction: the database refuses one file row.
    db = sqlite3.connect(app.state.settings.db_path)
    db.execute(
        "CREATE TRIGGER fail_publish BEFORE INSERT ON site_file WHEN NEW.path = '/about'"
        " BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    db.commit()
    fields = await publish_form(admin)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        same_admin = AdminClient(http)
        same_admin.cookie, same_admin.csrf = admin.cookie, admin.csrf
        failed = await same_admin.post("/admin/publish", fields, csrf=False)
    assert failed.status_code == 500
    assert [v.id for v in await app.state.store.list_versions()] == [1]
    assert db.execute("SELECT count(*) FROM site_file WHERE version_id = 2").fetchone() == (0,)
    published = db.execute("SELECT record_id FROM audit WHERE action = 'publish'").fetchall()
    assert published == [("1",)], "only the first start's publish is in the log"
    assert NEW_NUMBER not in (await client.get(path)).text
    draft = await app.state.store.get_record("services", "hiatus-house")
    assert draft.data["phones"][0]["number"] == NEW_NUMBER, "the draft edit is kept"
    db.execute("DROP TRIGGER fail_publish")
    db.commit()
    again = await admin.post("/admin/publish", await publish_form(admin), csrf=False)
    assert again.status_code == 303
    assert NEW_NUMBER in (await client.get(path)).text


async def test_a_locked_database_says_try_again_and_publishes_nothing(app, admin):
    await change_phone(admin)
    fields = await publish_form(admin)
    await app.state.store._writer.execute("PRAGMA busy_timeout=100")
    blocker = sqlite3.connect(app.state.settings.db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        response = await admin.post("/admin/publish", fields, csrf=False)
    finally:
        blocker.execute("ROLLBACK")
    assert response.status_code == 503 and "try again" in response.text
    assert response.headers["retry-after"]
    assert [v.id for v in await app.state.store.list_versions()] == [1]


async def test_audit_log_lists_and_filters(app, admin):
    await change_phone(admin)
    await admin.post("/admin/publish", await publish_form(admin), csrf=False)
    page = await admin.get("/admin/audit")
    assert page.status_code == 200
    actions = re.findall(r"<td>(login.success|update|publish)</td>", page.text)
    assert {"login.success", "update", "publish"} <= set(actions)
    only = await admin.get("/admin/audit", params={"action": "publish"})
    assert re.findall(r"<tr data-audit-id", only.text) and "<td>update</td>" not in only.text
    record = await admin.get(
        "/admin/audit", params={"kind": "services", "record_id": "hiatus-house"}
    )
    assert "519-555-0199" in record.text and "<td>publish</td>" not in record.text
    future = await admin.get("/admin/audit", params={"since": "2999-01-01"})
    assert "No entries match." in future.text
    bad = await admin.get("/admin/audit", params={"since": "yesterday"})
    assert bad.status_code == 400 and "Use a date like" in bad.text
    table = re.search(r"<table class=\"list\" data-audit>.*?</table>", page.text, re.S)[0]
    assert PASSWORD not in table and admin.csrf not in table and admin.cookie not in table


async def test_versions_published_before_summaries_were_recorded_still_say_what_changed(app, admin):
    store = app.state.store
    doc = await store.version_document(1)
    doc["services"][0]["alert"] = {"en": "Published by an older build"}

    theme = load_theme(app.state.settings.base_url)
    # An older build stored versions with no audit summary.
    await store.insert_version(
        doc,
        "f" * 64,
        actor="old build",
        note=None,
        expected_latest=1,
        build=theme.build,
        files=[],
        qr_new={},
    )
    listing = await admin.get("/admin/versions")
    row = re.search(r'<tr data-version="2">.*?</tr>', listing.text, re.S)[0]
    assert f"services: 1 changed ({doc['services'][0]['id']})" in row
