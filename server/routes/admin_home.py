"""The admin's front page and its stylesheet."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin import admin_view, render
from server.assets import admin_css


@admin_view()
async def home(request: Request) -> Response:
    return render(request, "home.html")


async def stylesheet(request: Request) -> Response:
    css = admin_css()
    if request.url.path != css.url:
        raise HTTPException(404)
    return Response(css.body, media_type=css.content_type)


routes = [
    Route("/", home, methods=["GET"]),
    Route("/static/gen/{name:str}", stylesheet, methods=["GET"]),
]
