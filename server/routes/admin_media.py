"""Video thumbnails: uploaded, checked and stored by the app (never hot-linked)."""

from __future__ import annotations

import hashlib

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin import admin_view, render, store_of
from server.routes.admin_records import _current, _save

# What the first bytes of each accepted image format are.
SIGNATURES = (
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)


def image_type(body: bytes) -> tuple[str, str] | None:
    """(extension, content type) of a JPEG, PNG or WebP image; None for anything else."""
    for signature, ext, content_type in SIGNATURES:
        if body.startswith(signature):
            return ext, content_type
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "webp", "image/webp"
    return None


async def _refuse(request: Request, message: str, status: int = 400) -> Response:
    return render(request, "error.html", status=status, message=message, problems=None)


@admin_view()
async def upload(request: Request) -> Response:
    row = await _current(request, "videos")
    form = request.state.form
    revision = str(form.get("revision", ""))
    file = form.get("thumbnail")
    if not isinstance(file, UploadFile):
        return await _refuse(request, "Choose an image file to upload.")
    limit = request.app.state.settings.max_thumbnail_bytes
    body = await file.read(limit + 1)
    if len(body) > limit:
        return await _refuse(request, f"The image is larger than {limit // 1024} KB.", 413)
    kind = image_type(body)
    if kind is None:
        return await _refuse(request, "The file is not a JPEG, PNG or WebP image.")
    ext, content_type = kind
    name = f"{hashlib.sha256(body).hexdigest()[:32]}.{ext}"
    account = request.state.session.account
    await store_of(request).put_media(name, content_type, body, account.username)
    record = {**row.data, "thumbnail": name}
    expected = int(revision) if revision.isdigit() else -1
    return await _save(request, "videos", row.id, record, expected, creating=False)


@admin_view()
async def remove(request: Request) -> Response:
    row = await _current(request, "videos")
    revision = str(request.state.form.get("revision", ""))
    record = {**row.data, "thumbnail": None}
    expected = int(revision) if revision.isdigit() else -1
    return await _save(request, "videos", row.id, record, expected, creating=False)


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
