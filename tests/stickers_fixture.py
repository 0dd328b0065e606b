"""A published catalogue with two sticker collections: 12 items, and one with a withdrawn item."""

from __future__ import annotations

import json
from pathlib import Path

from server.catalogue import read_catalogue_dir
from server.publishing import publish_document

TWELVE = "T3ST"
WITHDRAWN = "WDRN"
INACTIVE_SERVICE = "hiatus-house"


def sticker_catalogue(folder: Path) -> dict:
    """The default catalogue plus the two collections, as one document."""
    doc = read_catalogue_dir(folder)
    for service in doc["services"]:
        if service["id"] == INACTIVE_SERVICE:
            service["status"] = "inactive"
    videos = [v["id"] for v in doc["videos"][:6]]
    services = [s["id"] for s in doc["services"] if s["status"] == "active"][:6]
    items = [{"kind": "video", "id": v} for v in videos]
    items += [{"kind": "service", "id": s} for s in services]
    doc["collections"].append(
        {"id": "twelve", "code": TWELVE, "name": {"en": "Twelve"}, "items": items}
    )
    doc["collections"].append(
        {
            "id": "with-withdrawn",
            "code": WITHDRAWN,
            "name": {"en": "With a withdrawn service"},
            "items": [
                {"kind": "service", "id": INACTIVE_SERVICE},
                {"kind": "service", "id": services[0]},
                {"kind": "video", "id": videos[0]},
            ],
        }
    )
    return json.loads(json.dumps(doc))


async def publish_sticker_catalogue(app, folder: Path) -> dict:
    doc = sticker_catalogue(folder)
    state = app.state
    await publish_document(state.store, state.theme, state.settings, doc, actor="test")
    await state.live.refresh()
    return doc
