"""The catalogue: needs, organisations, services, videos and collections.

Field names follow Open Referral HSDS 3.0 where HSDS has the field. Every text a
person reads is a `Text`: a mapping from language code to text, English always
present. This module knows nothing of HTTP or SQL.
"""

from __future__ import annotations

import hashlib
import json
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

LANGUAGES = ("en", "fr", "ar", "es")
RTL_LANGUAGES = frozenset({"ar"})
DEFAULT_LANGUAGE = "en"
FORMAT = "cares-catalogue/1"
KINDS = ("needs", "organizations", "services", "videos", "collections")
SHARED_KINDS = {
    "need": "needs",
    "service": "services",
    "video": "videos",
    "collection": "collections",
}
FILES = ("site", *KINDS)

Text = dict[str, str]
TextList = dict[str, list[str]]
Status = Literal["active", "temporarily_closed", "inactive"]


@dataclass(frozen=True)
class Source:
    url: str
    date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Verified:
    on: str
    by: str


@dataclass(frozen=True)
class Emergency:
    number: str
    label: Text


@dataclass(frozen=True)
class Site:
    languages: list[str]
    title: Text
    description: Text
    share_subject: Text
    share_message: Text
    emergency: Emergency
    exit_url: str


@dataclass(frozen=True)
class Need:
    id: str
    code: str
    name: Text
    parent: str | None = None
    description: Text | None = None
    featured: bool = False


@dataclass(frozen=True)
class Organization:
    id: str
    name: Text
    description: Text | None = None
    url: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Phone:
    number: str
    type: Literal["voice", "text", "textphone", "fax"]
    description: Text
    extension: str | None = None
    hours: Text | None = None
    text_body: str | None = None
    hotline: bool = False
    strip: int | None = None


@dataclass(frozen=True)
class Address:
    address_1: str
    city: str
    state_province: str
    country: str
    postal_code: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Service:
    id: str
    code: str
    organization_id: str
    name: Text
    description: Text
    needs: list[str]
    status: Status
    sources: list[Source]
    verified: Verified | None
    alert: Text | None = None
    phones: list[Phone] = field(default_factory=list)
    text_chat: Text | None = None
    url: str | None = None
    email: str | None = None
    confidential_location: bool = False
    addresses: list[Address] = field(default_factory=list)
    hours: Text | None = None
    languages: TextList | None = None
    eligibility_description: Text | None = None
    fees_description: Text | None = None
    attention: list[str] = field(default_factory=list)
    notes: str | None = None

    @property
    def public_addresses(self) -> list[Address]:
        """Addresses safe to show or export: none at all for a confidential location."""
        return [] if self.confidential_location else self.addresses


@dataclass(frozen=True)
class Video:
    id: str
    code: str
    title: Text
    service_id: str
    needs: list[str]
    url: str | None
    sources: list[Source]
    verified: Verified | None
    summary: Text | None = None
    key_points: TextList | None = None
    transcript: Text | None = None
    platform: Literal["youtube", "facebook", "instagram", "x"] | None = None
    language: str | None = None
    duration_seconds: int | None = None
    thumbnail: str | None = None
    attention: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CollectionItem:
    kind: Literal["video", "service", "need"]
    id: str


@dataclass(frozen=True)
class Collection:
    id: str
    code: str
    name: Text
    items: list[CollectionItem]
    description: Text | None = None


@dataclass(frozen=True)
class Catalogue:
    site: Site
    needs: list[Need]
    organizations: list[Organization]
    services: list[Service]
    videos: list[Video]
    collections: list[Collection]

    @cached_property
    def by_id(self) -> dict[str, dict[str, Any]]:
        return {kind: {r.id: r for r in getattr(self, kind)} for kind in KINDS}

    @cached_property
    def by_code(self) -> dict[str, Need | Service | Video | Collection]:
        return {r.code: r for kind in SHARED_KINDS.values() for r in getattr(self, kind)}

    @cached_property
    def _groups(self) -> dict[str, dict[str | None, list[Any]]]:
        """Records grouped once, so rendering every page stays linear in size."""
        groups: dict[str, dict[str | None, list[Any]]] = {
            "children": {},
            "services": {},
            "videos_by_need": {},
            "videos_by_service": {},
        }
        for n in self.needs:
            groups["children"].setdefault(n.parent, []).append(n)
        for s in self.services:
            if s.status != "inactive":
                for need in s.needs:
                    groups["services"].setdefault(need, []).append(s)
        for v in self.videos:
            groups["videos_by_service"].setdefault(v.service_id, []).append(v)
            for need in v.needs:
                groups["videos_by_need"].setdefault(need, []).append(v)
        return groups

    def children(self, need_id: str | None) -> list[Need]:
        return self._groups["children"].get(need_id, [])

    def services_for(self, need_id: str) -> list[Service]:
        return self._groups["services"].get(need_id, [])

    def videos_for_need(self, need_id: str) -> list[Video]:
        return self._groups["videos_by_need"].get(need_id, [])

    def videos_for_service(self, service_id: str) -> list[Video]:
        return self._groups["videos_by_service"].get(service_id, [])

    def hotline_services(self) -> list[Service]:
        return [
            s for s in self.services if s.status != "inactive" and any(p.hotline for p in s.phones)
        ]

    @cached_property
    def _strip(self) -> list[tuple[Service, Phone]]:
        pinned = [
            (p.strip, s, p)
            for s in self.services
            if s.status != "inactive"
            for p in s.phones
            if p.strip
        ]
        return [(s, p) for _, s, p in sorted(pinned, key=lambda t: t[0])]

    def strip(self) -> list[tuple[Service, Phone]]:
        """The key lines shown on every page, in their set order."""
        return self._strip

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(canonical_json(catalogue_to_dict(self))).hexdigest()


# --- conversion between JSON documents and the model -------------------------


@cache
def _hints(tp: type) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(tp)
    return [(f.name, hints[f.name]) for f in fields(tp)]


def _build(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner[0], value)
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_build(item, v) for v in value]
    if is_dataclass(tp):
        return tp(**{name: _build(hint, value[name]) for name, hint in _hints(tp) if name in value})
    return value


def _dump(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _dump(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def build_catalogue(doc: dict[str, Any]) -> Catalogue:
    """Build the model from a document that has passed validation."""
    return _build(Catalogue, doc)


def build_record(kind: str, data: dict[str, Any]) -> Any:
    return _build(RECORD_TYPES[kind], data)


def catalogue_to_dict(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue as the project's JSON document (round-trips exactly)."""
    return {"format": FORMAT, **_dump(catalogue)}


def record_to_dict(record: Any) -> dict[str, Any]:
    return _dump(record)


def canonical_json(doc: Any) -> bytes:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


RECORD_TYPES: dict[str, type] = {
    "needs": Need,
    "organizations": Organization,
    "services": Service,
    "videos": Video,
    "collections": Collection,
}


# --- reading the catalogue/ folder ---------------------------------------------


def read_catalogue_dir(path: Path) -> dict[str, Any]:
    """Read site.json, needs.json... into one document. Raises CatalogueInvalid."""
    from server.validation import CatalogueInvalid, Problem

    doc: dict[str, Any] = {"format": FORMAT}
    problems = []
    for name in FILES:
        file = path / f"{name}.json"
        try:
            doc[name] = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(Problem(f"{name}.json", "", "file is missing"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem(f"{name}.json", "", f"not valid JSON: {exc}"))
    if problems:
        raise CatalogueInvalid(problems)
    return doc


def write_catalogue_dir(doc: dict[str, Any], path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        text = json.dumps(doc[name], indent=2, ensure_ascii=False) + "\n"
        (path / f"{name}.json").write_text(text, encoding="utf-8")


def localized(text: Text | None, lang: str) -> tuple[str | None, bool]:
    """The text in `lang`, else English; the flag says whether English stood in."""
    if not text:
        return None, False
    if lang in text:
        return text[lang], False
    return text.get(DEFAULT_LANGUAGE), lang != DEFAULT_LANGUAGE
