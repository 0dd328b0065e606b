"""CSS and JS bundles: minified and content-hashed by webassets, held in memory."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from webassets import Bundle, Environment

STATIC = Path(__file__).resolve().parent.parent / "pwa" / "static"
CSS_FILES = [
    "css/base.css",
    "css/layout.css",
    "css/share.css",
    "css/share-sheet.css",
    "css/offline.css",
]
JS_FILES = sorted(p.relative_to(STATIC).as_posix() for p in (STATIC / "js").glob("*.js"))
# The admin's own bundle: never part of the public file set or the offline copy.
ADMIN_CSS_FILES = ["css/base.css", "admin/admin.css", "admin/sharing.css"]


@dataclass(frozen=True)
class Asset:
    url: str
    body: bytes
    content_type: str


@dataclass(frozen=True)
class Assets:
    css: Asset
    js: Asset

    def all(self) -> list[Asset]:
        return [self.css, self.js]


def _build(
    bundles: list[tuple[str, list[str], str, str]], url: str, prefix: str
) -> dict[str, Asset]:
    """Build each bundle in a private temporary folder, so workers never race."""
    with tempfile.TemporaryDirectory(prefix="cares-assets-") as tmp:
        env = Environment(
            directory=tmp,
            url=url,
            load_path=[str(STATIC)],
            cache=False,
            manifest=f"json:{tmp}/manifest.json",
            url_expire=False,
        )
        built = {}
        for name, files, filters, content_type in bundles:
            bundle = Bundle(*files, filters=filters, output=f"gen/{prefix}.%(version)s.{name}")
            env.register(name, bundle)
            (bundle_url,) = bundle.urls()
            output = Path(tmp) / bundle_url.removeprefix(url + "/")
            built[name] = Asset(bundle_url, output.read_bytes(), content_type)
    return built


def build_assets() -> Assets:
    built = _build(
        [
            ("css", CSS_FILES, "rcssmin", "text/css; charset=utf-8"),
            ("js", JS_FILES, "rjsmin", "text/javascript; charset=utf-8"),
        ],
        "/static",
        "app",
    )
    return Assets(**built)


@cache
def admin_css() -> Asset:
    """The admin's stylesheet, served under /admin/static/ (never published)."""
    built = _build(
        [("css", ADMIN_CSS_FILES, "rcssmin", "text/css; charset=utf-8")], "/admin/static", "admin"
    )
    return built["css"]
