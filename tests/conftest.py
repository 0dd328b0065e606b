"""Fixture chain: settings(tmp_path) -> seeded database -> app -> client."""

from __future__ import annotations

import json
import shutil
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

BASE_URL = "http://testserver"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db_path=tmp_path / "cares.db", base_url=BASE_URL)


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


@pytest.fixture
async def seeded(settings: Settings) -> Settings:
    """The database created and the default catalogue published, as on first start."""
    await prepare(settings)
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
