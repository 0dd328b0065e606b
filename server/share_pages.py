"""Sharing several items at once: the page that picks them and the page that lists them.

A list link is `{prefix}/list?c=K7Q2-B3X9`: the codes alone, no words. The
published `/list` page carries every card as a template, so the saved copy on
a phone shows any list offline (share-list.js); a phone that never saw the
app asks the server, which renders the same cards (server/routes/lists.py).
No code has to exist ahead of time for a list, so its QR code is drawn on the
device from the link by a vendored QR library (pwa/static/vendor/README.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from server import share
from server.catalogue import Catalogue, Collection, Need, Service, Site, Video, localized

if TYPE_CHECKING:
    from server.site import Theme

Record = Need | Service | Video | Collection
KINDS = {Need: "need", Service: "service", Video: "video", Collection: "collection"}


def sheet_data(site: Site, base_url: str) -> dict[str, Any]:
    """What the share sheet needs to make a link and its message in any published language."""
    texts = {
        lang: {
            "subject": localized(site.share_subject, lang)[0] or "",
            "message": localized(site.share_message, lang)[0] or "",
        }
        for lang in site.languages
    }
    return {"base": base_url.rstrip("/"), "texts": texts}


def kind_of(record: Record) -> str:
    return KINDS[type(record)]


def shareable(catalogue: Catalogue) -> list[tuple[str, Record]]:
    """Every record a list may hold, withdrawn services aside."""
    return [
        (kind_of(r), r)
        for r in catalogue.by_code.values()
        if not (isinstance(r, Service) and r.status == "inactive")
    ]


def list_items(catalogue: Catalogue, codes: list[str]) -> list[tuple[str, Record]]:
    """The records of a list link that are still published, in the link's order."""
    items = []
    for code in codes:
        record = catalogue.by_code.get(code)
        if record is not None and not (isinstance(record, Service) and record.status == "inactive"):
            items.append((kind_of(record), record))
    return items


def pick_groups(catalogue: Catalogue) -> list[tuple[str, list[tuple[str, Record]]]]:
    """The picking page's sections: lines first, the way officers reach for them."""
    hotlines = catalogue.hotline_services()
    lines = {s.id for s in hotlines}
    others = [s for s in catalogue.services if s.status != "inactive" and s.id not in lines]
    return [
        ("lines", [("service", s) for s in hotlines]),
        ("videos", [("video", v) for v in catalogue.videos]),
        ("services", [("service", s) for s in others]),
        ("needs", [("need", n) for n in catalogue.needs]),
        ("collections", [("collection", c) for c in catalogue.collections]),
    ]


def published_pages(catalogue: Catalogue, lang: str) -> list[tuple[str, str, dict[str, Any]]]:
    """The published picking page and the list page's saved shell with every card.

    As (template, path, context), for the renderer's list of a language's files.
    """
    return [
        ("pick.html", share.fixed_path(lang, "pick"), {"groups": pick_groups(catalogue)}),
        (
            "list.html",
            share.fixed_path(lang, "list"),
            {"items": None, "missing": 0, "cards": shareable(catalogue)},
        ),
    ]


def render_list(catalogue: Catalogue, theme: Theme, lang: str, codes: list[str]) -> bytes | None:
    """A list link's page as the server answers it; None when none of its items is published."""
    from server.site import Renderer

    items = list_items(catalogue, codes)
    if not items:
        return None
    renderer = Renderer(catalogue, theme, {})
    shown = [r.code for _, r in items]
    path = share.list_path(lang, shown)
    query = path[path.index("?") :]
    return renderer.page(
        lang,
        "list.html",
        share.fixed_path(lang, "list"),
        alternate_query=query,
        items=items,
        missing=len(codes) - len(items),
        cards=None,
        share=renderer.share_context(lang, "", path=path),
    ).body
