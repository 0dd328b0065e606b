"""Security headers on every response, and no cookie on any public one."""

from __future__ import annotations

import pytest

REQUIRED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def check(response) -> None:
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (response.url, name)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "style-src 'self'" in csp
    assert "http:" not in csp and "https:" not in csp, "no third-party origin"
    policy = response.headers["permissions-policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
    assert "set-cookie" not in response.headers


async def all_public_paths(client) -> list[str]:
    manifest = (await client.get("/api/offline.json")).json()
    return [path for group in manifest["files"].values() for path, _ in group]


async def test_headers_on_every_public_file(client):
    paths = await all_public_paths(client)
    assert "/manifest.json" in paths and "/api/catalogue" in paths
    for path in [*paths, "/api/version", "/api/offline.json", "/healthz", "/find?q=x"]:
        check(await client.get(path))


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/s/ZZZZ", 404),
        ("GET", "/api/nothing", 404),
        ("POST", "/", 405),
        ("GET", "/s/abcd", 404),
    ],
)
async def test_headers_on_errors(client, method, path, status):
    response = await client.request(method, path)
    assert response.status_code == status
    check(response)


async def test_headers_and_error_page_on_a_server_error(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("server.routes.public.render_search", broken)
    import httpx

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        response = await c.get("/find?q=x")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "boom" not in response.text
    check(response)
