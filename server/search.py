"""Search over names, summaries and needs, in the reader's language and in English."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from server.catalogue import Catalogue, Need, Service, Text, Video

_WORD = re.compile(r"\w+")
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class Hit:
    kind: str
    record: Need | Service | Video
    score: int


def fold(text: str) -> str:
    """Lower-case and strip accents, so 'médecin' matches 'medecin'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _texts(text: Text | None, lang: str) -> str:
    if not text:
        return ""
    return " ".join({text.get(lang, ""), text.get("en", "")})


def search(catalogue: Catalogue, query: str, lang: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Records where every word of the query appears; names weigh most."""
    words = [fold(w) for w in _WORD.findall(query)][:10]
    if not words:
        return []
    needs = catalogue.by_id["needs"]
    hits = []
    candidates: list[tuple[str, Need | Service | Video, str, str, list[str]]] = []
    for n in catalogue.needs:
        candidates.append(("need", n, _texts(n.name, lang), _texts(n.description, lang), []))
    for s in catalogue.services:
        if s.status == "inactive":
            continue
        tags = [_texts(needs[i].name, lang) for i in s.needs]
        candidates.append(("service", s, _texts(s.name, lang), _texts(s.description, lang), tags))
    for v in catalogue.videos:
        tags = [_texts(needs[i].name, lang) for i in v.needs]
        candidates.append(("video", v, _texts(v.title, lang), _texts(v.summary, lang), tags))
    for kind, record, name, summary, tags in candidates:
        fields = (fold(name), fold(" ".join(tags)), fold(summary))
        score = 0
        for word in words:
            weights = [w for w, f in zip((5, 3, 1), fields, strict=True) if word in f]
            if not weights:
                break
            score += max(weights)
        else:
            hits.append(Hit(kind, record, score))
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]
