"""Admin sessions over HTTP: the cookie, timeouts, CSRF checks and login throttling."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from server.store import Store
from server.store.accounts import Session

COOKIE = "__Host-cares-session"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60
# Refreshing "last seen" on every request would make every page a write.
TOUCH_EVERY_SECONDS = 60
# Login throttling: (attempts allowed before waits start, longest wait in seconds).
# Per address the wait grows to 15 minutes; per account it stops at one minute,
# so someone guessing from many addresses slows a real admin down but can never
# lock them out for longer than that.
ADDRESS_LIMIT = (5, 15 * 60)
ACCOUNT_LIMIT = (5, 60)
FORGET_FAILURES_AFTER = 60 * 60


def clock(request: Request) -> float:
    """The time the admin runs on (tests replace app.state.clock to move it on)."""
    now: Callable[[], float] = getattr(request.app.state, "clock", time.time)
    return now()


def client_address(request: Request) -> str:
    """The client's address for throttling.

    The socket peer, which uvicorn replaces with the X-Forwarded-For address only
    when the request comes from one of CARES_TRUSTED_PROXIES.
    """
    return request.client.host if request.client else "unknown"


def throttle_keys(request: Request, username: str) -> dict[str, tuple[int, float]]:
    return {
        f"account:{username[:64]}": ACCOUNT_LIMIT,
        f"address:{client_address(request)}": ADDRESS_LIMIT,
    }


async def load_session(request: Request) -> Session | None:
    """The request's live session, or None. Ends a session that has timed out."""
    session_id = request.cookies.get(COOKIE, "")
    if not session_id or len(session_id) > 100:
        return None
    store: Store = request.app.state.store
    session = await store.get_session(session_id)
    if session is None:
        return None
    now = clock(request)
    if now - session.seen_at > IDLE_SECONDS or now - session.created_at > ABSOLUTE_SECONDS:
        await store.end_session(session.id_hash)
        return None
    if now - session.seen_at > TOUCH_EVERY_SECONDS:
        await store.touch_session(session.id_hash, now)
    return session


def set_session_cookie(response: Response, session_id: str) -> None:
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=ABSOLUTE_SECONDS,
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response) -> None:
    response.set_cookie(
        COOKIE, "", max_age=0, expires=0, path="/", secure=True, httponly=True, samesite="strict"
    )


def same_origin(request: Request) -> bool:
    """True when the browser says the request comes from this site's own pages.

    Browsers send Origin on every POST and Sec-Fetch-Site on every request; a
    request carrying neither (an old browser, a script) is refused too.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return False
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == request.app.state.settings.base_url
    return site == "same-origin"


def csrf_ok(request: Request, session: Session, token: str) -> bool:
    return same_origin(request) and hmac.compare_digest(token.encode(), session.csrf_token.encode())
