"""The admin's front page and its stylesheet."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin import admin_view, render, store_of
from server.assets import admin_css
from server.attention import SECTIONS, needs_attention


@admin_view()
async def home(request: Request) -> Response:
    doc = await store_of(request).draft_document()
    settings = request.app.state.settings
    today = datetime.now(UTC).date()
    lists = needs_attention(doc, today, settings.stale_months) if doc else {}
    return render(
        request, "home.html", lists=lists, sections=SECTIONS, stale_months=settings.stale_months
    )


async def stylesheet(request: Request) -> Response:
    css = admin_css()
    if request.url.path != css.url:
        raise HTTPException(404)
    return Response(css.body, media_type=css.content_type)


routes = [
    Route("/", home, methods=["GET"]),
    Route("/static/gen/{name:str}", stylesheet, methods=["GET"]),
]
