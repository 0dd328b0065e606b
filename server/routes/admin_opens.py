"""How often each short link is opened: a weekly chart and a CSV of the daily counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin import admin_view, render, store_of
from server.opens_chart import WEEKS, chart_svg, csv_text, weekly


def _published_codes(request: Request) -> dict:
    site = request.app.state.live.current
    return site.catalogue.by_code if site is not None else {}


@admin_view()
async def opens_page(request: Request) -> Response:
    today = datetime.now(UTC).date()
    since = (today - timedelta(weeks=WEEKS)).isoformat()
    rows = await store_of(request).daily_opens(since)
    starts, series = weekly(rows, _published_codes(request), today)
    return render(
        request,
        "opens.html",
        starts=starts,
        series=series,
        chart=chart_svg(starts, series) if series else "",
    )


@admin_view()
async def opens_csv(request: Request) -> Response:
    rows = await store_of(request).daily_opens()
    return Response(
        csv_text(rows, _published_codes(request)),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="short-link-opens.csv"'},
    )


routes = [
    Route("/opens", opens_page, methods=["GET"]),
    Route("/opens.csv", opens_csv, methods=["GET"]),
]
