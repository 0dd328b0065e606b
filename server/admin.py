"""What every admin page shares: templates, the signed-in check, CSRF, forms."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from server.accounts import ROLE_NAMES, Role
from server.assets import admin_css
from server.catalogue import LANGUAGES, RTL_LANGUAGES
from server.forms import MAX_DIGITS, rows_for_form
from server.record_forms import display_name
from server.sessions import csrf_ok, load_session, same_origin
from server.store import Store
from server.store.accounts import Session

TEMPLATES = Path(__file__).resolve().parent.parent / "pwa" / "templates" / "admin"
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية", "es": "Español"}
# python-multipart's own bounds, under the byte limit the boundary already applies.
MAX_FIELDS = 5000
MAX_FILES = 2
View = Callable[[Request], Awaitable[Response]]


class RowId(Convertor[int]):
    """`{id:rowid}`: a database id in an address. A number too long for SQLite
    matches no route, so it is a 404 rather than an overflow deep in the store."""

    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


# Registered here, where every admin route module imports from, before any route is built.
register_url_convertor("rowid", RowId())


class Forbidden(HTTPException):
    def __init__(self, message: str) -> None:
        super().__init__(403, message)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        languages=LANGUAGES,
        language_names=LANGUAGE_NAMES,
        rtl=RTL_LANGUAGES,
        role_names=ROLE_NAMES,
        when=_when,
        rows_for_form=rows_for_form,
        display_name=display_name,
    )
    return env


def _when(value: str | float | None) -> str:
    """A UTC time stamp as admins read it: '2026-12-03 19:47 UTC'."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value, UTC).isoformat()
    return value.replace("T", " ")[:16] + " UTC"


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    session: Session | None = getattr(request.state, "session", None)
    ctx = {
        "request": request,
        "account": session.account if session else None,
        "csrf": session.csrf_token if session else "",
        "css": admin_css().url,
        "path": request.url.path,
        **context,
    }
    body = environment().get_template(template).render(ctx)
    return HTMLResponse(body, status_code=status)


def store_of(request: Request) -> Store:
    return request.app.state.store


def redirect(url: str) -> RedirectResponse:
    # 303: after a POST the browser fetches the next page with GET.
    return RedirectResponse(url, status_code=303)


async def read_form(request: Request) -> FormData:
    return await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)


def _head_as_get(handler: View) -> View:
    """Answer a HEAD as the GET would be answered, without the body.

    Views tell GET from POST, so a HEAD would otherwise run their POST code
    (and fail, or spend a one-time link). It is answered rather than refused
    with a 405 because HTTP expects HEAD wherever GET works, and link checkers
    and monitors use it.
    """

    @functools.wraps(handler)
    async def head_aware(request: Request) -> Response:
        if request.method != "HEAD":
            return await handler(request)
        response = await handler(Request({**request.scope, "method": "GET"}, request.receive))
        response.body = b""  # the headers, Content-Length included, stay the GET's
        return response

    return head_aware


def admin_view(role: Role = "editor") -> Callable[[View], View]:
    """Require a live session (and a role); on POST, also a same-origin request and the CSRF token.

    The parsed form is left in ``request.state.form``. A HEAD runs as a GET.
    """

    def wrap(view: View) -> View:
        @functools.wraps(view)
        async def handler(request: Request) -> Response:
            session = await load_session(request)
            if session is None:
                if request.method == "GET":
                    target = request.url.path
                    if request.url.query:
                        target += "?" + request.url.query
                    return redirect(f"/admin/login?next={quote(target, safe='')}")
                raise Forbidden("Your session has ended. Sign in again; nothing was saved.")
            request.state.session = session
            if request.method == "POST":
                if not same_origin(request):
                    raise Forbidden("This form was not sent from this site's admin pages.")
                form = await read_form(request)
                token = form.get("csrf")
                if not isinstance(token, str) or not csrf_ok(request, session, token):
                    raise Forbidden("This form has expired. Reload the page and try again.")
                request.state.form = form
            if role == "publisher" and not session.account.can_publish:
                raise Forbidden("Only publishers can do this.")
            try:
                return await view(request)
            finally:
                if request.method == "POST":
                    await request.state.form.close()  # uploaded files' temporary copies

        return _head_as_get(handler)

    return wrap


def public_form_view(view: View) -> View:
    """Pages used before signing in (login, setup, invitation): POSTs must be same-origin.

    A HEAD runs as a GET, so it never signs anyone in or spends a link.
    """

    @functools.wraps(view)
    async def handler(request: Request) -> Response:
        request.state.session = None
        if request.method == "POST":
            if not same_origin(request):
                raise Forbidden("This form was not sent from this site's admin pages.")
            request.state.form = await read_form(request)
        return await view(request)

    return _head_as_get(handler)


def safe_next(target: str | None) -> str:
    """Only ever send a signed-in admin on to another admin page of this site."""
    if not target or not target.startswith("/admin/") or any(c in target for c in "\\\r\n"):
        return "/admin/"
    return target
