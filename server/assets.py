"""CSS and JS bundles: minified and content-hashed by webassets, held in memory."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from webassets import Bundle, Environment

STATIC = Path(__file__).resolve().parent.parent / "pwa" / "static"
CSS_FILES = ["css/base.css", "css/layout.css", "css/share.css"]
JS_FILES = sorted(p.relative_to(STATIC).as_posix() for p in (STATIC / "js").glob("*.js"))


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


def build_assets() -> Assets:
    """Build each bundle in a private temporary folder, so workers never race."""
    with tempfile.TemporaryDirectory(prefix="cares-assets-") as tmp:
        env = Environment(
            directory=tmp,
            url="/static",
            load_path=[str(STATIC)],
            cache=False,
            manifest=f"json:{tmp}/manifest.json",
            url_expire=False,
        )
        built = {}
        for name, files, filters, content_type in (
            ("css", CSS_FILES, "rcssmin", "text/css; charset=utf-8"),
            ("js", JS_FILES, "rjsmin", "text/javascript; charset=utf-8"),
        ):
            bundle = Bundle(*files, filters=filters, output=f"gen/app.%(version)s.{name}")
            env.register(name, bundle)
            (url,) = bundle.urls()
            output = Path(tmp) / url.removeprefix("/static/")
            built[name] = Asset(url, output.read_bytes(), content_type)
    return Assets(**built)
