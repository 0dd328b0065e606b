"""Import and export through the admin: round trips, HSDS, and hostile files refused whole."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from server.hsds import hsds_id, hsds_problems
from server.store.drafts import draft_hash
from tests.admin_client import AdminClient, form_fields
from tests.conftest import make_account

HSDS_EXAMPLES = Path(__file__).parent / "data" / "hsds"


async def upload(admin: AdminClient, body: bytes, fmt: str = "auto", name: str = "c.json"):
    return await admin.post(
        "/admin/import",
        {"format": fmt},
        files={"file": (name, body, "application/json")},
    )


async def apply_report(admin: AdminClient, report_html: str):
    action = re.search(r'action="(/admin/import/[^"]+/apply)"', report_html)[1]
    return await admin.post(action, dict(form_fields(report_html, action)), csrf=False)


def pending_count(app) -> int:
    db = sqlite3.connect(app.state.settings.db_path)
    return db.execute("SELECT count(*) FROM pending_import").fetchone()[0]


async def test_cares_json_round_trips_exactly(app, admin):
    exported = await admin.get("/admin/export/cares-draft.json")
    assert exported.status_code == 200
    assert exported.headers["cache-control"] == "no-store"
    assert "attachment" in exported.headers["content-disposition"]
    draft = await app.state.store.draft_document()
    assert json.loads(exported.content) == draft
    before = {r.id: r.revision for r in await app.state.store.list_records("services")}
    report = await upload(admin, exported.content)
    assert report.status_code == 200, report.text[:2000]
    assert "no changes" in report.text
    assert (await apply_report(admin, report.text)).status_code == 303
    assert await app.state.store.draft_document() == draft
    after = {r.id: r.revision for r in await app.state.store.list_records("services")}
    assert after == before, "an identical import writes no new revision"


async def test_a_cares_import_shows_its_changes_then_applies(app, admin):
    doc = json.loads((await admin.get("/admin/export/cares-draft.json")).content)
    doc["services"][0]["alert"] = {"en": "Phones down until noon"}
    gone = doc["videos"].pop(0)
    for collection in doc["collections"]:
        collection["items"] = [i for i in collection["items"] if i["id"] != gone["id"]]
    report = await upload(admin, json.dumps(doc).encode())
    assert report.status_code == 200
    summary = re.search(r"data-import-summary>(.*?)</p>", report.text)[1]
    assert "services: 1 changed" in summary and "videos: 1 removed" in summary
    unchanged = await app.state.store.draft_document()
    assert unchanged["services"][0].get("alert") is None, "nothing applied before confirming"
    assert (await apply_report(admin, report.text)).status_code == 303
    draft = await app.state.store.draft_document()
    assert draft["services"][0]["alert"] == {"en": "Phones down until noon"}
    assert len(draft["videos"]) == len(unchanged["videos"]) - 1
    db = sqlite3.connect(app.state.settings.db_path)
    action, summary_json = db.execute(
        "SELECT action, summary FROM audit ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert action == "import" and "videos: 1 removed" in summary_json
    assert pending_count(app) == 0


async def test_hsds_export_is_valid_hsds_and_never_holds_a_confidential_address(app, admin):
    for source in ("draft", "published"):
        response = await admin.get(f"/admin/export/hsds-{source}.json")
        assert response.status_code == 200
        export = json.loads(response.content)
        assert hsds_problems(export) == []
        catalogue = app.state.live.current.catalogue
        services = {hsds_id("service", s.id): s for s in catalogue.services}
        exported = [s for org in export["organizations"] for s in org["services"]]
        assert len(exported) == len(catalogue.services)
        located = {
            loc["name"] for org in export["organizations"] for loc in org.get("locations", [])
        }
        hidden = [s for s in catalogue.services if s.confidential_location or "shelter" in s.needs]
        assert hidden, "the default catalogue has shelters and confidential locations"
        assert not {s.name["en"] for s in hidden} & located
        assert sum(len(s.public_addresses) for s in services.values()) == sum(
            len(org.get("locations", [])) for org in export["organizations"]
        )


async def test_our_hsds_export_imports_back_as_no_change(app, admin):
    export = (await admin.get("/admin/export/hsds-draft.json")).content
    report = await upload(admin, export, fmt="hsds")
    assert report.status_code == 200, report.text[:2000]
    assert re.search(r"data-import-summary>no changes</p>", report.text)


@pytest.mark.parametrize(
    "example", ["examples_service_full.json", "examples_organization_full.json"]
)
async def test_the_official_hsds_examples_import(app, admin, example):
    report = await upload(admin, (HSDS_EXAMPLES / example).read_bytes())
    assert report.status_code == 200, report.text[:3000]
    assert "services: 1 added" in report.text and "organizations: 1 added" in report.text
    assert "http://example.com/counselling is not an https address" in report.text
    assert (await apply_report(admin, report.text)).status_code == 303
    service = await app.state.store.get_record("services", "ac148810-d857-441c-9679-408f346de14b")
    data = service.data
    assert data["name"] == {"en": "Community Counselling"}
    assert data["phones"][0]["number"] == "+44 1234 234567"
    assert data["phones"][0]["extension"] == "100"
    assert data["url"] is None and data["verified"] == {
        "on": "2005-01-01",
        "by": "email@example.com",
    }
    assert data["languages"] == {"en": ["Urdu"]}
    assert re.fullmatch(r"[23456789BCDFGHJKMNPQRSTVWXYZ]{4}", data["code"])
    assert any("check every fact" in note for note in data["attention"])
    home = await admin.get("/admin/")
    assert "Community Counselling" in home.text, "imported facts are listed to be checked"


HOSTILE = [
    (b"", "the file is empty"),
    (b"\xff\xfe{}", "is not UTF-8 text"),
    (b'{"format": "cares-catalogue/1",', "is not valid JSON"),
    (b'{"a": 1, "a": 2}', "appears twice"),
    (b'{"x": NaN}', "NaN is not a number JSON allows"),
    (b"[" * 5000 + b"]" * 5000, "nested more than"),
    (b'{"x": ' + b"9" * 5000 + b"}", "cannot hold"),
    (b'"just a string"', "every organization and service needs an id and a name"),
    (b'{"format": "cares-catalogue/1"}', "is required"),
    (b"{}", "holds no organizations and no services"),
]


@pytest.mark.parametrize(("body", "message"), HOSTILE)
async def test_hostile_files_are_refused_and_nothing_changes(app, admin, body, message):
    before = draft_hash(await app.state.store.draft_document())
    response = await upload(admin, body)
    assert response.status_code == 400
    assert message in response.text, response.text[:3000]
    assert "Nothing was imported" in response.text
    assert draft_hash(await app.state.store.draft_document()) == before
    assert pending_count(app) == 0


def _break(doc: dict, how: str) -> str:
    """Break an exported document one way; return what the refusal must name."""
    if how == "duplicate id":
        doc["services"].append(dict(doc["services"][0], code="ZZZZ"))
        return f"services/{doc['services'][0]['id']} id: is used by 2 records"
    if how == "missing reference":
        doc["services"][1]["needs"] = ["no-such-need"]
        return f"services/{doc['services'][1]['id']} needs[0]: no need has the id 'no-such-need'"
    if how == "http url":
        doc["services"][2]["url"] = "http://example.org/"
        return f"services/{doc['services'][2]['id']} url"
    if how == "javascript url":
        doc["organizations"][0]["url"] = "javascript:alert(1)"
        return f"organizations/{doc['organizations'][0]['id']} url"
    if how == "wrong type":
        doc["services"][3]["phones"] = "none"
        return f"services/{doc['services'][3]['id']} phones: must be a list"
    if how == "bidi override":
        doc["services"][4]["name"]["en"] = "Help \u202eenil"
        return "contains a bidirectional override character"
    if how == "code taken":
        doc["services"][5]["code"] = doc["services"][6]["code"]
        return f"services/{doc['services'][5]['id']} code"
    if how == "code changed":
        doc["services"][7]["code"] = "ZZZZZ"
        return f"services/{doc['services'][7]['id']} code: was published as"
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "duplicate id",
        "missing reference",
        "http url",
        "javascript url",
        "wrong type",
        "bidi override",
        "code taken",
        "code changed",
    ],
)
async def test_an_invalid_catalogue_import_names_the_record_and_field(app, admin, how):
    doc = json.loads((await admin.get("/admin/export/cares-draft.json")).content)
    expected = _break(doc, how)
    before = draft_hash(await app.state.store.draft_document())
    response = await upload(admin, json.dumps(doc).encode())
    assert response.status_code == 400, response.text[:2000]
    assert expected in response.text.replace("&#39;", "'"), response.text[:4000]
    assert draft_hash(await app.state.store.draft_document()) == before


async def test_an_oversized_upload_is_refused_before_parsing(app, admin):
    limit = app.state.settings.max_body_bytes
    response = await upload(admin, b" " * (limit + 1))
    assert response.status_code == 413
    assert pending_count(app) == 0


async def test_a_report_made_stale_by_an_edit_is_not_applied(app, admin):
    doc = json.loads((await admin.get("/admin/export/cares-draft.json")).content)
    doc["services"][0]["alert"] = {"en": "From the import"}
    report = await upload(admin, json.dumps(doc).encode())
    record = await app.state.store.get_record("needs", "shelter")
    edited = {**record.data, "featured": not record.data.get("featured", False)}
    await app.state.store.save_record(
        "needs",
        "shelter",
        edited,
        expected_revision=record.revision,
        actor="someone",
        check=lambda d: None,
    )
    stale = await apply_report(admin, report.text)
    assert stale.status_code == 409 and "The draft changed after this report" in stale.text
    draft = await app.state.store.draft_document()
    assert draft["services"][0].get("alert") is None
    assert (await app.state.store.get_record("needs", "shelter")).data == edited


async def test_an_import_applies_once_and_only_for_its_uploader(app, admin, client, clock):
    doc = json.loads((await admin.get("/admin/export/cares-draft.json")).content)
    doc["services"][0]["alert"] = {"en": "Once"}
    report = await upload(admin, json.dumps(doc).encode())
    await make_account(app, "eddie", "editor")
    other = AdminClient(client)
    other.cookie, other.csrf = None, ""
    await other.login("eddie")
    action = re.search(r'action="(/admin/import/[^"]+/apply)"', report.text)[1]
    assert (await other.post(action, {})).status_code == 409
    assert (await app.state.store.draft_document())["services"][0].get("alert") is None
    assert (await apply_report(admin, report.text)).status_code == 303
    assert (await apply_report(admin, report.text)).status_code == 409


async def test_import_and_export_need_a_session(client):
    assert (await client.get("/admin/export/cares-draft.json")).status_code == 303
    refused = await client.post(
        "/admin/import",
        files={"file": ("c.json", b"{}", "application/json")},
        headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
    )
    assert refused.status_code == 403


async def test_unknown_export_is_a_404(admin):
    assert (await admin.get("/admin/export/secrets.json")).status_code == 404


MALFORMED_HSDS = [
    {"organizations": 5},
    {"services": [1]},
    {"id": "x", "name": "Org", "description": "", "services": "many"},
    {"id": "s", "name": "S", "status": "active", "phones": 5},
    {"id": "s", "name": "S", "status": "active", "attributes": [1]},
    {"id": "s", "name": "S", "status": "active", "schedules": {"a": 1}},
    {"id": "s", "name": "S", "status": "active", "languages": "en"},
    {"id": "s", "name": "S", "status": "active", "metadata": 5},
    {"id": "s", "name": "S", "status": "active", "service_at_locations": 5},
    {"id": "o", "name": "O", "description": "", "locations": 5},
    {
        "id": "s",
        "name": "S",
        "status": "active",
        "service_at_locations": [{"location": {"id": "l", "addresses": 5}}],
    },
]


@pytest.mark.parametrize("data", MALFORMED_HSDS)
async def test_malformed_hsds_is_refused_clearly(app, admin, data):
    before = draft_hash(await app.state.store.draft_document())
    response = await upload(admin, json.dumps(data).encode(), fmt="hsds")
    assert response.status_code == 400, response.text[:2000]
    assert "must be a list of objects" in response.text or "needs an id and a name" in response.text
    assert draft_hash(await app.state.store.draft_document()) == before


async def test_an_unpaired_surrogate_in_an_import_is_refused(app, admin):
    doc = json.loads((await admin.get("/admin/export/cares-draft.json")).content)
    body = json.dumps(doc).replace('"Hiatus House"', '"Hiatus \\ud800House"', 1).encode()
    response = await upload(admin, body)
    assert response.status_code == 400 and "invisible character (U+D800)" in response.text


def hsds_service(service_id: str, term: str, address: str) -> dict:
    return {
        "id": service_id,
        "name": "Safe place",
        "status": "active",
        "organization": {"id": "hiatus-house", "name": "Hiatus House", "description": ""},
        "attributes": [{"id": "a", "taxonomy_term": {"id": "t", "code": term, "name": term}}],
        "service_at_locations": [
            {
                "id": "sal",
                "location": {
                    "id": "loc",
                    "location_type": "physical",
                    "addresses": [
                        {
                            "id": "ad",
                            "address_1": address,
                            "city": "Windsor",
                            "state_province": "ON",
                            "postal_code": "N9A 1A1",
                            "country": "CA",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
    }


async def test_an_import_never_publishes_an_address(app, admin, client):
    # An existing shelter re-tagged by the import keeps "shelter"; a new record
    # that only calls itself a shelter does not get its address published either.
    shelter = next(s for s in app.state.live.current.catalogue.services if "shelter" in s.needs)
    data = [
        hsds_service(hsds_id("service", shelter.id), "crisis-lines", "1 Exposed Street"),
        hsds_service("new-safe-place", "emergency-shelter", "2 Hidden Lane"),
    ]
    report = await upload(admin, json.dumps(data).encode(), fmt="hsds")
    assert report.status_code == 200, report.text[:3000]
    assert "Address in the import, not published: 2 Hidden Lane" in report.text
    assert "never published" in report.text
    assert (await apply_report(admin, report.text)).status_code == 303
    old = (await app.state.store.get_record("services", shelter.id)).data
    new = (await app.state.store.get_record("services", "new-safe-place")).data
    assert "shelter" in old["needs"] and old["addresses"] == []
    assert new["addresses"] == []
    assert any("2 Hidden Lane" in note for note in new["attention"])
    export = (await admin.get("/admin/export/hsds-draft.json")).text
    assert "Exposed" not in export and "Hidden Lane" not in export


async def test_the_report_shows_each_changed_field(app, admin):
    doc = json.loads((await admin.get("/admin/export/cares-draft.json")).content)
    service = doc["services"][0]
    service["alert"] = {"en": "Closed for the holiday"}
    report = await upload(admin, json.dumps(doc).encode())
    block = re.search(
        rf'<details data-import-fields="services/{service["id"]}".*?</details>', report.text, re.S
    )[0]
    assert "<code>alert</code>" in block and "Closed for the holiday" in block
