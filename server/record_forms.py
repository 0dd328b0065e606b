"""The form of each kind of record, the choices its menus offer, and new-record defaults."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from server.catalogue import LANGUAGES, SHARED_KINDS
from server.forms import Field
from server.validation import VIDEO_PLATFORMS

LABELS = {
    "needs": ("Needs", "need"),
    "organizations": ("Organisations", "organisation"),
    "services": ("Services", "service"),
    "videos": ("Videos", "video"),
    "collections": ("Collections", "collection"),
    "site": ("Site wording", "site wording"),
}
SOURCE_ROWS = Field(
    "sources",
    "Sources (where the facts were read)",
    "rows",
    key="url",
    fields=(
        Field("url", "Address (http or https)", "url", required=True),
        Field("date", "Date the source showed (YYYY, YYYY-MM or YYYY-MM-DD)"),
        Field("note", "Note"),
    ),
)
ATTENTION = Field(
    "attention",
    "Facts still to check (one per line; shown to admins only)",
    "strlist",
)
ID = Field(
    "id",
    "Identifier (lower-case words joined by dashes; left empty, it is made from the English name)",
    create_only=True,
)

FIELDS: dict[str, tuple[Field, ...]] = {
    "needs": (
        ID,
        Field("name", "Name", "text", required=True),
        Field("parent", "Part of", "choice", options="needs"),
        Field("description", "Description", "text", multiline=True),
        Field("featured", "Show on the start page", "bool"),
    ),
    "organizations": (
        ID,
        Field("name", "Name", "text", required=True),
        Field("description", "Description", "text", multiline=True),
        Field("url", "Website (https)", "url"),
        Field("email", "Email", "email"),
    ),
    "services": (
        ID,
        Field("organization_id", "Organisation", "choice", required=True, options="organizations"),
        Field("name", "Name", "text", required=True),
        Field("description", "What it offers", "text", required=True, multiline=True),
        Field("needs", "Needs it helps with", "multi", options="needs"),
        Field("status", "Status", "choice", required=True, options="statuses"),
        Field("alert", "Alert line (shown at the top of the page)", "text"),
        Field(
            "phones",
            "Phone numbers",
            "rows",
            key="number",
            fields=(
                Field("number", "Number", required=True),
                Field("extension", "Extension"),
                Field("type", "Kind", "choice", required=True, options="phone_types"),
                Field("description", "Label", "text", required=True),
                Field("hours", "Hours", "text"),
                Field("text_body", "Word to text (text lines)"),
                Field("hotline", "24/7 line (listed on the phone numbers page)", "bool"),
                Field(
                    "strip",
                    "Position on the always-visible strip (1 first; empty: not on it)",
                    "int",
                ),
            ),
        ),
        Field("text_chat", "Text or chat", "text"),
        Field("url", "Website (https)", "url"),
        Field("email", "Email", "email"),
        Field(
            "confidential_location",
            "Confidential location: never show or export an address",
            "bool",
        ),
        Field(
            "addresses",
            "Public addresses (never for a shelter or a confidential location)",
            "rows",
            key="address_1",
            fields=(
                Field("address_1", "Street address", required=True),
                Field("city", "City", required=True),
                Field("state_province", "Province", required=True),
                Field("postal_code", "Postal code"),
                Field("country", "Country (two letters)", required=True),
                Field("label", "Label"),
            ),
        ),
        Field("hours", "Hours", "text", multiline=True),
        Field("languages", "Languages offered (one per line)", "lines"),
        Field("eligibility_description", "Who can use it", "text", multiline=True),
        Field("fees_description", "Cost", "text"),
        SOURCE_ROWS,
        ATTENTION,
        Field("notes", "Notes for admins (never published)", "longstr"),
    ),
    "videos": (
        ID,
        Field("title", "Title", "text", required=True),
        Field(
            "service_id",
            "Agency (the service it presents)",
            "choice",
            required=True,
            options="services",
        ),
        Field("needs", "Needs", "multi", options="needs"),
        Field("url", "Video address (https, on an allowed video host)", "url"),
        Field(
            "platform",
            "Platform (left empty, it is read from the address)",
            "choice",
            options="platforms",
        ),
        Field("summary", "Summary", "text", multiline=True),
        Field("key_points", "Key points (one per line)", "lines"),
        Field("transcript", "Transcript", "text", multiline=True),
        Field("language", "Spoken language", "choice", options="languages"),
        Field("duration_seconds", "Length in seconds", "int"),
        SOURCE_ROWS,
        ATTENTION,
    ),
    "collections": (
        ID,
        Field("name", "Name", "text", required=True),
        Field("description", "Description", "text", multiline=True),
        Field("items", "Items, in order", "refs", options="items"),
    ),
    "site": (
        Field("languages", "Languages of the public site", "multi", options="languages"),
        Field(
            "title",
            "Site title (neutral: it shows on lock screens and in shared links)",
            "text",
            required=True,
        ),
        Field("description", "Description (neutral, for link previews)", "text", required=True),
        Field("share_subject", "Subject of shared emails (neutral)", "text", required=True),
        Field("share_message", "Message sent with a shared link (neutral)", "text", required=True),
        Field(
            "emergency",
            "Emergency number",
            "group",
            fields=(
                Field("number", "Number", required=True),
                Field("label", "Label", "text", required=True),
            ),
        ),
        Field("exit_url", "Quick exit goes to (https)", "url", required=True),
    ),
}

NEW_DEFAULTS: dict[str, dict[str, Any]] = {
    "services": {"verified": None, "sources": [], "attention": [], "status": "active"},
    "videos": {"verified": None, "sources": [], "attention": [], "url": None},
}
STATUSES = [
    ("active", "Open"),
    ("temporarily_closed", "Temporarily closed"),
    ("inactive", "No longer offered"),
]
PHONE_TYPES = [("voice", "Voice"), ("text", "Text message"), ("textphone", "TTY"), ("fax", "Fax")]
LANGUAGE_NAMES = {"en": "English", "fr": "French", "ar": "Arabic", "es": "Spanish"}


def display_name(record: dict[str, Any]) -> str:
    text = record.get("name") or record.get("title") or {}
    return text.get("en") or record.get("id") or ""


def options(doc: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """The choices every menu offers, from the draft as it is now."""
    items = [
        (f"{kind}:{r['id']}", f"{kind.title()}: {display_name(r)}")
        for kind, plural in SHARED_KINDS.items()
        if kind != "collection"
        for r in doc[plural]
    ]
    return {
        "needs": [(n["id"], display_name(n)) for n in doc["needs"]],
        "organizations": [(o["id"], display_name(o)) for o in doc["organizations"]],
        "services": [(s["id"], display_name(s)) for s in doc["services"]],
        "statuses": STATUSES,
        "phone_types": PHONE_TYPES,
        "platforms": [(p, p.title() if p != "x" else "X (Twitter)") for p in VIDEO_PLATFORMS],
        "languages": [(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES],
        "items": items,
    }


def slug(text: str) -> str:
    """An identifier from a name: 'Hiatus House' -> 'hiatus-house'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")


def finish(kind: str, data: dict[str, Any], creating: bool) -> dict[str, Any]:
    """Fill what the form leaves implicit: a new id, the platform of a video address."""
    if creating:
        data = {**NEW_DEFAULTS.get(kind, {}), **data}
        if not data.get("id"):
            data["id"] = slug(display_name({**data, "id": ""}) or "")
    if kind == "videos" and data.get("url") and not data.get("platform"):
        host = (urlsplit(data["url"]).hostname or "").lower()
        data["platform"] = next((p for p, hosts in VIDEO_PLATFORMS.items() if host in hosts), None)
    if kind == "services":
        for phone in data.get("phones", []):
            phone["hotline"] = bool(phone.get("hotline"))
    return data
