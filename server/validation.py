"""Validation of catalogue documents: structure (JSON Schema) and domain rules.

Every problem names the record (``services/hiatus-house``) and the field
(``phones[0].number``) so an admin can find and fix it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import fastjsonschema
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

from server.catalogue import (
    KINDS,
    LANGUAGES,
    SHARED_KINDS,
    Catalogue,
    build_catalogue,
)

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "catalogue" / "schema.json"
MAX_PROBLEMS = 200
SHELTER_NEED = "shelter"
VIDEO_PLATFORMS = {
    "youtube": {"www.youtube.com", "youtube.com", "m.youtube.com", "youtu.be"},
    "facebook": {"www.facebook.com", "facebook.com", "m.facebook.com", "fb.watch"},
    "instagram": {"www.instagram.com", "instagram.com"},
    "x": {"x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"},
}
# Bidi embeddings, overrides and isolates can make text read differently from
# how it is stored (a "Trojan Source" trick); marks (LRM/RLM) stay allowed.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_TYPE_NAMES = {
    "string": "text",
    "object": "an object",
    "array": "a list",
    "integer": "a whole number",
    "boolean": "true or false",
    "['string', 'null']": "text or null",
    "['integer', 'null']": "a whole number or null",
}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters that show nothing (so two names can look the same, or a word hide
# from search), line separators, tag characters and unpaired surrogates. Zero-width
# joiners (U+200C, U+200D) stay allowed: Arabic and emoji need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u2028\u2029\U000e0000-\U000e007f\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.record} {self.field}".strip()
        return f"{where}: {self.message}"


class CatalogueInvalid(Exception):
    """The catalogue (or an edit to it) breaks one or more rules."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]))


@cache
def _schema() -> dict[str, Any]:
    return _anchored(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _anchored(node: Any) -> Any:
    """Patterns end with Python's end-of-text anchor instead of `$`.

    JSON Schema's `$` means the end of the text; Python's also matches before a
    final newline, which would let a code with a line break at its end pass.
    """
    if isinstance(node, dict):
        out = {k: _anchored(v) for k, v in node.items()}
        pattern = node.get("pattern")
        if isinstance(pattern, str) and pattern.endswith("$") and not pattern.endswith("\\$"):
            out["pattern"] = pattern[:-1] + "\\Z"
        return out
    if isinstance(node, list):
        return [_anchored(v) for v in node]
    return node


@cache
def _fast_check() -> Any:
    """A compiled validator: about 20 times faster, but it stops at the first error."""
    return fastjsonschema.compile(_schema())


def _field_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _locate(doc: dict[str, Any], path: list[Any]) -> tuple[str, str]:
    """Turn a JSON path into (record, field): ('services/hiatus-house', 'phones[0].number')."""
    if not path:
        return "catalogue", ""
    if path[0] == "site" or len(path) < 2 or not isinstance(path[1], int):
        return str(path[0]), _field_path(path[1:])
    kind, index = path[0], path[1]
    try:
        record_id = doc[kind][index].get("id") or f"#{index + 1}"
    except (AttributeError, IndexError, KeyError, TypeError):
        record_id = f"#{index + 1}"
    return f"{kind}/{record_id}", _field_path(path[2:])


def _schema_problems(doc: Any) -> list[Problem]:
    try:
        _fast_check()(doc)
        return []
    except fastjsonschema.JsonSchemaValueException:
        pass  # fall through to the full validator, which names every problem
    problems = []
    for error in Draft7Validator(_schema()).iter_errors(doc):
        record, fld = _locate(doc if isinstance(doc, dict) else {}, list(error.absolute_path))
        problems.append(Problem(record, fld, _message(error)))
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def _message(error: Any) -> str:
    if error.validator == "oneOf" and error.context:
        # "null or X": explain what is wrong with X, not that the value is not null.
        relevant = [
            e for e in error.context if not (e.validator == "type" and e.validator_value == "null")
        ]
        return _message(best_match(relevant or error.context))
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "pattern":
        if error.validator_value.startswith("^https://"):
            return f"{error.instance[:80]!r} must be an https:// address"
        return f"{error.instance[:80]!r} is not in the expected form"
    if error.validator == "type":
        return f"must be {_TYPE_NAMES.get(str(error.validator_value), error.validator_value)}"
    if error.validator in _LIMIT_MESSAGES:
        return _LIMIT_MESSAGES[error.validator].format(error.validator_value)
    if error.validator == "contains":
        return "must include English (en)"
    if error.validator == "additionalProperties":
        return error.message.replace("were unexpected", "are not known fields").replace(
            "was unexpected", "is not a known field"
        )
    return short_message(error.message)


# Messages for limits, written here so they never repeat a long value back.
_LIMIT_MESSAGES = {
    "maxLength": "is too long: more than {} characters",
    "minLength": "is too short: fewer than {} characters",
    "maxItems": "has too many items: more than {}",
    "minItems": "needs at least {} item(s)",
    "maximum": "is more than {}",
    "minimum": "is less than {}",
    "uniqueItems": "lists the same value twice",
}


def short_message(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def unsafe_text_problem(value: str) -> str | None:
    """What makes a text unsafe to store or print (control, bidi override or invisible
    characters), or None."""
    if _BIDI_CONTROLS.search(value):
        return "contains a bidirectional override character"
    if _CONTROL.search(value):
        return "contains a control character"
    if found := _INVISIBLE.search(value):
        return f"contains an invisible character (U+{ord(found[0]):04X})"
    return None


def normalize_text(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """NFC-normalise every string in place; yield (path, problem) for unsafe characters."""
    items = (
        doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    )
    for key, value in items:
        if isinstance(value, str):
            if problem := unsafe_text_problem(value):
                yield (*path, key), problem
                continue  # an unpaired surrogate cannot be normalised or stored
            doc[key] = unicodedata.normalize("NFC", value)
        else:
            yield from normalize_text(value, (*path, key))


def check_url(url: str | None) -> str | None:
    """Why an outbound https URL is unacceptable, or None when it is fine."""
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme != "https":
        return "must start with https://"
    if not parts.hostname or "." not in parts.hostname:
        return "has no valid host name"
    if parts.username or parts.password:
        return "must not contain a user name or password"
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(parts.hostname.strip("[]"))
        return "must name a host, not an IP address"
    return None


def video_url_problem(url: str, platform: str | None, allowed_hosts: Iterable[str]) -> str | None:
    if problem := check_url(url):
        return problem
    host = (urlsplit(url).hostname or "").lower()
    if host not in set(allowed_hosts):
        return f"host {host!r} is not on the list of video hosts"
    expected = next((name for name, hosts in VIDEO_PLATFORMS.items() if host in hosts), None)
    if platform != expected:
        return f"is a {expected or 'unknown'} address but the platform says {platform}"
    return None


def shelter_needs(needs: list[dict[str, Any]]) -> set[str]:
    """The shelter need and every need under it, however deep."""
    children: dict[str, list[str]] = {}
    for need in needs:
        children.setdefault(need.get("parent") or "", []).append(need["id"])
    found, todo = set(), [SHELTER_NEED]
    while todo:
        need_id = todo.pop()
        if need_id not in found:
            found.add(need_id)
            todo += children.get(need_id, [])
    return found


def _domain_problems(doc: dict[str, Any], video_hosts: Iterable[str]) -> list[Problem]:
    out: list[Problem] = []

    def add(kind: str, record_id: str, fld: str, message: str) -> None:
        out.append(Problem(f"{kind}/{record_id}", fld, message))

    ids = {kind: {r["id"] for r in doc[kind]} for kind in KINDS}
    for kind in KINDS:
        for record_id, count in Counter(r["id"] for r in doc[kind]).items():
            if count > 1:
                add(kind, record_id, "id", f"is used by {count} records")
    codes = Counter(r["code"] for kind in SHARED_KINDS.values() for r in doc[kind])
    for kind in SHARED_KINDS.values():
        for r in doc[kind]:
            if codes[r["code"]] > 1:
                add(kind, r["id"], "code", f"{r['code']} is used by another record")

    parents = {n["id"]: n.get("parent") for n in doc["needs"]}
    for need in doc["needs"]:
        seen, parent = {need["id"]}, need.get("parent")
        while parent:
            if parent not in ids["needs"]:
                add("needs", need["id"], "parent", f"no need has the id {parent!r}")
                break
            if parent in seen:
                add("needs", need["id"], "parent", "needs form a loop")
                break
            seen.add(parent)
            parent = parents[parent]

    for org in doc["organizations"]:
        if problem := check_url(org.get("url")):
            add("organizations", org["id"], "url", problem)
    if isinstance(doc.get("site"), dict) and (problem := check_url(doc["site"].get("exit_url"))):
        out.append(Problem("site", "exit_url", problem))
    shelters = shelter_needs(doc["needs"])

    strip = Counter()
    for s in doc["services"]:
        sid = s["id"]
        if s["organization_id"] not in ids["organizations"]:
            add(
                "services",
                sid,
                "organization_id",
                f"no organisation has the id {s['organization_id']!r}",
            )
        for i, need in enumerate(s["needs"]):
            if need not in ids["needs"]:
                add("services", sid, f"needs[{i}]", f"no need has the id {need!r}")
        if problem := check_url(s.get("url")):
            add("services", sid, "url", problem)
        if s.get("confidential_location") and s.get("addresses"):
            add("services", sid, "addresses", "a confidential location must have no address")
        if shelters.intersection(s["needs"]) and s.get("addresses"):
            add("services", sid, "addresses", "shelter addresses are never published")
        for i, phone in enumerate(s.get("phones", [])):
            if not re.search(r"\d", phone["number"]):
                add("services", sid, f"phones[{i}].number", "has no digits")
            if phone.get("strip"):
                strip[phone["strip"]] += 1
    for position, count in strip.items():
        if count > 1:
            out.append(
                Problem("services", "phones.strip", f"position {position} is used {count} times")
            )

    for v in doc["videos"]:
        if v["service_id"] not in ids["services"]:
            add("videos", v["id"], "service_id", f"no service has the id {v['service_id']!r}")
        for i, need in enumerate(v["needs"]):
            if need not in ids["needs"]:
                add("videos", v["id"], f"needs[{i}]", f"no need has the id {need!r}")
        if v.get("url") and (
            problem := video_url_problem(v["url"], v.get("platform"), video_hosts)
        ):
            add("videos", v["id"], "url", problem)

    for c in doc["collections"]:
        seen_items = set()
        for i, item in enumerate(c["items"]):
            kind = SHARED_KINDS[item["kind"]]
            if item["id"] not in ids[kind]:
                add(
                    "collections",
                    c["id"],
                    f"items[{i}]",
                    f"no {item['kind']} has the id {item['id']!r}",
                )
            if (item["kind"], item["id"]) in seen_items:
                add("collections", c["id"], f"items[{i}]", "is listed twice")
            seen_items.add((item["kind"], item["id"]))
    return out


def _language_problems(
    doc: Any, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(doc, dict):
        if "en" in doc and all(isinstance(k, str) and len(k) == 2 for k in doc):
            for key in doc:
                if key not in LANGUAGES:
                    yield (*path, key), f"language {key!r} is not one of {', '.join(LANGUAGES)}"
            return
        for key, value in doc.items():
            yield from _language_problems(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from _language_problems(value, (*path, i))


def validate_catalogue(doc: Any, video_hosts: Iterable[str]) -> Catalogue:
    """Check a whole catalogue document and build it. Raises CatalogueInvalid."""
    problems = _schema_problems(doc)
    if problems and not isinstance(doc, dict):
        raise CatalogueInvalid(problems)
    for path, message in [*normalize_text(doc), *_language_problems(doc)]:
        problems.append(Problem(*_locate(doc, list(path)), message))
    try:
        problems += _domain_problems(doc, video_hosts)
    except (KeyError, TypeError, AttributeError):
        # The structure is too broken for the cross-record rules; the schema
        # problems already say why, so report those alone.
        if not problems:
            raise
    if problems:
        # One message per field: the schema's and a rule's can say the same thing.
        seen: set[tuple[str, str]] = set()
        unique = []
        for p in problems:
            if (p.record, p.field) not in seen:
                seen.add((p.record, p.field))
                unique.append(p)
        raise CatalogueInvalid(unique[:MAX_PROBLEMS])
    return build_catalogue(doc)
