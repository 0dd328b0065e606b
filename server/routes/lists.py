"""A link to several items, opened on a phone that has no saved copy: rendered here."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import share
from server.http import dynamic_response, file_response
from server.routes.public import current_site, request_language
from server.share_pages import render_list
from server.site import HTML


async def show_list(request: Request) -> Response:
    site = current_site(request)
    lang = request_language(request.url.path, site)
    if lang != request.path_params.get("lang", lang):
        raise HTTPException(404)
    asked = request.query_params.getlist("c")
    if not asked:
        # The saved page itself: it says the list is empty and offers to make one.
        return file_response(request, site.files[share.fixed_path(lang, "list")])
    codes = share.list_codes(asked)
    body = render_list(site.catalogue, request.app.state.theme, lang, codes) if codes else None
    if body is None:
        raise HTTPException(404)
    return dynamic_response(request, body, HTML)


routes = [
    Route("/list", show_list, methods=["GET", "HEAD"]),
    Route("/{lang:str}/list", show_list, methods=["GET", "HEAD"]),
]
