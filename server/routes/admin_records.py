"""Editing the draft: needs, organisations, services, videos, collections, site wording.

Every save checks the whole draft as it would be, in the same transaction as the
write, and carries the revision the form was opened at: a form that is out of
date gets a conflict page showing both versions, never a silent overwrite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin import admin_view, redirect, render, store_of
from server.catalogue import KINDS
from server.diff import record_changes
from server.forms import parse, problems_by_input, whole_number
from server.record_forms import FIELDS, LABELS, finish, options
from server.store.drafts import RecordConflict, RecordRow
from server.validation import CatalogueInvalid, Problem, validate_catalogue

EDITABLE = (*KINDS, "site")
VERIFIABLE = ("services", "videos")


def _kind(request: Request) -> str:
    """The kind of record an address is about: /admin/<kind>/..."""
    kind = request.url.path.split("/")[2]
    if kind not in EDITABLE:
        raise HTTPException(404)
    return kind


def _checker(request: Request):  # type: ignore[no-untyped-def]
    hosts = request.app.state.settings.video_hosts
    return lambda doc: validate_catalogue(doc, hosts)


async def _form_page(
    request: Request,
    kind: str,
    record: dict[str, Any],
    *,
    revision: int | None,
    creating: bool,
    problems: list[Problem] | None = None,
    errors: dict[str, str] | None = None,
    raw: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    doc = await store_of(request).draft_document() or {}
    record_name = "site" if kind == "site" else f"{kind}/{record.get('id', '')}"
    by_input = problems_by_input(problems or [], record_name) | (errors or {})
    return render(
        request,
        "record_form.html",
        status=status,
        kind=kind,
        labels=LABELS[kind],
        fields=FIELDS[kind],
        record=record,
        revision=revision,
        creating=creating,
        problems=problems or [],
        errors=by_input,
        raw=raw or {},
        options=options(doc) if doc else {},
        verifiable=kind in VERIFIABLE,
    )


@admin_view()
async def list_records(request: Request) -> Response:
    kind = _kind(request)
    if kind == "site":
        return redirect("/admin/site")
    rows = await store_of(request).list_records(kind)
    return render(request, "record_list.html", kind=kind, labels=LABELS[kind], rows=rows)


def form_revision(request: Request) -> int:
    """The revision the form was opened at (see the module docstring)."""
    revision = whole_number(str(request.state.form.get("revision", "")))
    if revision is None:
        raise HTTPException(400, "The form has no revision; reload the page.")
    return revision


async def _current(request: Request, kind: str) -> RecordRow:
    record_id = request.path_params.get("id", "site")
    row = await store_of(request).get_record(kind, record_id)
    if row is None:
        raise HTTPException(404)
    return row


@admin_view()
async def edit(request: Request) -> Response:
    kind = _kind(request)
    creating = request.url.path.endswith("/new")
    if request.method == "GET":
        if creating:
            return await _form_page(request, kind, {}, revision=None, creating=True)
        row = await _current(request, kind)
        return await _form_page(request, kind, row.data, revision=row.revision, creating=False)
    form = request.state.form
    parsed = parse(FIELDS[kind], form, creating)
    base: dict[str, Any] = {}
    revision: int | None = None
    if not creating:
        revision = form_revision(request)
        current = await store_of(request).get_record(kind, request.path_params.get("id", "site"))
        if current is None:
            return await _conflict(request, kind, parsed.data, None, revision)
        base = current.data
    record = finish(kind, {**base, **parsed.data}, creating)
    record_id = "site" if kind == "site" else str(record.get("id", ""))
    if parsed.errors:
        return await _form_page(
            request,
            kind,
            record,
            revision=revision,
            creating=creating,
            errors=parsed.errors,
            raw=parsed.raw,
            status=400,
        )
    return await _save(request, kind, record_id, record, revision, creating)


async def _save(
    request: Request,
    kind: str,
    record_id: str,
    record: dict[str, Any],
    revision: int | None,
    creating: bool,
    action: str | None = None,
) -> Response:
    account = request.state.session.account
    try:
        saved = await store_of(request).save_record(
            kind,
            record_id,
            record,
            expected_revision=revision,
            actor=account.username,
            check=_checker(request),
            action=action,
        )
    except RecordConflict as conflict:
        if creating and conflict.current is not None:
            problem = Problem(f"{kind}/{record_id}", "id", "is already used by another record")
            return await _form_page(
                request, kind, record, revision=None, creating=True, problems=[problem], status=409
            )
        return await _conflict(request, kind, record, conflict.current, revision)
    except CatalogueInvalid as invalid:
        return await _form_page(
            request,
            kind,
            record,
            revision=revision,
            creating=creating,
            problems=invalid.problems,
            status=400,
        )
    assert saved is not None
    target = "/admin/site" if kind == "site" else f"/admin/{kind}/{saved.id}"
    return redirect(target + "?saved=1")


async def _conflict(
    request: Request,
    kind: str,
    yours: dict[str, Any],
    theirs: RecordRow | None,
    revision: int | None,
) -> Response:
    return render(
        request,
        "conflict.html",
        status=409,
        kind=kind,
        labels=LABELS[kind],
        yours=yours,
        theirs=theirs,
        your_revision=revision,
        changes=record_changes(theirs.data if theirs else None, yours),
    )


@admin_view()
async def delete(request: Request) -> Response:
    kind = _kind(request)
    row = await _current(request, kind)
    revision = form_revision(request)
    try:
        await store_of(request).save_record(
            kind,
            row.id,
            None,
            expected_revision=revision,
            actor=request.state.session.account.username,
            check=_checker(request),
        )
    except RecordConflict as conflict:
        return await _conflict(request, kind, row.data, conflict.current, None)
    except CatalogueInvalid as invalid:
        return render(
            request,
            "delete_refused.html",
            status=409,
            kind=kind,
            labels=LABELS[kind],
            row=row,
            problems=invalid.problems,
        )
    return redirect(f"/admin/{kind}?deleted={row.id}")


@admin_view()
async def verify(request: Request) -> Response:
    """Mark verified: today (UTC), by the signed-in admin."""
    kind = _kind(request)
    if kind not in VERIFIABLE:
        raise HTTPException(404)
    row = await _current(request, kind)
    revision = form_revision(request)
    account = request.state.session.account
    today = datetime.now(UTC).date().isoformat()
    record = {**row.data, "verified": {"on": today, "by": account.display_name}}
    return await _save(
        request,
        kind,
        row.id,
        record,
        revision,
        creating=False,
        action="verify",
    )


routes = [Route("/site", edit, methods=["GET", "POST"])]
# One set of addresses per kind, so a wrong method on any admin address is a 405.
for _k in KINDS:
    routes += [
        Route(f"/{_k}", list_records, methods=["GET"]),
        Route(f"/{_k}/new", edit, methods=["GET", "POST"]),
        Route(f"/{_k}/{{id:str}}", edit, methods=["GET", "POST"]),
        Route(f"/{_k}/{{id:str}}/delete", delete, methods=["POST"]),
        Route(f"/{_k}/{{id:str}}/verify", verify, methods=["POST"]),
    ]
