"""What the server gives the offline app: the set, the worker, the app manifest."""

from __future__ import annotations

import hashlib
import io
import json
import re

import httpx
from asgi_lifespan import LifespanManager
from PIL import Image

from server.app import create_app
from server.settings import load_settings
from tests.conftest import BASE_URL


async def offline_manifest(client) -> dict:
    return (await client.get("/api/offline.json")).json()


async def test_the_offline_set_is_every_public_file_and_nothing_else(client, app):
    manifest = await offline_manifest(client)
    common = {path for path, _ in manifest["files"]["common"]}
    english = {path for path, _ in manifest["files"]["en"]}
    assert set(manifest["files"]) == {"common", *manifest["languages"]}
    assert manifest["languages"] == ["en", "fr", "ar", "es"]
    assert {"/", "/numbers", "/find", "/about", "/offline"} <= english
    catalogue = app.state.live.current.catalogue
    for code in catalogue.by_code:
        assert {f"/s/{code}", f"/qr/{code}.svg"} <= english
    for lang in ("fr", "ar", "es"):
        group = {path for path, _ in manifest["files"][lang]}
        assert {f"/{lang}/", f"/{lang}/numbers", f"/{lang}/find", f"/{lang}/offline"} <= group
        assert {p.replace(f"/{lang}/", "/", 1) for p in group} == english
    assert "/api/catalogue" in common and "/manifest.json" in common
    assert {p for p in common if p.startswith("/static/gen/")} == {
        app.state.theme.assets.css.url,
        app.state.theme.assets.js.url,
    }
    assert {p for p in common if p.startswith("/static/icons/")} >= {
        "/static/icons/icon-192.png",
        "/static/icons/icon-512.png",
        "/static/icons/maskable-192.png",
        "/static/icons/maskable-512.png",
        "/static/icons/apple-touch-icon.png",
    }
    everything = {path for group in manifest["files"].values() for path, _ in group}
    assert not everything & {"/service-worker.js", "/api/offline.json", "/api/version", "/404"}
    assert not [p for p in everything if p.startswith("/admin") or "?" in p]


async def test_every_entry_is_served_with_the_hash_it_is_listed_with(client):
    manifest = await offline_manifest(client)
    for group in manifest["files"].values():
        for path, digest in group:
            response = await client.get(path)
            assert response.status_code == 200, path
            assert hashlib.sha256(response.content).hexdigest()[:32] == digest, path
            assert response.headers["etag"] == f'"{digest}"', path


async def test_the_worker_script_is_served_for_the_whole_site(client):
    response = await client.get("/service-worker.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert "addEventListener('fetch'" in response.text


async def test_the_app_manifest(client):
    response = await client.get("/manifest.json")
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["id"] == "/" and manifest["scope"] == "/"
    assert manifest["start_url"] == "/?source=pwa"
    assert manifest["display"] == "standalone"
    assert manifest["short_name"] == "Info", "a neutral name on the home screen"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    sizes = {}
    for icon in manifest["icons"]:
        if icon["type"] != "image/png":
            continue
        image = Image.open(io.BytesIO((await client.get(icon["src"])).content))
        assert f"{image.width}x{image.height}" == icon["sizes"], icon["src"]
        sizes.setdefault(icon["purpose"], set()).add(icon["sizes"])
    assert sizes == {"any": {"192x192", "512x512"}, "maskable": {"192x192", "512x512"}}
    assert {s["url"] for s in manifest["shortcuts"]} == {"/numbers", "/find"}
    page = (await client.get("/")).text
    assert '<link rel="manifest" href="/manifest.json">' in page
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in page
    assert "data-offline-status" in page and "data-saving=" in page


async def test_the_saved_search_page_carries_every_result_card(client, app):
    catalogue = app.state.live.current.catalogue
    searchable = (
        len(catalogue.needs)
        + len([s for s in catalogue.services if s.status != "inactive"])
        + len(catalogue.videos)
    )
    page = (await client.get("/find")).text
    cards = re.findall(r'<template data-card="([0-9A-Z]+)">', page)
    assert len(cards) == len(set(cards)) == searchable
    counts = json.loads(re.search(r"data-counts='([^']*)'", page)[1])
    assert len(counts) == 51 and counts[:3] == ["0 results", "1 result", "2 results"]
    assert 'data-none="Nothing matches “{query}”.' in page
    dynamic = (await client.get("/find?q=shelter")).text
    assert "data-search-offline" not in dynamic and "results</p>" in dynamic


def test_fail_paths_are_read_from_the_environment():
    assert load_settings({}).test_fail_paths == ()
    settings = load_settings({"CARES_TEST_FAIL_PATHS": "/s/ABCD, /numbers,"})
    assert settings.test_fail_paths == ("/s/ABCD", "/numbers")


async def test_the_server_fails_only_the_paths_it_is_told_to(seeded):
    app = create_app(seeded.with_(test_fail_paths=("/numbers",)))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            failing = await client.get("/numbers")
            assert failing.status_code == 500
            assert failing.headers["x-content-type-options"] == "nosniff"
            assert (await client.get("/")).status_code == 200
            assert (await client.get("/about")).status_code == 200
