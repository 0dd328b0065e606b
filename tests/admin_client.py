"""Drive the admin over real HTTP as a browser would: session cookie, Origin, CSRF token."""

from __future__ import annotations

import re
from typing import Any

import httpx

from server.sessions import COOKIE

ORIGIN = "http://testserver"
PASSWORD = "lantern orchard kettle"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def cookie_from(response: httpx.Response) -> str | None:
    """The session cookie a response sets ("" when it clears it), None when it sets none."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == COOKIE:
            return rest.split(";")[0].strip('"')
    return None


class AdminClient:
    """httpx keeps Secure cookies away from http://testserver, so the cookie is carried here."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.cookie: str | None = None
        self.csrf = ""

    def headers(self, extra: dict[str, str] | None = None, origin: bool = True) -> dict[str, str]:
        headers = {"sec-fetch-site": "same-origin", "origin": ORIGIN} if origin else {}
        if self.cookie:
            headers["cookie"] = f"{COOKIE}={self.cookie}"
        return headers | (extra or {})

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = self.headers(kwargs.pop("headers", None), origin=False)
        return await self.http.get(path, headers=headers, **kwargs)

    async def post(
        self,
        path: str,
        data: dict[str, Any] | list[tuple[str, str]] | None = None,
        *,
        csrf: bool = True,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        if isinstance(data, list):
            fields = [*data, ("csrf", self.csrf)] if csrf else data
        else:
            fields = {**(data or {}), **({"csrf": self.csrf} if csrf else {})}
        response = await self.http.post(path, data=fields, headers=self.headers(headers), **kwargs)
        if (cookie := cookie_from(response)) is not None:
            self.cookie = cookie or None
        return response

    async def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        response = await self.post(
            "/admin/login", {"username": username, "password": password}, csrf=False
        )
        if response.status_code == 303:
            await self.refresh_csrf()
        return response

    async def refresh_csrf(self) -> None:
        page = await self.get("/admin/password")
        match = _CSRF.search(page.text)
        assert match, page.text[:500]
        self.csrf = match[1]
