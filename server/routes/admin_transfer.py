"""Import and export in the admin: upload, read the report, then apply (or not)."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import cast

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin import admin_view, redirect, render, store_of
from server.store.audit import AuditEntry
from server.store.drafts import draft_hash
from server.store.imports import ImportStale, PendingImport
from server.transfer import (
    FORMATS,
    Format,
    export_bytes,
    export_document,
    guess_format,
    parse_upload,
    plan_import,
)
from server.validation import CatalogueInvalid

EXPORTS = {
    f"{fmt}-{source}.json": (fmt, source) for fmt in FORMATS for source in ("draft", "published")
}


def _page(request: Request, status: int = 200, problems: list | None = None) -> Response:
    return render(
        request, "transfer.html", status=status, problems=problems or [], exports=list(EXPORTS)
    )


@admin_view()
async def transfer(request: Request) -> Response:
    return _page(request)


@admin_view()
async def upload(request: Request) -> Response:
    form = request.state.form
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return _page(request, 400, ["Choose a JSON file to import."])
    body = await file.read()
    wanted = str(form.get("format", "auto"))
    if wanted not in ("auto", *FORMATS):
        raise HTTPException(400, "Unknown import format.")
    store = store_of(request)
    try:
        data = parse_upload(body)
        fmt = guess_format(data) if wanted == "auto" else cast(Format, wanted)
        base = draft_hash(await store.draft_document())
        plan = await plan_import(store, request.app.state.settings, data, fmt)
    except CatalogueInvalid as invalid:
        return _page(request, 400, invalid.problems)
    account = request.state.session.account
    pending = PendingImport(
        secrets.token_urlsafe(16),
        account.username,
        time.time(),
        base,
        plan.document,
        {**plan.report, "file": file.filename[:200], "bytes": len(body)},
    )
    await store.save_pending_import(pending)
    return render(request, "import_report.html", pending=pending, report=pending.report)


@admin_view()
async def apply(request: Request) -> Response:
    store = store_of(request)
    account = request.state.session.account
    pending = await store.pending_import(request.path_params["id"], account.username)
    if pending is None:
        return _page(request, 409, ["This import has expired or was applied already."])
    report = pending.report
    audit = AuditEntry(
        account.username,
        "import",
        "catalogue",
        None,
        {k: report[k] for k in ("format", "file", "changes", "summary") if k in report},
    )
    try:
        await store.apply_import(pending.id, account.username, audit)
    except ImportStale as stale:
        return _page(request, 409, [f"{stale} Nothing was imported; upload the file again."])
    return redirect("/admin/versions?imported=1")


@admin_view()
async def download(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in EXPORTS:
        raise HTTPException(404, "There is no such export.")
    fmt, source = EXPORTS[name]
    doc = await export_document(store_of(request), request.app.state.settings, fmt, source)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    filename = name.replace(".json", f"-{stamp}.json")
    return Response(
        export_bytes(doc),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


routes = [
    Route("/transfer", transfer, methods=["GET"]),
    Route("/import", upload, methods=["POST"]),
    Route("/import/{id:str}/apply", apply, methods=["POST"]),
    Route("/export/{name:str}", download, methods=["GET"]),
]
