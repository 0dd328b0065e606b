"""Drive the admin over real HTTP as a browser would: session cookie, Origin, CSRF token."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

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

    async def head(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = self.headers(kwargs.pop("headers", None), origin=False)
        return await self.http.head(path, headers=headers, **kwargs)

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
            # Repeated names in order, as a browser sends a form.
            fields = [*data, ("csrf", self.csrf)] if csrf else data
            kwargs["content"] = urlencode(fields)
            extra = {"content-type": "application/x-www-form-urlencoded", **(headers or {})}
            response = await self.http.post(path, headers=self.headers(extra), **kwargs)
        else:
            form = {**(data or {}), **({"csrf": self.csrf} if csrf else {})}
            response = await self.http.post(
                path, data=form, headers=self.headers(headers), **kwargs
            )
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


class _FormReader(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._select_value = a.get("name"), None
        elif tag == "option" and self._select is not None:
            # The selected option, or else the first one, as a browser sends it.
            if "selected" in a or self._select_value is None:
                self._select_value = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_fields(html: str, action: str) -> list[tuple[str, str]]:
    """What a browser would submit from the form posting to `action`, unchanged."""
    reader = _FormReader(action)
    reader.feed(html)
    return reader.fields


def with_values(fields: list[tuple[str, str]], **changes: str) -> list[tuple[str, str]]:
    """The same fields with some values replaced (keys use __ for '.', _I_ for '[I]')."""
    wanted = {_name(k): v for k, v in changes.items()}
    out = [(n, wanted.get(n, v)) for n, v in fields]
    present = {n for n, _ in fields}
    return out + [(n, v) for n, v in wanted.items() if n not in present]


def _name(key: str) -> str:
    return re.sub(r"_(\d+)_", r"[\1]", key).replace("__", ".")
