"""Publishing: validated, immutable, all or nothing, one version per change."""

from __future__ import annotations

import asyncio

import pytest

from server.catalogue import read_catalogue_dir
from server.publishing import publish_directory, publish_draft
from server.site import load_theme
from server.store import Store
from tests.conftest import edit_json


async def test_first_start_publishes_version_one(store):
    version = await store.latest_version()
    assert version.id == 1
    assert len(version.content_hash) == 64
    assert version.published_at.endswith("Z")
    files = await store.site_files(1, load_theme("http://testserver").build)
    assert files, "the first version is rendered"


async def test_publishing_unchanged_content_creates_no_version(store, seeded):
    theme = load_theme(seeded.base_url)
    result = await publish_draft(store, theme, seeded, actor="test")
    assert not result.created and result.version.id == 1


async def test_a_change_publishes_a_new_version(store, seeded, catalogue_copy):
    edit_json(
        catalogue_copy / "services.json",
        lambda services: services[5]["phones"][0].update(hours={"en": "Always open"}),
    )
    theme = load_theme(seeded.base_url)
    result = await publish_directory(
        store, theme, seeded, catalogue_copy, actor="test", note="hours"
    )
    assert result.created and result.version.id == 2 and result.version.note == "hours"
    assert (await store.version_document(1)) != (await store.version_document(2))


async def test_two_publishers_at_once_make_exactly_one_version(store, seeded, catalogue_copy):
    edit_json(
        catalogue_copy / "services.json",
        lambda services: services[5].update(alert={"en": "Phones down until noon"}),
    )
    theme = load_theme(seeded.base_url)
    await store.replace_draft(read_catalogue_dir(catalogue_copy), "test")
    other = await Store(seeded.db_path).open()
    try:
        results = await asyncio.gather(
            publish_draft(store, theme, seeded, actor="a"),
            publish_draft(other, theme, seeded, actor="b"),
        )
    finally:
        await other.close()
    assert sum(r.created for r in results) == 1
    assert {r.version.id for r in results} == {2}
    assert [v.id for v in await store.list_versions()] == [2, 1]


async def test_a_failure_mid_publish_leaves_the_previous_version(
    store, seeded, catalogue_copy, monkeypatch
):
    edit_json(
        catalogue_copy / "services.json",
        lambda services: services[5].update(alert={"en": "Half-written"}),
    )
    theme = load_theme(seeded.base_url)

    async def crash(*args, **kwargs):
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(
        "server.store._prune_renders", crash
    )  # runs after the version row is inserted
    with pytest.raises(RuntimeError, match="disk pulled out"):
        await publish_directory(store, theme, seeded, catalogue_copy, actor="test")
    versions = await store.list_versions()
    assert [v.id for v in versions] == [1]
    assert await store.site_files(1, theme.build)
    assert len(await store.site_files(2, theme.build)) == 0
