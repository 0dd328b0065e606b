"""The line between the public site and the admin, enforced for every response.

- Admin responses are never stored by any cache (``no-store``), errors included,
  and send their origin with their own forms (the CSRF check needs it).
- Public responses never set a cookie, whatever a route does.
- Admin request bodies get tighter bounds than the global one, checked before parsing.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ADMIN_PREFIX = "/admin"
FORM_LIMIT = 1024 * 1024


def is_admin_path(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


class Boundary:
    def __init__(self, app: ASGIApp, uploads: dict[str, int]) -> None:
        """`uploads` maps admin path prefixes that accept files to their byte limits."""
        self.app = app
        self.uploads = uploads

    def limit_for(self, path: str) -> int | None:
        """The admin's own, smaller limits; elsewhere http.BodyLimit's global one holds."""
        if not is_admin_path(path):
            return None
        for prefix, limit in self.uploads.items():
            if path.startswith(prefix):
                return limit
        return FORM_LIMIT

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        admin = is_admin_path(scope["path"])
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        # A declared size over the limit is refused before a byte is read.
        too_large = (
            limit is not None
            and declared is not None
            and (not declared.isdigit() or int(declared) > limit)
        )
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            if too_large:
                raise HTTPException(413)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if limit is not None and received > limit:
                    raise HTTPException(413)
            return message

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if admin:
                    headers["cache-control"] = "no-store"
                    headers["vary"] = "Cookie"
                    # Browsers send "Origin: null" on forms under no-referrer; the CSRF
                    # check needs the real origin, and admin pages link nowhere secret.
                    headers["referrer-policy"] = "same-origin"
                else:
                    del headers["set-cookie"]
            await send(message)

        await self.app(scope, bounded_receive, guarded_send)
