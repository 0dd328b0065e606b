"""The application: create_app(settings) -> Starlette."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp

from server.errors import HANDLERS
from server.http import BodyLimit, PublishedFiles, SecurityHeaders
from server.live import LiveSite
from server.routes import api, public
from server.settings import Settings, load_settings
from server.site import load_theme
from server.store import Store


class CaresApp(Starlette):
    """Starlette with the security headers outside everything, 500 pages included."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        inner = TrustedHostMiddleware(super().build_middleware_stack(), settings.host_names)
        full = SecurityHeaders(BodyLimit(inner, settings.max_body_bytes), https=settings.https)
        return PublishedFiles(full, self.state, settings.host_names, settings.https)


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = await Store(settings.db_path).open()
        app.state.store = store
        app.state.live = LiveSite(store, app.state.theme)
        await app.state.live.refresh()
        poller = asyncio.create_task(app.state.live.poll())
        try:
            yield
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
            await store.close()

    app = CaresApp(
        routes=[*api.routes, *public.routes],
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.theme = load_theme(settings.base_url)
    app.state.live = None
    return app


def create_app_from_env() -> Starlette:
    """Factory for uvicorn workers: each reads the same environment."""
    return create_app(load_settings())
