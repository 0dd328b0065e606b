"""Search over names, summaries and needs, in the reader's language and in English."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from server.catalogue import Catalogue, Need, Service, Text, Video

_WORD = re.compile(r"\w+")
SEARCH_LIMIT = 50
# A name weighs most, then the record's needs, then its summary.
_WEIGHTS = (5, 3, 1)


@dataclass(frozen=True)
class Hit:
    kind: str
    record: Need | Service | Video
    score: int


@dataclass(frozen=True)
class _Entry:
    kind: str
    record: Need | Service | Video
    fields: tuple[str, str, str]  # folded name, needs, summary


def fold(text: str) -> str:
    """Lower-case and strip accents, so 'médecin' matches 'medecin'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _texts(text: Text | None, lang: str) -> str:
    if not text:
        return ""
    return " ".join({text.get(lang, ""), text.get("en", "")})


def query_words(query: str) -> tuple[str, ...]:
    """The words a search looks for (at most ten), folded as the records are."""
    return tuple(fold(w) for w in _WORD.findall(query))[:10]


class SearchIndex:
    """One language's searchable records, folded once rather than on every query."""

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        needs = catalogue.by_id["needs"]

        def entry(kind: str, record: Need | Service | Video, name: Text, summary: Text | None):
            tags = " ".join(_texts(needs[i].name, lang) for i in getattr(record, "needs", []))
            fields = (fold(_texts(name, lang)), fold(tags), fold(_texts(summary, lang)))
            return _Entry(kind, record, fields)

        self.entries = [
            *(entry("need", n, n.name, n.description) for n in catalogue.needs),
            *(
                entry("service", s, s.name, s.description)
                for s in catalogue.services
                if s.status != "inactive"
            ),
            *(entry("video", v, v.title, v.summary) for v in catalogue.videos),
        ]

    def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
        """Records where every word of the query appears; names weigh most."""
        words = query_words(query)
        if not words:
            return []
        hits = []
        for e in self.entries:
            score = 0
            for word in words:
                found = (w for w, f in zip(_WEIGHTS, e.fields, strict=True) if word in f)
                best = max(found, default=0)
                if not best:
                    break
                score += best
            else:
                hits.append(Hit(e.kind, e.record, score))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]


def search(catalogue: Catalogue, query: str, lang: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Search once, without keeping the index (the server keeps one per served version)."""
    return SearchIndex(catalogue, lang).search(query, limit)
