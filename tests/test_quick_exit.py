"""Quick exit's way out: the exit address and the neutral page saved for offline use."""

from __future__ import annotations

import re

import httpx
import pytest
from asgi_lifespan import LifespanManager

from server import share
from server.app import create_app
from server.publishing import publish_directory
from server.site import load_theme
from server.store import Store
from tests.conftest import edit_json

SITE_WORDS = [
    "Community information",
    "Renseignements communautaires",
    "معلومات مجتمعية",
    "Información comunitaria",
    "Quick exit",
    "911",
    "manifest",
    "<script",
    "icon.svg",
]


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "es"])
async def test_the_exit_address_sends_the_browser_to_the_neutral_site(client, lang):
    response = await client.get(share.exit_path(lang))
    assert response.status_code == 303
    assert response.headers["location"] == "https://weather.gc.ca/"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in response.headers


async def test_an_unknown_language_has_no_exit_address(client):
    assert (await client.get("/xx/blank")).status_code == 404


async def test_the_exit_address_follows_the_published_setting(seeded, catalogue_copy):
    edit_json(
        catalogue_copy / "site.json", lambda site: site.update(exit_url="https://www.google.ca/")
    )
    store = await Store(seeded.db_path).open()
    try:
        await publish_directory(
            store, load_theme(seeded.base_url), seeded, catalogue_copy, actor="test"
        )
    finally:
        await store.close()
    application = create_app(seeded)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            response = await c.get("/es/blank")
    assert response.status_code == 303
    assert response.headers["location"] == "https://www.google.ca/"


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "No internet connection"),
        ("fr", "Aucune connexion Internet"),
        ("ar", "لا يوجد اتصال بالإنترنت"),
        ("es", "Sin conexión a internet"),
    ],
)
async def test_the_neutral_page_says_nothing_about_this_site(client, lang, title):
    path = share.exit_page_path(lang)
    manifest = (await client.get("/api/offline.json")).json()
    assert path in [p for p, _ in manifest["files"][lang]], "saved for offline use"
    response = await client.get(path)
    assert response.status_code == 200
    html = response.text
    assert re.search(r"<title>(.*?)</title>", html)[1] == title
    for word in SITE_WORDS:
        assert word not in html, (lang, word)
    assert 'rel="icon" href="data:,"' in html, "no icon of ours, and no request for one"
    links = re.findall(r'href="([^"]+)"', html)
    assert share.exit_path(lang) in links, "Try again leaves through the exit address"
    allowed = (share.exit_path(lang), "data:,", "/static/gen/")
    assert all(link.startswith(allowed) for link in links), links
