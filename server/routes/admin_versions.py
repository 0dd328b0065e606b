"""Preview, publish and roll back: the draft becomes a numbered, immutable version.

Publishing carries the hash of the draft the publisher reviewed, so a draft
changed by someone else in the meantime is never published unseen.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin import admin_view, redirect, render, store_of
from server.catalogue import KINDS
from server.diff import describe, document_changes
from server.forms import whole_number
from server.publishing import publish_document, publish_draft
from server.site import HTML, Renderer
from server.store import VersionInfo
from server.store.drafts import draft_hash
from server.validation import CatalogueInvalid, unsafe_text_problem, validate_catalogue

PAGE_SIZE = 20
NOTE_LIMIT = 500
# Links that stay inside the preview; assets are the published ones (same build).
_INTERNAL_LINK = re.compile(r'(href|src)="/(?!static/|admin/|manifest\.json|media/)')


@dataclass(frozen=True)
class VersionRow:
    info: VersionInfo
    summary: str


def _note(request: Request) -> str | None:
    raw = str(request.state.form.get("note", "")).strip()
    if len(raw) > NOTE_LIMIT:
        raise HTTPException(400, f"The note is longer than {NOTE_LIMIT} characters.")
    if unsafe_text_problem(raw):
        raise HTTPException(400, "The note contains control or text-direction characters.")
    return unicodedata.normalize("NFC", raw) or None


async def _version_rows(request: Request, versions: list[VersionInfo]) -> list[VersionRow]:
    """Each shown version with a one-line summary of what it changed from the one before.

    The summary recorded at publish time is used; versions from before it was
    recorded are compared again (versions never change, so neither does that).
    """
    store = store_of(request)
    recorded = await store.version_summaries([v.id for v in versions])
    rows = []
    for info in versions:
        if info.id not in recorded:
            doc = await store.version_document(info.id)
            before = await store.version_document(info.id - 1) if info.id > 1 else None
            recorded[info.id] = describe(document_changes(before, doc or {}))
        rows.append(VersionRow(info, recorded[info.id]))
    return rows


async def _draft_state(request: Request) -> dict[str, Any]:
    store = store_of(request)
    draft = await store.draft_document()
    latest = await store.latest_version()
    published = await store.version_document(latest.id) if latest else None
    problems = []
    if draft is not None:
        try:
            await asyncio.to_thread(
                validate_catalogue, draft, request.app.state.settings.video_hosts
            )
        except CatalogueInvalid as invalid:
            problems = invalid.problems
    changes = document_changes(published, draft) if draft else {}
    return {
        "draft_hash": draft_hash(draft),
        "changes": changes,
        "summary": describe(changes),
        "problems": problems,
        "latest": latest,
        "has_draft": draft is not None,
    }


@admin_view()
async def versions(request: Request) -> Response:
    return await _versions_page(request)


async def _versions_page(request: Request, status: int = 200, message: str = "") -> Response:
    store = store_of(request)
    everything = await store.list_versions()
    page = request.query_params.get("page", "") or "1"
    number = whole_number(page)
    if not number:
        raise HTTPException(400, "The page number must be a whole number, from 1.")
    shown = everything[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return render(
        request,
        "versions.html",
        status=status,
        message=message,
        rows=await _version_rows(request, shown),
        page=number,
        more=len(everything) > number * PAGE_SIZE,
        names=_names(await store.draft_document()),
        **await _draft_state(request),
    )


def _names(*docs: dict[str, Any] | None) -> dict[str, dict[str, str]]:
    """Record names by kind and id, so change lists read as names, not ids."""
    out: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for doc in docs:
        for kind in KINDS:
            for r in (doc or {}).get(kind, []):
                out[kind][r["id"]] = (r.get("name") or r.get("title") or {}).get("en", r["id"])
    return out


@admin_view(role="publisher")
async def publish(request: Request) -> Response:
    reviewed = str(request.state.form.get("draft_hash", ""))
    note = _note(request)
    state = await _draft_state(request)
    if reviewed != state["draft_hash"]:
        return await _versions_page(
            request,
            status=409,
            message="The draft changed since you opened this page. Nothing was published:"
            " review the changes below and publish again.",
        )
    account = request.state.session.account
    result = await publish_draft(
        store_of(request),
        request.app.state.theme,
        request.app.state.settings,
        actor=account.username,
        note=note,
    )
    await request.app.state.live.refresh()
    flag = "published" if result.created else "unchanged"
    return redirect(f"/admin/versions?{flag}={result.version.id}")


async def _version(request: Request) -> tuple[VersionInfo, dict[str, Any]]:
    store = store_of(request)
    info = await store.get_version(request.path_params["id"])
    doc = await store.version_document(request.path_params["id"])
    if info is None or doc is None:
        raise HTTPException(404, "There is no such version.")
    return info, doc


@admin_view()
async def version(request: Request) -> Response:
    info, doc = await _version(request)
    before = await store_of(request).version_document(info.id - 1) if info.id > 1 else None
    latest = await store_of(request).latest_version()
    return render(
        request,
        "version.html",
        info=info,
        changes=document_changes(before, doc),
        names=_names(before, doc),
        is_latest=latest is not None and latest.id == info.id,
    )


@admin_view(role="publisher")
async def rollback(request: Request) -> Response:
    info, doc = await _version(request)
    store = store_of(request)
    latest = await store.latest_version()
    assert latest is not None
    if request.method == "GET":
        current = await store.version_document(latest.id)
        state = await _draft_state(request)
        return render(
            request,
            "rollback.html",
            info=info,
            latest=latest,
            changes=document_changes(current, doc),
            unpublished=state["changes"],
            names=_names(current, doc, await store.draft_document()),
        )
    note = _note(request) or f"Roll back to version {info.id}"
    result = await publish_document(
        store,
        request.app.state.theme,
        request.app.state.settings,
        doc,
        actor=request.state.session.account.username,
        note=note,
        rollback_of=info.id,
    )
    await request.app.state.live.refresh()
    return redirect(f"/admin/versions?published={result.version.id}")


@admin_view()
async def preview(request: Request) -> Response:
    """The draft as the public would see it, page by page, links kept inside the preview."""
    store = store_of(request)
    doc = await store.draft_document()
    if doc is None:
        raise HTTPException(404, "There is no draft to preview.")
    key = draft_hash(doc)
    cached = getattr(request.app.state, "preview", None)
    if cached is None or cached[0] != key:
        hosts = request.app.state.settings.video_hosts
        catalogue = await asyncio.to_thread(validate_catalogue, doc, hosts)
        renderer = Renderer(catalogue, request.app.state.theme, {})
        cached = request.app.state.preview = (key, renderer)
    renderer = cached[1]
    path = "/" + request.path_params["path"]
    rendered = renderer.render_path(path)
    if rendered is None:
        raise HTTPException(404, "The draft has no page at this address.")
    if rendered.content_type != HTML:
        return Response(rendered.body, media_type=rendered.content_type)
    return Response(_preview_html(rendered.body.decode()), media_type=HTML)


def _preview_html(html: str) -> str:
    banner = (
        '<p class="preview-banner" role="note">Preview of the draft: not published.'
        ' <a href="/admin/versions">Back to publishing</a></p>'
    )
    # No scripts: the preview must not install the offline copy in an admin's browser.
    html = re.sub(r'<script type="module" src="[^"]*"></script>\n?', "", html)
    html = _INTERNAL_LINK.sub(r'\1="/admin/preview/', html)
    html = html.replace('src="/media/', 'src="/admin/media/')
    return html.replace("<body>", "<body>\n" + banner, 1)


routes = [
    Route("/versions", versions, methods=["GET"]),
    Route("/publish", publish, methods=["POST"]),
    Route("/versions/{id:rowid}", version, methods=["GET"]),
    Route("/versions/{id:rowid}/rollback", rollback, methods=["GET", "POST"]),
    Route("/preview/{path:path}", preview, methods=["GET"]),
]
