"""Fixture chain: settings(tmp_path) -> seeded database -> app -> client."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from server.app import create_app
from server.cli import prepare
from server.settings import ROOT, Settings
from server.store import Store
from tests.admin_client import PASSWORD, AdminClient

BASE_URL = "http://testserver"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Cheap argon2 parameters keep sign-ins fast; tests of the real policy set their own.
    return Settings(
        db_path=tmp_path / "cares.db",
        base_url=BASE_URL,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
    )


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A writable copy of the default catalogue folder."""
    folder = tmp_path / "catalogue"
    shutil.copytree(ROOT / "catalogue", folder)
    return folder


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2))


@pytest.fixture(scope="session")
def first_start_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database after a first start, made once per run: publishing takes a second."""
    folder = tmp_path_factory.mktemp("first-start")
    template = Settings(db_path=folder / "cares.db", base_url=BASE_URL)
    asyncio.run(prepare(template))
    return template.db_path


@pytest.fixture
async def seeded(settings: Settings, first_start_db: Path) -> Settings:
    """The database created and the default catalogue published, as on first start."""
    shutil.copy(first_start_db, settings.db_path)
    return settings


@pytest.fixture
async def store(seeded: Settings) -> AsyncIterator[Store]:
    s = await Store(seeded.db_path).open()
    yield s
    await s.close()


@pytest.fixture
async def app(seeded: Settings) -> AsyncIterator[Starlette]:
    application = create_app(seeded)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


class Clock:
    """The admin's clock, moved on by tests instead of waiting."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(app: Starlette) -> Clock:
    app.state.clock = Clock()
    return app.state.clock


async def make_account(app: Starlette, username: str, role: str = "publisher") -> None:
    store = app.state.store
    password_hash = await app.state.hasher.hash(PASSWORD)
    await store.create_account(username, username.title(), role, password_hash, "test")


@pytest.fixture
async def admin(app: Starlette, client: httpx.AsyncClient, clock: Clock) -> AdminClient:
    """A publisher, signed in."""
    await make_account(app, "pat", "publisher")
    signed_in = AdminClient(client)
    response = await signed_in.login("pat")
    assert response.status_code == 303, response.text
    return signed_in


def new_client(app: Starlette, address: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL)
