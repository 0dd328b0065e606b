"""The audit log, filtered by who, what, which record and when."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin import admin_view, render, store_of
from server.forms import whole_number
from server.store.audit import PAGE_SIZE, AuditFilter

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FILTER_FIELDS = ("actor", "action", "kind", "record_id", "since", "until")
MAX_FILTER_LENGTH = 200


def _filter(request: Request) -> tuple[AuditFilter, dict[str, str]]:
    """The filter the query string asks for, and a message for each part that makes no sense."""
    query = request.query_params
    values = {name: query.get(name, "").strip()[:MAX_FILTER_LENGTH] for name in FILTER_FIELDS}
    errors = {
        name: "Use a date like 2026-12-31."
        for name in ("since", "until")
        if values[name] and not _DATE.match(values[name])
    }
    for name in errors:
        values[name] = ""
    before = query.get("before", "")
    before_id = whole_number(before) if before else None
    if before and before_id is None:
        raise HTTPException(
            400, "This is not a link to older entries of the log. Open the log again."
        )
    return AuditFilter(**values, before_id=before_id), errors


@admin_view()
async def audit(request: Request) -> Response:
    where, errors = _filter(request)
    store = store_of(request)
    rows = await store.audit_entries(where, limit=PAGE_SIZE + 1)
    older = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    query = {k: request.query_params.get(k, "") for k in FILTER_FIELDS}
    return render(
        request,
        "audit.html",
        status=400 if errors else 200,
        rows=rows[:PAGE_SIZE],
        where=where,
        errors=errors,
        raw=query,
        values=await store.audit_values(),
        older=older,
        older_query=urlencode({k: v for k, v in query.items() if v}),
    )


routes = [Route("/audit", audit, methods=["GET"])]
