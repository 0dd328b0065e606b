"""The JSON API: the published catalogue with strong ETags, and the version."""

from __future__ import annotations

import json


async def test_catalogue_has_a_strong_etag_and_revalidates(client, app):
    response = await client.get("/api/catalogue")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-cache"
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = await client.get("/api/catalogue", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = await client.get("/api/catalogue", headers={"if-none-match": '"nope"'})
    assert other.status_code == 200


async def test_catalogue_is_compressed_when_accepted(client):
    plain = await client.get("/api/catalogue", headers={"accept-encoding": "identity"})
    gz = await client.get("/api/catalogue", headers={"accept-encoding": "gzip"})
    br = await client.get("/api/catalogue", headers={"accept-encoding": "gzip, br"})
    assert "content-encoding" not in plain.headers
    assert gz.headers["content-encoding"] == "gzip"
    assert br.headers["content-encoding"] == "br"
    assert gz.json() == br.json() == plain.json()
    assert int(br.headers["content-length"]) < len(plain.content) / 4


async def test_catalogue_is_the_public_view(client):
    doc = (await client.get("/api/catalogue")).json()
    assert doc["format"] == "cares-catalogue/1"
    assert len(doc["services"]) == 42
    text = json.dumps(doc)
    assert '"attention"' not in text and '"notes"' not in text
    for service in doc["services"]:
        if service["confidential_location"]:
            assert service["addresses"] == []
    checked = [r["verified"] for k in ("services", "videos") for r in doc[k] if r["verified"]]
    assert checked and all(list(v) == ["on"] for v in checked), "who checked stays private"


async def test_version(client, app):
    response = await client.get("/api/version")
    assert response.headers["cache-control"] == "no-cache"
    data = response.json()
    assert data["version"] == 1
    assert len(data["content_hash"]) == 64
    assert data["published_at"].endswith("Z")
    manifest = await client.get(data["offline_manifest"]["url"])
    assert manifest.headers["etag"] == f'"{data["offline_manifest"]["etag"]}"'


async def test_healthz(client):
    response = await client.get("/healthz")
    data = response.json()
    assert data["ok"] is True and data["version"] == 1
    assert isinstance(data["worker"], int)
    assert response.headers["cache-control"] == "no-store"
