"""Signing in and out, the first-admin setup link, invitations and password changes."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.accounts import (
    Account,
    Hasher,
    display_name_problem,
    normalize_username,
    password_problem,
    username_problem,
)
from server.admin import admin_view, public_form_view, redirect, render, safe_next, store_of
from server.sessions import (
    FORGET_FAILURES_AFTER,
    clear_session_cookie,
    clock,
    load_session,
    set_session_cookie,
    throttle_keys,
)
from server.store.accounts import AccountTaken
from server.store.audit import AuditEntry

WRONG = "The user name or password is not right."


def _hasher(request: Request) -> Hasher:
    return request.app.state.hasher


def _text(request: Request, name: str, limit: int = 300) -> str:
    value = request.state.form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


async def _start_session(request: Request, account_id: int, target: str) -> Response:
    """A fresh session id at every sign-in; any session the browser had is ended first."""
    store = store_of(request)
    old = await load_session(request)
    if old is not None:
        await store.end_session(old.id_hash)
    session_id, _ = await store.create_session(account_id, clock(request))
    response = redirect(target)
    set_session_cookie(response, session_id)
    return response


def _wait_text(wait: float) -> tuple[str, str]:
    """(Retry-After seconds, the sentence saying so) for a throttled attempt."""
    seconds = str(int(wait) + 1)
    return seconds, f"Too many attempts. Wait {seconds} seconds, then try again."


@dataclass(frozen=True)
class PasswordCheck:
    wait: float  # seconds before an attempt may be checked; while > 0 nothing was checked
    found: tuple[Account, str] | None  # the account with that name and its stored hash
    ok: bool


async def _check_password(request: Request, username: str, password: str) -> PasswordCheck:
    """One throttled password check, as sign-in and password change both make it.

    A wrong password counts against the account name and the client's address
    alike; attempts made during a wait are neither checked nor counted.
    """
    store = store_of(request)
    now = clock(request)
    keys = throttle_keys(request, username)
    wait = await store.throttle_wait(keys, now)
    if wait > 0:
        return PasswordCheck(wait, None, False)
    found = await store.account_for_login(username)
    ok = await _hasher(request).verify(found[1] if found else None, password)
    if ok and found:
        await store.clear_failures(keys)
    else:
        await store.record_failure(keys, now, FORGET_FAILURES_AFTER)
    return PasswordCheck(0.0, found, bool(ok and found))


@public_form_view
async def login(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        if await load_session(request):
            return redirect(target)
        return render(request, "login.html", next=target, username="", error=None)
    store = store_of(request)
    username = normalize_username(_text(request, "username", 100))
    password = _text(request, "password", 1024)
    target = safe_next(_text(request, "next", 2000))
    check = await _check_password(request, username, password)
    if check.wait > 0:
        seconds, error = _wait_text(check.wait)
        response = render(
            request, "login.html", status=429, next=target, username=username, error=error
        )
        response.headers["retry-after"] = seconds
        return response
    if not check.ok or check.found is None:
        # Only names of real accounts are kept: a mistyped password in the name field is not.
        actor = check.found[0].username if check.found else None
        await store.audit(AuditEntry(actor, "login.failure", "account", actor))
        return render(
            request, "login.html", status=400, next=target, username=username, error=WRONG
        )
    account, stored = check.found
    if _hasher(request).needs_rehash(stored):
        rehashed = await _hasher(request).hash(password)
        await store.set_password_hash(account.id, rehashed, end_sessions=False)
    await store.audit(AuditEntry(account.username, "login.success", "account", account.username))
    return await _start_session(request, account.id, target)


@admin_view()
async def logout(request: Request) -> Response:
    session = request.state.session
    store = store_of(request)
    await store.end_session(session.id_hash)
    await store.audit(
        AuditEntry(session.account.username, "logout", "account", session.account.username)
    )
    response = redirect("/admin/login")
    clear_session_cookie(response)
    # "storage" is left out on purpose: it would also wipe the public offline copy.
    response.headers["clear-site-data"] = '"cache", "cookies"'
    return response


def _new_account_problems(
    username: str, display_name: str, password: str, confirm: str
) -> dict[str, str]:
    problems = {}
    if problem := username_problem(username):
        problems["username"] = problem
    if problem := display_name_problem(display_name):
        problems["display_name"] = problem
    if problem := password_problem(password, username):
        problems["password"] = problem
    elif password != confirm:
        problems["confirm"] = "does not match the password"
    return problems


@public_form_view
async def accept(request: Request) -> Response:
    """The setup link and invitation links: choose a password, and the account exists."""
    token = request.path_params["token"]
    store = store_of(request)
    now = clock(request)
    invitation = await store.get_invitation(token, now)
    if invitation is None:
        return render(request, "link_void.html", status=404)
    values = {"username": invitation.username or "", "display_name": ""}
    if request.method == "GET":
        return render(request, "accept.html", invitation=invitation, values=values, problems={})
    username = invitation.username or normalize_username(_text(request, "username", 100))
    values = {"username": username, "display_name": _text(request, "display_name").strip()}
    password, confirm = _text(request, "password", 1024), _text(request, "confirm", 1024)
    problems = _new_account_problems(username, values["display_name"], password, confirm)
    if not problems:
        password_hash = await _hasher(request).hash(password)
        try:
            account = await store.accept_invitation(
                token, username, values["display_name"], password_hash, now
            )
        except AccountTaken:
            problems["username"] = "is taken; choose another"
        else:
            if account is None:
                return render(request, "link_void.html", status=404)
            return await _start_session(request, account.id, "/admin/")
    return render(
        request,
        "accept.html",
        status=400,
        invitation=invitation,
        values=values,
        problems=problems,
    )


@admin_view()
async def password(request: Request) -> Response:
    session = request.state.session
    if request.method == "GET":
        done = request.query_params.get("done") == "1"
        return render(request, "password.html", problems={}, done=done)
    store = store_of(request)
    account = session.account
    current = _text(request, "current", 1024)
    new, confirm = _text(request, "password", 1024), _text(request, "confirm", 1024)
    # Throttled like a sign-in: a stolen session must not be a way to guess the password.
    check = await _check_password(request, account.username, current)
    problems = {}
    if check.wait > 0:
        seconds, error = _wait_text(check.wait)
        response = render(
            request, "password.html", status=429, problems={"current": error}, done=False
        )
        response.headers["retry-after"] = seconds
        return response
    if not check.ok:
        problems["current"] = "is not right"
        await store.audit(
            AuditEntry(account.username, "password.failure", "account", account.username)
        )
    elif problem := password_problem(new, account.username):
        problems["password"] = problem
    elif new != confirm:
        problems["confirm"] = "does not match the new password"
    if problems:
        return render(request, "password.html", status=400, problems=problems, done=False)
    # Every session of this account ends, this one included; this browser gets a new one.
    await store.set_password_hash(
        account.id, await _hasher(request).hash(new), end_sessions=True, actor=account.username
    )
    return await _start_session(request, account.id, "/admin/password?done=1")


routes = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/setup/{token:str}", accept, methods=["GET", "POST"]),
    Route("/invite/{token:str}", accept, methods=["GET", "POST"]),
    Route("/password", password, methods=["GET", "POST"]),
]
