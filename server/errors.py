"""One handler turns every error into an HTML page or a JSON answer."""

from __future__ import annotations

import logging
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from server import share
from server.accounts import HashingBusy
from server.boundary import is_admin_path
from server.http import file_response
from server.site import HTML, render_page
from server.store import StoreBusy
from server.validation import CatalogueInvalid

log = logging.getLogger("cares")
MESSAGES = {
    400: "The request could not be understood.",
    404: "There is no page at this address.",
    405: "This address does not accept that kind of request.",
    413: "What was sent is too large.",
    429: "Too many requests. Please wait a moment and try again.",
    503: "The service is not ready. Please try again in a moment.",
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def error_response(
    request: Request, status: int, message: str, problems: list | None = None
) -> Response:
    headers = {"cache-control": "no-store"}
    if _wants_json(request):
        body: dict = {"error": message}
        if problems:
            body["problems"] = [
                {"record": p.record, "field": p.field, "message": p.message} for p in problems
            ]
        return JSONResponse(body, status_code=status, headers=headers)
    if is_admin_path(request.url.path):
        from server.admin import render

        return render(request, "error.html", status=status, message=message, problems=problems)
    live = request.app.state.live
    site = live.current if live else None
    if site is None:
        return PlainTextResponse(message, status_code=status, headers=headers)
    from server.routes.public import request_language

    lang = request_language(request.url.path, site)
    if status == 404:
        return file_response(request, site.files[share.fixed_path(lang, "404")], status=404)
    body_bytes = render_page(
        site.catalogue,
        request.app.state.theme,
        lang,
        "error.html",
        # The request path is untrusted ("//host" would be a link off-site):
        # the language links of an error page lead to each start page.
        share.home_path(lang),
        code=status,
        message=message,
        full_strip=True,
    )
    return Response(body_bytes, status_code=status, media_type=HTML, headers=headers)


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = MESSAGES.get(exc.status_code) or exc.detail
    if is_admin_path(request.url.path) and exc.detail != HTTPStatus(exc.status_code).phrase:
        message = exc.detail  # admin messages say what to do next
    response = error_response(request, exc.status_code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def invalid_catalogue(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CatalogueInvalid)
    return error_response(request, 422, "The catalogue has problems.", exc.problems)


async def busy(request: Request, exc: Exception) -> Response:
    response = error_response(request, 503, str(exc))
    response.headers["retry-after"] = "2"
    return response


async def hashing_busy(request: Request, exc: Exception) -> Response:
    response = error_response(request, 503, str(exc))
    response.headers["retry-after"] = "2"
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "Something went wrong on our side.")


HANDLERS = {
    HTTPException: http_exception,
    CatalogueInvalid: invalid_catalogue,
    StoreBusy: busy,
    HashingBusy: hashing_busy,
    Exception: server_error,
}
