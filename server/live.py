"""The published site as served: one in-memory file set, swapped by one pointer."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from server.catalogue import Catalogue, build_catalogue
from server.publishing import ensure_rendered
from server.site import Theme
from server.store import Store, VersionInfo

log = logging.getLogger("cares")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@dataclass(frozen=True)
class ServedFile:
    path: str
    content_type: str
    status: int
    etag: str
    body: bytes
    gzip: bytes | None
    br: bytes | None
    cache_control: str
    offline: str | None


def version_payload(version: VersionInfo, offline_hash: str) -> dict[str, object]:
    """The answer of /api/version: which version is published and where its offline set is."""
    return {
        "version": version.id,
        "content_hash": version.content_hash,
        "published_at": version.published_at,
        "offline_manifest": {"url": "/api/offline.json", "etag": offline_hash},
    }


@dataclass(frozen=True)
class PublicSite:
    version: VersionInfo
    catalogue: Catalogue
    files: dict[str, ServedFile]


class LiveSite:
    """Holds the newest published version and notices publishes made by other processes."""

    def __init__(self, store: Store, theme: Theme, poll_seconds: float = 0.25) -> None:
        self.store = store
        self.theme = theme
        self.poll_seconds = poll_seconds
        self.current: PublicSite | None = None
        self._lock = asyncio.Lock()

    async def refresh(self) -> PublicSite | None:
        """Load the newest version if it is not the one served; return what is served."""
        latest_id = await self.store.latest_version_id()
        if self.current and self.current.version.id == latest_id:
            return self.current
        async with self._lock:
            if latest_id and not (self.current and self.current.version.id == latest_id):
                self.current = await self._load(latest_id)
        return self.current

    async def _load(self, version_id: int) -> PublicSite:
        files = await self.store.site_files(version_id, self.theme.build)
        if not files:
            await ensure_rendered(self.store, self.theme, version_id)
            files = await self.store.site_files(version_id, self.theme.build)
        version = await self.store.get_version(version_id)
        doc = await self.store.version_document(version_id)
        assert version is not None and doc is not None
        served = {
            f.path: ServedFile(
                path=f.path,
                content_type=f.content_type,
                status=f.status,
                etag=f'"{f.hash}"',
                body=f.body,
                gzip=f.gzip,
                br=f.br,
                cache_control=IMMUTABLE if f.path.startswith("/static/gen/") else REVALIDATE,
                offline=f.offline,
            )
            for f in files
        }
        log.info("serving version %s (%d files)", version_id, len(served))
        return PublicSite(version, build_catalogue(doc), served)

    async def poll(self) -> None:
        """Check for another process's publish every poll_seconds, until cancelled."""
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.refresh()
            except Exception:
                log.exception("could not refresh the published site")
