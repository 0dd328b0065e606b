"""Public pages: answered from the rendered site, never from SQL."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server import share
from server.catalogue import DEFAULT_LANGUAGE, LANGUAGES
from server.http import file_response
from server.live import PublicSite
from server.site import HTML, render_search

_LANG_PREFIX = re.compile(r"^/(" + "|".join(LANGUAGES) + r")(/|$)")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SHORT = re.compile(r"^(/[a-z]{2})?/(s|qr)/([0-9a-zA-Z]{4,8})(\.svg)?/?$")


def current_site(request: Request) -> PublicSite:
    site = request.app.state.live.current
    if site is None:
        raise HTTPException(503, "Nothing has been published yet.")
    return site


def request_language(path: str, site: PublicSite) -> str:
    match = _LANG_PREFIX.match(path)
    if match and match[1] in site.catalogue.site.languages:
        return match[1]
    return DEFAULT_LANGUAGE


def _canonical(path: str, site: PublicSite) -> str | None:
    """Where a near-miss (lower-case code, trailing slash, /fr) should go."""
    if path.rstrip("/") + "/" in site.files and not path.endswith("/"):
        return path + "/"
    match = _SHORT.match(path)
    if match:
        fixed = f"{match[1] or ''}/{match[2]}/{match[3].upper()}{match[4] or ''}"
        if fixed != path and fixed in site.files:
            return fixed
    if path.endswith("/") and path.rstrip("/") in site.files:
        return path.rstrip("/")
    return None


async def serve_site(request: Request) -> Response:
    site = current_site(request)
    path = request.url.path
    file = site.files.get(path)
    if file is not None:
        return file_response(request, file)
    canonical = _canonical(path, site)
    if canonical:
        return RedirectResponse(canonical, status_code=301)
    raise HTTPException(404)


async def find(request: Request) -> Response:
    site = current_site(request)
    lang = request_language(request.url.path, site)
    # Control characters are never part of a search; they are not echoed back either.
    query = _CONTROL.sub("", request.query_params.get("q", "")).strip()[:200]
    if not query:
        return file_response(request, site.files[share.fixed_path(lang, "find")])
    theme = request.app.state.theme
    return request.app.state.search_pages.response(
        request,
        (site.version.id, lang, query),
        lambda: render_search(site.catalogue, theme, lang, query),
        HTML,
    )


async def leave(request: Request) -> Response:
    """Quick exit, online: on to the neutral site, this address replaced in history."""
    site = current_site(request)
    lang = request.path_params.get("lang", DEFAULT_LANGUAGE)
    if lang not in site.catalogue.site.languages:
        raise HTTPException(404)
    return RedirectResponse(
        site.catalogue.site.exit_url, status_code=303, headers={"cache-control": "no-store"}
    )


async def qr_png(request: Request) -> Response:
    site = current_site(request)
    lang = request.path_params.get("lang", DEFAULT_LANGUAGE)
    code = request.path_params["code"].upper()
    if lang not in site.catalogue.site.languages or code not in site.catalogue.by_code:
        raise HTTPException(404)
    url = share.absolute(request.app.state.settings.base_url, share.page_path(lang, code))
    return Response(
        share.qr_png(url),
        media_type="image/png",
        headers={
            "cache-control": "no-cache",
            "content-disposition": f'inline; filename="{code}.png"',
        },
    )


routes = [
    Route(share.exit_path(DEFAULT_LANGUAGE), leave, methods=["GET", "HEAD"]),
    Route("/{lang:str}" + share.exit_path(DEFAULT_LANGUAGE), leave, methods=["GET", "HEAD"]),
    Route("/find", find, methods=["GET", "HEAD"]),
    Route("/{lang:str}/find", find, methods=["GET", "HEAD"]),
    Route("/qr/{code:str}.png", qr_png, methods=["GET", "HEAD"]),
    Route("/{lang:str}/qr/{code:str}.png", qr_png, methods=["GET", "HEAD"]),
    Route("/{path:path}", serve_site, methods=["GET", "HEAD"]),
]
