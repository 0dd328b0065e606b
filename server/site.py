"""Render the public site of a published version: a fixed set of files.

Every page in every language, the QR codes, the catalogue data, the offline
manifest and the assets. Pages carry nothing version-specific, so a file whose
inputs did not change renders to the same bytes and keeps its hash: an update
only moves the files that changed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, is_dataclass, replace
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import brotli
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from server import __version__, share, share_pages
from server.assets import Assets
from server.catalogue import (
    DEFAULT_LANGUAGE,
    RTL_LANGUAGES,
    SHARED_KINDS,
    Catalogue,
    Collection,
    Need,
    Service,
    Video,
    catalogue_to_dict,
    localized,
    record_to_dict,
)
from server.i18n import babel_locale, count_texts, html_lang, translations
from server.search import SEARCH_LIMIT, Hit, SearchIndex
from server.store import SiteFile

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "pwa" / "templates"
HTML = "text/html; charset=utf-8"
SVG = "image/svg+xml"
JSON = "application/json"
FIXED_PAGES = ("numbers", "find", "about", "offline")
COMMON = "common"
HASH_LENGTH = 32


@dataclass(frozen=True)
class StaticFile:
    path: str
    body: bytes
    content_type: str
    offline: str | None = COMMON


@dataclass(frozen=True)
class Theme:
    """Everything a render depends on besides the catalogue itself."""

    base_url: str
    assets: Assets
    statics: tuple[StaticFile, ...]
    build: str


@dataclass(frozen=True)
class Rendered:
    """One public file. `body` is None for a page known unchanged since an earlier render:
    `known_hash` then names the stored body it has. `inputs` identifies what a page
    was rendered from (see Renderer.inputs_of)."""

    path: str
    content_type: str
    body: bytes | None
    status: int = 200
    offline: str | None = COMMON
    inputs: str | None = None
    known_hash: str | None = None

    @property
    def body_hash(self) -> str:
        if self.body is None:
            assert self.known_hash is not None
            return self.known_hash
        return content_hash(self.body)


@dataclass(frozen=True)
class PageSpec:
    """A page to publish: its template, address and everything it is rendered from."""

    lang: str
    template: str
    path: str
    context: dict[str, Any]

    @property
    def status(self) -> int:
        return int(self.context.get("status", 200))


@dataclass(frozen=True)
class Localized:
    text: str | None
    fallback: bool

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text or ""


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:HASH_LENGTH]


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        loc=lambda text, lang=lang: Localized(*localized(text, lang)),
        tel=share.tel_href,
        page_path=lambda code, lang=lang: share.page_path(lang, code),
        fixed_path=lambda name, lang=lang: share.fixed_path(lang, name),
        long_date=lambda iso, lang=lang: format_date(
            date.fromisoformat(iso), "long", locale=babel_locale(lang)
        ),
        html_lang=html_lang,
        minutes=lambda seconds: max(1, round(seconds / 60)),
        count_texts=lambda singular, plural, lang=lang: count_texts(
            lang, singular, plural, SEARCH_LIMIT
        ),
    )
    return env


def build_id(base_url: str, sources: Iterable[Path]) -> str:
    """Identify this build of the code: a render is reused only by the same build."""
    digest = hashlib.sha256(f"{__version__}\n{base_url}\n".encode())
    for path in sorted(sources):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\n" + path.read_bytes())
    return digest.hexdigest()[:16]


def build_sources() -> list[Path]:
    globs = [
        ("pwa/templates", "**/*"),
        ("pwa/static", "**/*"),
        ("pwa/translations", "**/*.po"),
        ("server", "**/*.py"),
        (".", "service-worker.js"),
        (".", "manifest.json"),
    ]
    found = []
    for folder, pattern in globs:
        for path in (ROOT / folder).glob(pattern):
            if path.is_file() and "gen" not in path.relative_to(ROOT).parts:
                found.append(path)
    return found


def public_document(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue as the public may see it: no admin notes, no confidential address,
    and no name of whoever checked a record (the date is public, the staff member not)."""
    doc = catalogue_to_dict(catalogue)
    for kind in ("services", "videos"):
        for record in doc[kind]:
            record.pop("attention", None)
            record.pop("notes", None)
            if record.get("verified"):
                record["verified"] = {"on": record["verified"]["on"]}
            if record.get("confidential_location"):
                record["addresses"] = []
    return doc


Listed = Need | Service | Video | Collection


class Cards:
    """The cards that list records on other pages, rendered once per record, language
    and heading level: a service's card shows on each of its needs' pages, in search
    results and in lists, and rendering cards is most of what those pages cost."""

    def __init__(self, env: Environment, context: dict[str, Any]) -> None:
        self._module = env.get_template("_cards.html").make_module(context)
        self._made: dict[tuple[str, str, int], Markup] = {}

    def card(self, kind: str, record: Listed, level: int = 3) -> Markup:
        key = (kind, record.code, level)
        if key not in self._made:
            self._made[key] = self._module.card(kind, record, level)  # type: ignore[attr-defined]
        return self._made[key]

    def need_link(self, need: Need) -> Markup:
        key = ("need-link", need.code, 0)
        if key not in self._made:
            self._made[key] = self._module.need_link(need)  # type: ignore[attr-defined]
        return self._made[key]


class Renderer:
    def __init__(self, catalogue: Catalogue, theme: Theme, qr_cache: dict[str, str]) -> None:
        self.catalogue = catalogue
        self.theme = theme
        self.qr_cache = qr_cache
        self.qr_new: dict[str, str] = {}
        # Uploaded images the pages show (video thumbnails): {name: (type, bytes)}.
        self.media: dict[str, tuple[str, bytes]] = {}
        self._chrome: dict[str, dict[str, Markup]] = {}
        self._cards: dict[str, Cards] = {}
        self._indexes: dict[str, SearchIndex] = {}
        self._language_inputs: dict[str, bytes] = {}
        self._record_digests: dict[int, tuple[object, bytes]] = {}

    def qr(self, text: str) -> str:
        svg = self.qr_cache.get(text) or self.qr_new.get(text)
        if svg is None:
            svg = self.qr_new[text] = share.qr_svg(text)
        return svg

    def media_names(self) -> list[str]:
        return sorted({v.thumbnail for v in self.catalogue.videos if v.thumbnail})

    def qr_texts(self) -> list[str]:
        base = self.theme.base_url
        return [
            share.absolute(base, share.page_path(lang, code))
            for lang in self.catalogue.site.languages
            for code in self.catalogue.by_code
        ]

    def render(
        self,
        version_id: int,
        content_hash: str,
        earlier: Mapping[str, tuple[str, str]] | None = None,
    ) -> list[Rendered]:
        """Every public file of the version; pages unchanged since `earlier` are not
        rendered again (see render_language)."""
        files: list[Rendered] = []
        for lang in self.catalogue.site.languages:
            files += self.render_language(lang, earlier)
        data = json.dumps(
            public_document(self.catalogue), ensure_ascii=False, separators=(",", ":")
        )
        files.append(Rendered("/api/catalogue", JSON, data.encode()))
        files += [Rendered(a.url, a.content_type, a.body) for a in self.theme.assets.all()]
        files += [
            Rendered(s.path, s.content_type, s.body, offline=s.offline) for s in self.theme.statics
        ]
        files += [Rendered(f"/media/{name}", t, body) for name, (t, body) in self.media.items()]
        files.append(self.offline_manifest(files, version_id, content_hash))
        return files

    def offline_manifest(
        self, files: list[Rendered], version_id: int, content_hash: str
    ) -> Rendered:
        groups: dict[str, list[list[str]]] = {}
        for f in files:
            if f.offline and f.status == 200:
                groups.setdefault(f.offline, []).append([f.path, f.body_hash])
        manifest = {
            "version": version_id,
            "content_hash": content_hash,
            "languages": self.catalogue.site.languages,
            "files": groups,
        }
        body = json.dumps(manifest, separators=(",", ":"), sort_keys=True).encode()
        return Rendered("/api/offline.json", JSON, body, offline=None)

    def base_context(self, lang: str) -> dict[str, Any]:
        site = self.catalogue.site
        return {
            "lang": lang,
            "lang_tag": html_lang(lang),
            "dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
            "languages": site.languages,
            "site": site,
            "strip": self.catalogue.strip(),
            "assets": self.theme.assets,
            "home": share.home_path(lang),
            "exit_path": share.exit_path(lang),
            "alternates": {},
            "share": None,
            "full_strip": False,
            "sheet": share_pages.sheet_data(site, self.theme.base_url),
        }

    def chrome(self, lang: str) -> dict[str, Markup]:
        """The share sheet and offline status of a language's pages, rendered once:
        they are the same on every page, and rendering them is most of a page's cost."""
        if lang not in self._chrome:
            module = (
                environment(lang).get_template("_chrome.html").make_module(self.base_context(lang))
            )
            # Block assignments in an autoescaped template are already safe markup.
            self._chrome[lang] = {
                "offline_status": module.offline_status,  # type: ignore[attr-defined]
                "share_sheet": module.share_sheet,  # type: ignore[attr-defined]
            }
        return self._chrome[lang]

    def page(
        self,
        lang: str,
        template: str,
        path: str,
        status: int = 200,
        alternate_query: str = "",
        **context: Any,
    ) -> Rendered:
        cards = self.cards(lang)
        ctx = self.base_context(lang) | context
        ctx |= {"chrome": self.chrome(lang), "card": cards.card, "need_link": cards.need_link}
        # Every page links to the same page in each other language (a search
        # keeps its words), so a reader can switch without losing their place.
        ctx["alternates"] = {
            other: share.same_page(path, lang, other) + alternate_query
            for other in self.catalogue.site.languages
        }
        body = environment(lang).get_template(template).render(ctx).encode()
        offline = lang if status == 200 else None
        return Rendered(path, HTML, body, status=status, offline=offline)

    def share_context(self, lang: str, code: str, path: str | None = None) -> dict[str, str]:
        """Links, message and QR code for a record's page (or, given `path`, a list link)."""
        site = self.catalogue.site
        path = path or share.page_path(lang, code)
        url = share.absolute(self.theme.base_url, path)
        subject = localized(site.share_subject, lang)[0] or ""
        body = share.share_body(localized(site.share_message, lang)[0] or "", url)
        record = self.catalogue.by_code.get(code)
        name = record.title if isinstance(record, Video) else getattr(record, "name", None)
        return {
            "url": url,
            "code": code,
            # The address without its language: the share sheet adds the one chosen.
            "path": path.removeprefix(share.lang_prefix(lang)),
            "name": localized(name, lang)[0] or "",
            "qr": self.qr(url),
            "qr_path": share.qr_path(lang, code),
            "sms": share.sms_href(body),
            "mailto": share.mailto_href(subject, body),
            "subject": subject,
            "text": body,
        }

    def page_specs(self, lang: str) -> dict[str, PageSpec]:
        """Every page published for one language, by path (QR codes aside)."""
        cat = self.catalogue
        pages = [
            ("home.html", share.home_path(lang), {"needs": cat.needs, "full_strip": True}),
            (
                "numbers.html",
                share.fixed_path(lang, "numbers"),
                {"hotlines": cat.hotline_services()},
            ),
            (
                "find.html",
                share.fixed_path(lang, "find"),
                # The saved page carries every result card (see render_spec).
                {"query": "", "results": None, "searchable": self.search_cards(), "saved": True},
            ),
            ("about.html", share.fixed_path(lang, "about"), {}),
            ("offline.html", share.fixed_path(lang, "offline"), {"full_strip": True}),
            (
                "error.html",
                share.fixed_path(lang, "404"),
                {"status": 404, "code": 404, "message": ""},
            ),
            *share_pages.published_pages(cat, lang),
            ("blank.html", share.exit_page_path(lang), {}),
        ]
        specs = {path: PageSpec(lang, template, path, context) for template, path, context in pages}
        for kind in SHARED_KINDS.values():
            for record in getattr(cat, kind):
                spec = self.record_spec(lang, record)
                specs[spec.path] = spec
        return specs

    def render_spec(self, spec: PageSpec) -> Rendered:
        context = dict(spec.context)
        if context.pop("searchable", None) is not None:
            context["cards"] = self.card_html(spec.lang)
        return self.page(spec.lang, spec.template, spec.path, **context)

    def language_files(self, lang: str) -> dict[str, Callable[[], Rendered]]:
        """Every file published for one language, by path, each rendered only when called.

        Publishing renders them all; the admin's preview renders the one asked for,
        so it can show every page publishing makes, and only those.
        """
        files: dict[str, Callable[[], Rendered]] = {
            path: partial(self.render_spec, spec) for path, spec in self.page_specs(lang).items()
        }
        for kind in SHARED_KINDS.values():
            for record in getattr(self.catalogue, kind):
                files[share.qr_path(lang, record.code)] = partial(self.qr_file, lang, record.code)
        return files

    def render_language(
        self, lang: str, earlier: Mapping[str, tuple[str, str]] | None = None
    ) -> list[Rendered]:
        """A language's files; a page whose inputs match `earlier` ({path: (inputs, hash)},
        from the previous version's render) is not rendered again but refers to that body."""
        earlier = earlier or {}

        def made(
            path: str, inputs: str, make: Callable[[], Rendered], kind: str, status: int
        ) -> Rendered:
            known = earlier.get(path)
            if known and known[0] == inputs:
                offline = lang if status == 200 else None
                return Rendered(path, kind, None, status, offline, inputs, known[1])
            return replace(make(), inputs=inputs)

        files = [
            made(path, self.inputs_of(spec), partial(self.render_spec, spec), HTML, spec.status)
            for path, spec in self.page_specs(lang).items()
        ]
        for kind in SHARED_KINDS.values():
            for record in getattr(self.catalogue, kind):
                # A QR code is made from its page's address alone.
                url = self.page_url(lang, record.code)
                inputs = hashlib.sha256(f"qr\n{url}".encode()).hexdigest()
                make = partial(self.qr_file, lang, record.code)
                files.append(made(share.qr_path(lang, record.code), inputs, make, SVG, 200))
        return files

    def page_url(self, lang: str, code: str) -> str:
        return share.absolute(self.theme.base_url, share.page_path(lang, code))

    def inputs_of(self, spec: PageSpec) -> str:
        """A digest of everything a page is rendered from: its template, address and
        language, what every page of the language shows, and the records it is given.

        The code and templates are the build (theme.build), which a stored render is
        kept under; the same inputs in the same build make the same bytes.
        """
        if spec.lang not in self._language_inputs:
            base = self.base_context(spec.lang)
            del base["assets"]  # part of the build
            # The lines on every page show each service's name and the phone, no more
            # (_partials.html, emergency_strip): other changes to those services
            # leave the pages that do not list them as they were.
            base["strip"] = [(service.name, phone) for service, phone in base["strip"]]
            self._language_inputs[spec.lang] = self._digest_of(base)
        digest = hashlib.sha256(self._language_inputs[spec.lang])
        digest.update(self._digest_of([spec.template, spec.path, spec.context]))
        return digest.hexdigest()

    def _digest_of(self, value: Any) -> bytes:
        if value is None or isinstance(value, str | int | float | bool):
            return repr(value).encode()
        if isinstance(value, list | tuple):
            return b"[" + b",".join(self._digest_of(v) for v in value) + b"]"
        if isinstance(value, dict):
            items = sorted(value.items())
            return b"{" + b",".join(self._digest_of(list(i)) for i in items) + b"}"
        if is_dataclass(value) and not isinstance(value, type):
            found = self._record_digests.get(id(value))
            if found is None or found[0] is not value:
                dumped = json.dumps(record_to_dict(value), sort_keys=True, ensure_ascii=False)
                found = (value, hashlib.sha256(dumped.encode()).digest())
                self._record_digests[id(value)] = found
            return found[1]
        raise TypeError(f"a page rendered from a {type(value).__name__} cannot be compared")

    def render_path(self, path: str) -> Rendered | None:
        """Render the one public file at `path` (a page or a QR code), None when there is none.

        The admin's preview uses it: the draft shown exactly as publishing would render it.
        """
        prefixed = [
            code
            for code in self.catalogue.site.languages
            if share.lang_prefix(code) and path.startswith(share.lang_prefix(code) + "/")
        ]
        make = self.language_files(prefixed[0] if prefixed else DEFAULT_LANGUAGE).get(path)
        return make() if make else None

    def qr_file(self, lang: str, code: str) -> Rendered:
        url = self.page_url(lang, code)
        return Rendered(share.qr_path(lang, code), SVG, _svg_file(self.qr(url)), offline=lang)

    def search_cards(self) -> list[tuple[str, Need | Service | Video]]:
        """Every record a search can find (see server/search.py), for the in-page search."""
        cat = self.catalogue
        return [
            *(("need", n) for n in cat.needs),
            *(("service", s) for s in cat.services if s.status != "inactive"),
            *(("video", v) for v in cat.videos),
        ]

    def cards(self, lang: str) -> Cards:
        if lang not in self._cards:
            self._cards[lang] = Cards(environment(lang), self.base_context(lang))
        return self._cards[lang]

    def card_html(self, lang: str) -> dict[str, Markup]:
        """Each searchable record's result card, by code: the saved search page carries
        them all, and a search shows some of them."""
        card = self.cards(lang).card
        return {r.code: card(kind, r, 2) for kind, r in self.search_cards()}

    def search(self, query: str, lang: str) -> list[Hit]:
        if lang not in self._indexes:
            self._indexes[lang] = SearchIndex(self.catalogue, lang)
        return self._indexes[lang].search(query)

    def record_spec(self, lang: str, record: Need | Service | Video | Collection) -> PageSpec:
        path = share.page_path(lang, record.code)
        shared = self.share_context(lang, record.code)
        cat = self.catalogue
        if isinstance(record, Need):
            return self._spec(
                lang,
                "need.html",
                path,
                need=record,
                parent=cat.by_id["needs"].get(record.parent or ""),
                children=cat.children(record.id),
                services=(services := cat.services_for(record.id)),
                lines=[(s, p) for s in services for p in s.phones if p.hotline],
                videos=cat.videos_for_need(record.id),
                share=shared,
            )
        if isinstance(record, Service):
            return self._spec(
                lang,
                "service.html",
                path,
                service=record,
                organization=cat.by_id["organizations"].get(record.organization_id),
                needs=[cat.by_id["needs"][n] for n in record.needs],
                videos=cat.videos_for_service(record.id),
                share=shared,
            )
        if isinstance(record, Video):
            return self._spec(
                lang,
                "video.html",
                path,
                video=record,
                service=cat.by_id["services"][record.service_id],
                share=shared,
            )
        items = [(item.kind, cat.by_id[SHARED_KINDS[item.kind]][item.id]) for item in record.items]
        return self._spec(
            lang, "collection.html", path, collection=record, items=items, share=shared
        )

    def _spec(self, lang: str, template: str, path: str, **context: Any) -> PageSpec:
        return PageSpec(lang, template, path, context)


def _svg_file(inline_svg: str) -> bytes:
    svg = inline_svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n").encode()


_SERVING: list[Renderer] = []


def serving_renderer(catalogue: Catalogue, theme: Theme) -> Renderer:
    """One renderer per served catalogue, kept between requests: what every page of a
    language shares is then rendered once, not for each search or list."""
    for renderer in _SERVING:
        if renderer.catalogue is catalogue and renderer.theme is theme:
            return renderer
    renderer = Renderer(catalogue, theme, {})
    _SERVING[:] = [renderer, *_SERVING[:1]]  # the served version and the one before
    return renderer


def render_page(
    catalogue: Catalogue, theme: Theme, lang: str, template: str, path: str, **context: Any
) -> bytes:
    """Render one page outside a publish (an error page, a list of chosen items)."""
    renderer = serving_renderer(catalogue, theme)
    return renderer.page(lang, template, path, **context).body


def render_search(catalogue: Catalogue, theme: Theme, lang: str, query: str) -> bytes:
    """The search page with the results for `query`, from the served version's index."""
    renderer = serving_renderer(catalogue, theme)
    results = renderer.search(query, lang)
    card = renderer.cards(lang).card
    return renderer.page(
        lang,
        "find.html",
        share.fixed_path(lang, "find"),
        alternate_query="?" + urlencode({"q": query}),
        query=query,
        results=[hit.record.code for hit in results],
        cards={hit.record.code: card(hit.kind, hit.record, 2) for hit in results},
        saved=False,
    ).body


def _compressed(f: Rendered, known: set[str]) -> SiteFile:
    digest = f.body_hash
    gz = br = None
    if f.body is None:  # unchanged since the last render: its body is stored
        return SiteFile(f.path, f.content_type, digest, f.status, f.offline, None, gz, br, f.inputs)
    if digest not in known and len(f.body) > 256 and not f.content_type.startswith("image/png"):
        gz = gzip.compress(f.body, compresslevel=9, mtime=0)
        # Quality 5 compresses within 1% of 9 here, at a twentieth of the time.
        br = brotli.compress(f.body, quality=5)
    return SiteFile(f.path, f.content_type, digest, f.status, f.offline, f.body, gz, br, f.inputs)


def compress(files: list[Rendered], known: set[str]) -> list[SiteFile]:
    """Hash and precompress each file once; bodies already stored keep their compression.

    zlib and brotli release the GIL, so threads use every core.
    """
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(lambda f: _compressed(f, known), files, chunksize=64))


STATIC_TYPES = {
    ".png": "image/png",
    ".svg": SVG,
    ".ico": "image/x-icon",
    ".json": JSON,
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
ROOT_FILES = {
    "manifest.json": ("application/manifest+json", COMMON),
    "service-worker.js": ("text/javascript; charset=utf-8", None),
}


@cache
def load_theme(base_url: str) -> Theme:
    """Build the assets and gather the static files this build of the code serves."""
    from server.assets import build_assets

    # The worker script is fetched by the browser itself, never from a cache.
    statics = [
        StaticFile(f"/{name}", (ROOT / name).read_bytes(), ctype, offline)
        for name, (ctype, offline) in ROOT_FILES.items()
    ]
    for folder in ("icons", "vendor"):
        for path in sorted((ROOT / "pwa" / "static" / folder).glob("*")):
            if path.is_file() and path.suffix in STATIC_TYPES:
                statics.append(
                    StaticFile(
                        f"/static/{folder}/{path.name}",
                        path.read_bytes(),
                        STATIC_TYPES[path.suffix],
                    )
                )
    return Theme(
        base_url=base_url,
        assets=build_assets(),
        statics=tuple(statics),
        build=build_id(base_url, build_sources()),
    )
