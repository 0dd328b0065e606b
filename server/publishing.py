"""Publishing: validate the draft, render the public site, store a new version."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server import share
from server.catalogue import Catalogue, build_catalogue, catalogue_to_dict, read_catalogue_dir
from server.diff import describe, document_changes, trimmed
from server.settings import Settings
from server.site import Renderer, Theme, compress
from server.store import SiteFile, Store, StoreBusy, VersionInfo
from server.store.audit import AuditEntry
from server.validation import CatalogueInvalid, Problem, validate_catalogue

log = logging.getLogger("cares")


@dataclass(frozen=True)
class PublishResult:
    version: VersionInfo
    created: bool


# Below this many new codes, starting worker processes costs more than it saves.
PARALLEL_QR = 200


def make_qr_codes(texts: list[str]) -> dict[str, str]:
    """QR codes for many addresses, on every core: segno is pure Python, and a first
    publish of a large catalogue makes thousands (each page, in each language).

    The batches run as separate interpreters (server/qr_batch.py) rather than a
    multiprocessing pool, which would fork a threaded server or re-run the calling
    script. A batch that fails is made here instead.
    """
    cores = os.cpu_count() or 1
    if len(texts) < PARALLEL_QR or cores < 2:
        return {t: share.qr_svg(t) for t in texts}
    batches = [texts[n::cores] for n in range(cores)]

    def run(batch: list[str]) -> list[str]:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "server.qr_batch"],
                input=json.dumps(batch),
                capture_output=True,
                text=True,
                check=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
            svgs = json.loads(done.stdout)
            if len(svgs) == len(batch):
                return svgs
        except (OSError, subprocess.CalledProcessError, ValueError) as error:
            log.warning("QR codes made in this process instead: %s", error)
        return [share.qr_svg(t) for t in batch]

    with ThreadPoolExecutor(len(batches)) as pool:
        made = list(pool.map(run, batches))
    codes: dict[str, str] = {}
    for batch, svgs in zip(batches, made, strict=True):
        codes.update(zip(batch, svgs, strict=True))
    return codes


async def render_files(
    store: Store,
    catalogue: Catalogue,
    theme: Theme,
    version_id: int,
    earlier_version: int | None = None,
) -> tuple[list[SiteFile], dict[str, str]]:
    """Render and compress the site off the event loop, reusing stored QR codes and blobs,
    and the pages of `earlier_version` whose inputs have not changed."""
    renderer = Renderer(catalogue, theme, {})
    texts = renderer.qr_texts()
    renderer.qr_cache = await store.qr_svgs(texts)
    missing = [t for t in texts if t not in renderer.qr_cache]
    renderer.qr_new = await asyncio.to_thread(make_qr_codes, missing)
    renderer.media = await store.media_files(renderer.media_names())
    earlier = await store.render_inputs(earlier_version, theme.build) if earlier_version else {}
    rendered = await asyncio.to_thread(renderer.render, version_id, catalogue.content_hash, earlier)
    known = await store.known_blobs(f.body_hash for f in rendered if f.body is not None)
    files = await asyncio.to_thread(compress, rendered, known)
    return files, renderer.qr_new


async def publish_document(
    store: Store,
    theme: Theme,
    settings: Settings,
    doc: dict[str, Any],
    *,
    actor: str | None,
    note: str | None = None,
    rollback_of: int | None = None,
    validated: Catalogue | None = None,
) -> PublishResult:
    """Publish a catalogue document as a new immutable version.

    Publishing content identical to the newest version creates nothing and
    returns that version, so two publishers pressing at once make one version.
    The audit entry (with what changed) is written in the same transaction; a
    rollback also resets the draft to the content it publishes. `validated` is `doc`
    already validated, when the caller has just done so.
    """
    catalogue = validated or validate_catalogue(doc, settings.video_hosts)
    latest = await store.latest_version()
    if latest and latest.content_hash == catalogue.content_hash and rollback_of is None:
        return PublishResult(latest, created=False)
    expected = latest.id if latest else 0
    files, qr_new = await render_files(
        store, catalogue, theme, expected + 1, latest.id if latest else None
    )
    published = catalogue_to_dict(catalogue)
    previous = await store.version_document(latest.id) if latest else None
    changes = document_changes(previous, published)
    audit = AuditEntry(
        actor,
        "rollback" if rollback_of is not None else "publish",
        "version",
        None,
        {
            "note": note or "",
            "changes": trimmed(changes),
            "summary": describe(changes),
            **({"rollback_of": rollback_of} if rollback_of is not None else {}),
        },
    )
    version = await store.insert_version(
        published,
        catalogue.content_hash,
        actor=actor,
        note=note,
        rollback_of=rollback_of,
        expected_latest=expected,
        build=theme.build,
        files=files,
        qr_new=qr_new,
        audit=audit,
        reset_draft=rollback_of is not None,
    )
    if version is None:
        newest = await store.latest_version()
        if newest and newest.content_hash == catalogue.content_hash:
            return PublishResult(newest, created=False)
        raise StoreBusy
    return PublishResult(version, created=True)


async def publish_draft(
    store: Store, theme: Theme, settings: Settings, *, actor: str | None, note: str | None = None
) -> PublishResult:
    doc = await store.draft_document()
    if doc is None:
        raise CatalogueInvalid([Problem("catalogue", "", "there is no draft to publish")])
    return await publish_document(store, theme, settings, doc, actor=actor, note=note)


async def publish_directory(
    store: Store,
    theme: Theme,
    settings: Settings,
    folder: Path,
    *,
    actor: str | None,
    note: str | None = None,
) -> PublishResult:
    """Replace the draft with the files in `folder` and publish it (all or nothing)."""
    doc = read_catalogue_dir(folder)
    catalogue = validate_catalogue(doc, settings.video_hosts)
    new_draft = catalogue_to_dict(catalogue)
    changes = document_changes(await store.draft_document(), new_draft)
    audit = AuditEntry(
        actor, "import", "catalogue", None, {"from": str(folder), "changes": trimmed(changes)}
    )
    await store.replace_draft(new_draft, actor, audit if changes else None)
    return await publish_document(
        store, theme, settings, new_draft, actor=actor, note=note, validated=catalogue
    )


async def ensure_rendered(store: Store, theme: Theme, version_id: int) -> None:
    """Render a stored version for this build of the code, when not done yet."""
    doc = await store.version_document(version_id)
    if doc is None:
        return
    catalogue = build_catalogue(doc)  # validated when it was published
    files, _ = await render_files(store, catalogue, theme, version_id)
    await store.store_render(version_id, theme.build, files)
