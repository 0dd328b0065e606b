"""Publishing: validated, immutable, all or nothing, one version per change."""

from __future__ import annotations

import asyncio

import pytest

from server import share
from server.catalogue import read_catalogue_dir
from server.publishing import PARALLEL_QR, make_qr_codes, publish_directory, publish_draft
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


def test_qr_codes_made_in_batches_are_the_ones_made_here():
    texts = [f"https://help.example.org/s/{n:04d}" for n in range(PARALLEL_QR + 7)]
    made = make_qr_codes(texts)
    assert sorted(made) == sorted(texts)
    assert all(made[t] == share.qr_svg(t) for t in texts[:: len(texts) // 9])


def test_qr_codes_are_made_here_when_a_batch_cannot_run(monkeypatch, caplog):
    monkeypatch.setattr("server.publishing.sys.executable", "/nonexistent/python")
    texts = [f"https://help.example.org/fr/s/{n:04d}" for n in range(PARALLEL_QR)]
    made = make_qr_codes(texts)
    assert made[texts[3]] == share.qr_svg(texts[3]) and len(made) == len(texts)
    assert "made in this process instead" in caplog.text
