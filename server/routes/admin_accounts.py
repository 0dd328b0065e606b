"""Accounts: who can sign in, with which role; invitations; removal."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.accounts import ROLES, normalize_username, username_problem
from server.admin import Forbidden, admin_view, redirect, render, store_of
from server.sessions import clock
from server.share import absolute
from server.store.accounts import LastPublisher

INVITATION_HOURS = 72


async def _page(request: Request, status: int = 200, **context) -> Response:
    accounts = await store_of(request).list_accounts()
    defaults = {"link": None, "problems": {}, "values": {"username": "", "role": "editor"}}
    return render(request, "accounts.html", status=status, accounts=accounts, **defaults | context)


@admin_view()
async def accounts(request: Request) -> Response:
    return await _page(request)


@admin_view()
async def invite(request: Request) -> Response:
    """Make a single-use invitation link. Nobody can grant a role above their own."""
    form = request.state.form
    account = request.state.session.account
    username = normalize_username(str(form.get("username", ""))[:100])
    role = str(form.get("role", ""))
    problems = {}
    if problem := username_problem(username):
        problems["username"] = problem
    elif await store_of(request).account_for_login(username):
        problems["username"] = "is taken; choose another"
    if role not in ROLES:
        problems["role"] = "choose a role"
    elif role == "publisher" and not account.can_publish:
        problems["role"] = "only a publisher can invite a publisher"
    if problems:
        values = {"username": username, "role": role}
        return await _page(request, status=400, problems=problems, values=values)
    token = await store_of(request).create_invitation(
        "invite", role, username, account.username, clock(request), INVITATION_HOURS * 3600
    )
    link = absolute(request.app.state.settings.base_url, f"/admin/invite/{token}")
    return await _page(request, link={"url": link, "username": username, "role": role})


async def _target(request: Request):  # type: ignore[no-untyped-def]
    target = await store_of(request).get_account(request.path_params["id"])
    if target is None:
        raise HTTPException(404)
    return target


@admin_view("publisher")
async def remove(request: Request) -> Response:
    target = await _target(request)
    try:
        await store_of(request).remove_account(target.id, request.state.session.account.username)
    except LastPublisher:
        raise Forbidden("This is the last publisher: invite another publisher first.") from None
    if target.id == request.state.session.account.id:
        return redirect("/admin/login")
    return redirect("/admin/accounts")


@admin_view("publisher")
async def set_role(request: Request) -> Response:
    target = await _target(request)
    role = str(request.state.form.get("role", ""))
    if role not in ROLES:
        raise HTTPException(400, "Choose a role.")
    try:
        await store_of(request).set_role(target.id, role, request.state.session.account.username)
    except LastPublisher:
        raise Forbidden("This is the last publisher: invite another publisher first.") from None
    return redirect("/admin/accounts")


routes = [
    Route("/accounts", accounts, methods=["GET"]),
    Route("/accounts/invite", invite, methods=["POST"]),
    Route("/accounts/{id:rowid}/remove", remove, methods=["POST"]),
    Route("/accounts/{id:rowid}/role", set_role, methods=["POST"]),
]
