"""The application: create_app(settings) -> Starlette."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from server.accounts import Hasher
from server.boundary import Boundary
from server.counting import CountOpens, OpenCounter
from server.errors import HANDLERS
from server.http import BodyLimit, FailPaths, PageCache, PublishedFiles, SecurityHeaders
from server.live import LiveSite
from server.routes import (
    admin_accounts,
    admin_audit,
    admin_auth,
    admin_home,
    admin_media,
    admin_opens,
    admin_records,
    admin_stickers,
    admin_transfer,
    admin_versions,
    api,
    lists,
    public,
)
from server.settings import Settings, load_settings
from server.site import load_theme
from server.store import Store


class CaresApp(Starlette):
    """Starlette with the security headers outside everything, 500 pages included."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        # Admin forms and thumbnails get smaller limits than the global one, which
        # also bounds an import; multipart framing adds a little to the file itself.
        uploads = {
            "/admin/import": settings.max_body_bytes,
            "/admin/thumbnails/": settings.max_thumbnail_bytes + 64 * 1024,
        }
        inner = Boundary(super().build_middleware_stack(), uploads)
        inner = TrustedHostMiddleware(inner, settings.host_names)
        full = SecurityHeaders(BodyLimit(inner, settings.max_body_bytes), https=settings.https)
        published = PublishedFiles(full, self.state, settings.host_names, settings.https)
        # Outside the in-memory file server, which answers short links itself.
        counted = CountOpens(published, self.state, settings.host_names)
        if settings.test_fail_paths:
            return FailPaths(counted, settings.test_fail_paths, settings.https)
        return counted


# Mounted at /admin, so a wrong method on an admin address is a 405, never a public page.
ADMIN_ROUTES = [
    *admin_home.routes,
    *admin_auth.routes,
    *admin_accounts.routes,
    *admin_media.routes,
    *admin_versions.routes,
    *admin_audit.routes,
    *admin_transfer.routes,
    *admin_opens.routes,
    *admin_stickers.routes,
    # Last: its /{kind} addresses would otherwise catch the pages above.
    *admin_records.routes,
]


async def admin_root(request: Request) -> Response:
    return RedirectResponse("/admin/", status_code=301)


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = await Store(settings.db_path).open()
        app.state.store = store
        app.state.live = LiveSite(store, app.state.theme)
        await app.state.live.refresh()
        poller = asyncio.create_task(app.state.live.poll())
        counts = asyncio.create_task(app.state.counter.run(store))
        try:
            yield
        finally:
            for task in (poller, counts):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await store.close()

    app = CaresApp(
        routes=[
            *api.routes,
            Route("/admin", admin_root, methods=["GET", "HEAD"]),
            Mount("/admin", routes=ADMIN_ROUTES),
            *lists.routes,
            *public.routes,
        ],
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.settings = settings
    if settings.test_fail_paths:
        logging.getLogger("cares").warning(
            "TEST SETTING CARES_TEST_FAIL_PATHS: answering 500 for %s",
            ", ".join(settings.test_fail_paths),
        )
    app.state.theme = load_theme(settings.base_url)
    app.state.live = None
    app.state.counter = OpenCounter()
    app.state.search_pages = PageCache()
    app.state.hasher = Hasher(
        time_cost=settings.argon2_time_cost,
        memory_kib=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )
    return app


def create_app_from_env() -> Starlette:
    """Factory for uvicorn workers: each reads the same environment."""
    return create_app(load_settings())
