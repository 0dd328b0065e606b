"""Write a synthetic catalogue N times the size of the default one.

Usage: python bench/synthetic.py N OUT_DIR [--languages en,fr,ar,es]

Copy 0 is the default catalogue itself; copies 1..N-1 repeat every need,
organisation, service, video and collection under new ids and short codes,
with their references pointing inside the same copy. The output is for
measuring only: it is never committed.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
from pathlib import Path
from typing import Any

from server.catalogue import KINDS, SHARED_KINDS, read_catalogue_dir, write_catalogue_dir
from server.settings import ROOT

ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"


def _code(key: str, taken: set[str]) -> str:
    salt = 0
    while True:
        digest = hashlib.sha256(f"{key}:{salt}".encode()).digest()
        code = "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:6])
        if code not in taken:
            taken.add(code)
            return code
        salt += 1


def _copy(record: dict[str, Any], kind: str, k: int, taken: set[str]) -> dict[str, Any]:
    def rid(value: str) -> str:
        return f"{value}-k{k}"

    r = copy.deepcopy(record)
    r["id"] = rid(r["id"])
    if "code" in r:
        r["code"] = _code(f"{kind}:{r['id']}", taken)
    for key in ("name", "title"):
        if key in r:
            r[key] = {lang: f"{text} ({k})" for lang, text in r[key].items()}
    if kind == "needs" and r.get("parent"):
        r["parent"] = rid(r["parent"])
    if kind in ("services", "videos"):
        r["needs"] = [rid(n) for n in r["needs"]]
    if kind == "services":
        r["organization_id"] = rid(r["organization_id"])
        for phone in r.get("phones", []):
            phone["strip"] = None
    if kind == "videos":
        r["service_id"] = rid(r["service_id"])
    if kind == "collections":
        r["items"] = [{"kind": i["kind"], "id": rid(i["id"])} for i in r["items"]]
    return r


def synthetic(factor: int, languages: list[str] | None = None) -> dict[str, Any]:
    doc = read_catalogue_dir(ROOT / "catalogue")
    taken = {r["code"] for kind in SHARED_KINDS.values() for r in doc[kind]}
    out = copy.deepcopy(doc)
    for k in range(1, factor):
        for kind in KINDS:
            out[kind] += [_copy(r, kind, k, taken) for r in doc[kind]]
    if languages:
        out["site"]["languages"] = languages
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("factor", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--languages", help="comma-separated, e.g. en,fr,ar,es")
    args = parser.parse_args()
    languages = args.languages.split(",") if args.languages else None
    write_catalogue_dir(synthetic(args.factor, languages), args.out)


if __name__ == "__main__":
    main()
