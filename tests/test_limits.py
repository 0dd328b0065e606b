"""Limits that hold on every route: body size before parsing, known Host headers."""

from __future__ import annotations

import httpx
import pytest
from asgi_lifespan import LifespanManager

from server.app import create_app
from server.settings import SettingsError, load_settings


@pytest.fixture
async def small_limit_client(seeded):
    app = create_app(seeded.with_(max_body_bytes=1000))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_declared_body_over_the_limit_is_refused_before_parsing(small_limit_client):
    response = await small_limit_client.post("/find", content=b"x" * 1001)
    assert response.status_code == 413
    assert "limit is 1000 bytes" in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_chunked_body_over_the_limit_is_refused(small_limit_client):
    async def chunks():
        for _ in range(5):
            yield b"y" * 400

    response = await small_limit_client.post("/find", content=chunks())
    assert response.status_code == 413


async def test_body_within_the_limit_passes_through(small_limit_client):
    response = await small_limit_client.post("/find", content=b"x" * 100)
    assert response.status_code == 405  # reached the route, which takes GET only


async def test_a_malformed_content_length_is_refused(small_limit_client):
    request = small_limit_client.build_request("POST", "/find", content=b"x")
    request.headers["content-length"] = "12abc"
    response = await small_limit_client.send(request)
    assert response.status_code == 413


async def test_unknown_host_is_refused(client):
    response = await client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response.headers["content-security-policy"]
    assert (await client.get("/", headers={"host": "testserver"})).status_code == 200


def test_settings_read_lists_and_numbers():
    settings = load_settings(
        {
            "CARES_BASE_URL": "https://help.example.org",
            "CARES_ALLOWED_HOSTS": "help.example.org, www.help.example.org",
            "CARES_TRUSTED_PROXIES": "10.0.0.2",
            "CARES_WORKERS": "4",
        }
    )
    assert settings.https and settings.workers == 4
    assert settings.host_names == ["help.example.org", "www.help.example.org"]
    assert settings.trusted_proxies == ("10.0.0.2",)
    with pytest.raises(SettingsError, match="CARES_WORKERS"):
        load_settings({"CARES_WORKERS": "many"})
    with pytest.raises(SettingsError, match="origin only"):
        load_settings({"CARES_BASE_URL": "https://help.example.org/path"})
