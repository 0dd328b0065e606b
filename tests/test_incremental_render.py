"""A publish renders again only the pages whose inputs changed, and the site it
stores is byte for byte the one a full render makes."""

from __future__ import annotations

import sqlite3

import pytest

from server.catalogue import build_catalogue
from server.publishing import publish_document
from server.site import Renderer
from server.store import RENDERS_KEPT


def change_service(doc: dict, service_id: str = "hiatus-house") -> None:
    service = next(s for s in doc["services"] if s["id"] == service_id)
    service["description"]["en"] += " Changed."


def change_listed_service(doc: dict) -> None:
    """A service that is not one of the lines on every page."""
    change_service(doc, "legal-assistance-of-windsor")


def change_video(doc: dict) -> None:
    doc["videos"][0]["summary"]["en"] = "What this agency does, in two minutes."


def change_need_name(doc: dict) -> None:
    need = next(n for n in doc["needs"] if n["id"] == "human-trafficking")
    need["name"]["en"] = "Trafficking of people"


def change_site(doc: dict) -> None:
    doc["site"]["share_message"]["en"] = "A link for you:"


def close_service(doc: dict) -> None:
    service = next(s for s in doc["services"] if s["id"] == "hiatus-house")
    service["status"] = "inactive"


async def full_render(app, version_id: int) -> dict[str, bytes]:
    state = app.state
    doc = await state.store.version_document(version_id)
    catalogue = build_catalogue(doc)
    renderer = Renderer(catalogue, state.theme, {})
    renderer.qr_cache = await state.store.qr_svgs(renderer.qr_texts())
    renderer.media = await state.store.media_files(renderer.media_names())
    return {f.path: f.body for f in renderer.render(version_id, catalogue.content_hash)}


CHANGES = [
    change_service,
    change_listed_service,
    change_video,
    change_need_name,
    change_site,
    close_service,
]


@pytest.mark.parametrize("change", CHANGES)
async def test_a_publish_stores_exactly_what_a_full_render_makes(app, change):
    state = app.state
    doc = await state.store.draft_document()
    change(doc)
    result = await publish_document(state.store, state.theme, state.settings, doc, actor="t")
    assert result.created
    stored = await state.store.site_files(result.version.id, state.theme.build)
    assert {f.path: f.body for f in stored} == await full_render(app, result.version.id)


async def test_only_the_pages_a_change_touches_are_rendered_again(app):
    state = app.state
    latest = await state.store.latest_version()
    earlier = await state.store.render_inputs(latest.id, state.theme.build)
    doc = await state.store.draft_document()
    change_listed_service(doc)
    catalogue = build_catalogue(doc)
    renderer = Renderer(catalogue, state.theme, await state.store.qr_svgs([]))
    files = renderer.render(latest.id + 1, catalogue.content_hash, earlier)
    pages = [f for f in files if f.content_type.startswith("text/html")]
    again = {f.path for f in pages if f.body is not None}
    code = catalogue.by_id["services"]["legal-assistance-of-windsor"].code
    # The service's own page in every language, the pages that list it, and no other.
    assert {f"/s/{code}", f"/fr/s/{code}", "/find", "/fr/find", "/pick"} <= again
    assert len(again) < len(pages) / 5, (len(again), len(pages))
    # A change to a line shown on every page renders every page again.
    hotline = next(s for s in doc["services"] if s["id"] == "hiatus-house")
    hotline["name"]["en"] = "Hiatus House shelter"
    catalogue = build_catalogue(doc)
    renderer = Renderer(catalogue, state.theme, await state.store.qr_svgs([]))
    every = renderer.render(latest.id + 1, catalogue.content_hash, earlier)
    assert all(f.body is not None for f in every if f.content_type.startswith("text/html"))
    untouched = catalogue.by_id["services"]["hiatus-house"].code
    assert f"/s/{untouched}" not in again


async def test_a_first_render_has_nothing_to_reuse(app):
    state = app.state
    doc = await state.store.draft_document()
    catalogue = build_catalogue(doc)
    files = Renderer(catalogue, state.theme, {}).render(9, catalogue.content_hash, {})
    assert all(f.body is not None for f in files)


async def test_old_renders_are_dropped_and_every_kept_body_stays(app, seeded):
    """Pages reused from a version whose render is later dropped keep their bodies."""
    state = app.state
    doc = await state.store.draft_document()
    service = next(s for s in doc["services"] if s["id"] == "legal-assistance-of-windsor")
    for n in range(RENDERS_KEPT + 2):
        service["description"]["en"] = f"Legal help, take {n}."
        result = await publish_document(state.store, state.theme, state.settings, doc, actor="t")
        assert result.created
    with sqlite3.connect(seeded.db_path) as db:
        rows = dict(db.execute("SELECT version_id, count(*) FROM site_file GROUP BY version_id"))
        kept = sorted(rows)
        unused = db.execute(
            "SELECT count(*) FROM blob WHERE hash NOT IN (SELECT hash FROM site_file)"
        ).fetchone()[0]
    assert kept == list(range(result.version.id - RENDERS_KEPT + 1, result.version.id + 1))
    assert unused == 0
    # Every file of every kept version still has its body (a file without one would
    # be missing from site_files, which joins them).
    for version_id in kept:
        files = await state.store.site_files(version_id, state.theme.build)
        assert len(files) == rows[version_id]
    assert {f.path: f.body for f in files} == await full_render(app, result.version.id)
