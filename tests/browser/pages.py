"""Every kind of public page, by name, for tests that must visit them all."""

from __future__ import annotations

import httpx

from server import share


def record_codes(base_url: str) -> dict[str, str]:
    doc = httpx.get(f"{base_url}/api/catalogue").json()
    return {
        "need": next(n["code"] for n in doc["needs"] if n["id"] == "human-trafficking"),
        "service": next(s["code"] for s in doc["services"] if s["id"] == "hiatus-house"),
        "video": next(v["code"] for v in doc["videos"] if v["id"] == "video-hiatus-house"),
        "collection": doc["collections"][0]["code"],
    }


def page_types(base_url: str, lang: str = "en") -> dict[str, str]:
    """One address of each public page type in `lang`: {type: path}."""
    codes = record_codes(base_url)
    fixed = {name: share.fixed_path(lang, name) for name in ("numbers", "about", "offline")}
    return {
        "home": share.home_path(lang),
        **{kind: share.page_path(lang, code) for kind, code in codes.items()},
        **fixed,
        "find": share.fixed_path(lang, "find"),
        "find with a query": share.fixed_path(lang, "find") + "?q=shelter",
        "not found": share.fixed_path(lang, "no-such-page"),
        "quick exit page": share.exit_page_path(lang),
        "pick several": share.fixed_path(lang, "pick"),
        "list of several": share.fixed_path(lang, "list")
        + f"?c={codes['video']}-{codes['service']}-{codes['need']}",
    }
