"""Video thumbnails: uploaded, checked and stored by the app (never hot-linked)."""

from __future__ import annotations

import asyncio
import hashlib

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin import admin_view, render, store_of
from server.images import ImageRefused, clean_image
from server.routes.admin_records import _current, _save, form_revision


async def _refuse(request: Request, message: str, status: int = 400) -> Response:
    return render(request, "error.html", status=status, message=message, problems=None)


@admin_view()
async def upload(request: Request) -> Response:
    row = await _current(request, "videos")
    form = request.state.form
    revision = form_revision(request)
    file = form.get("thumbnail")
    if not isinstance(file, UploadFile):
        return await _refuse(request, "Choose an image file to upload.")
    limit = request.app.state.settings.max_thumbnail_bytes
    body = await file.read(limit + 1)
    if len(body) > limit:
        return await _refuse(request, f"The image is larger than {limit // 1024} KB.", 413)
    try:
        # Decoding is CPU work: the event loop keeps serving meanwhile.
        image = await asyncio.to_thread(clean_image, body)
    except ImageRefused as refused:
        return await _refuse(request, str(refused))
    # Named after what is published: the re-encoded bytes, never the upload.
    name = f"{hashlib.sha256(image.body).hexdigest()[:32]}.{image.ext}"
    account = request.state.session.account
    await store_of(request).put_media(name, image.content_type, image.body, account.username)
    record = {**row.data, "thumbnail": name}
    return await _save(request, "videos", row.id, record, revision, creating=False)


@admin_view()
async def remove(request: Request) -> Response:
    row = await _current(request, "videos")
    revision = form_revision(request)
    record = {**row.data, "thumbnail": None}
    return await _save(request, "videos", row.id, record, revision, creating=False)


@admin_view()
async def show(request: Request) -> Response:
    name = request.path_params["name"]
    found = await store_of(request).media_files([name])
    if name not in found:
        raise HTTPException(404)
    content_type, body = found[name]
    return Response(body, media_type=content_type)


routes = [
    Route("/thumbnails/{id:str}", upload, methods=["POST"]),
    Route("/thumbnails/{id:str}/remove", remove, methods=["POST"]),
    Route("/media/{name:str}", show, methods=["GET"]),
]
