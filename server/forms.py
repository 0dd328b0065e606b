"""Record forms: field descriptions, and turning submitted form fields into a record.

Input names are the paths validation uses for problems (``name.fr``,
``phones[0].number``), so every problem lands next to its input. This module
knows nothing of HTTP: it reads any mapping with ``get`` and ``getlist``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from server.catalogue import LANGUAGES

# Kinds of field: text (one text per language), lines (a list per language),
# str, longstr, url, email, int, bool, choice, multi (several choices),
# strlist (one item per line), rows (a repeated group), group (a nested object),
# refs (an ordered list of "kind:id" choices).
BLANK_ROWS = 1
# Counts, pages and ids read from forms and addresses: below SQLite's 64-bit limit.
MAX_DIGITS = 18
_WHOLE = re.compile(f"[0-9]{{1,{MAX_DIGITS}}}")


def whole_number(raw: object) -> int | None:
    """A non-negative whole number written in ASCII digits (at most 18); None for anything else.

    Not ``str.isdigit()``: it accepts "²" and "٣", which ``int()`` refuses or reads.
    """
    if not isinstance(raw, str) or not _WHOLE.fullmatch(raw):
        return None
    return int(raw)


class FormLike(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "str"
    required: bool = False
    hint: str | None = None
    options: str | None = None
    fields: tuple[Field, ...] = ()
    key: str = ""
    multiline: bool = False
    create_only: bool = False


@dataclass
class Parsed:
    data: dict[str, Any] = field(default_factory=dict)
    # Problems found while reading the form (before validation), by input name.
    errors: dict[str, str] = field(default_factory=dict)
    # What was typed into inputs whose value could not be kept (a word in a number field).
    raw: dict[str, str] = field(default_factory=dict)


def clean(value: Any) -> str:
    """Form text as stored: browsers send CRLF line ends; outer spaces never matter."""
    if not isinstance(value, str):
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in clean(value).split("\n") if line.strip()]


def _row_indexes(form: FormLike, name: str) -> list[int]:
    pattern = re.compile(re.escape(name) + r"\[(\d{1,3})\]")
    found = set()
    for key in form:  # type: ignore[attr-defined]
        if match := pattern.match(key):
            found.add(int(match[1]))
    return sorted(found)


def _parse_field(f: Field, form: FormLike, name: str, out: Parsed) -> Any:
    kind = f.kind
    if kind == "text":
        texts = {lang: v for lang in LANGUAGES if (v := clean(form.get(f"{name}.{lang}")))}
        return texts if texts or f.required else None
    if kind == "lines":
        lists = {lang: v for lang in LANGUAGES if (v := _lines(form.get(f"{name}.{lang}")))}
        return lists or None
    if kind == "strlist":
        return _lines(form.get(name))
    if kind == "bool":
        return form.get(name) is not None
    if kind == "multi":
        return [clean(v) for v in form.getlist(name) if clean(v)]
    if kind == "int":
        text = clean(form.get(name))
        if not text:
            return None
        if not re.fullmatch(r"-?\d{1,9}", text):
            out.errors[name] = "must be a whole number"
            out.raw[name] = text
            return None
        return int(text)
    if kind == "group":
        return {sub.name: _parse_field(sub, form, f"{name}.{sub.name}", out) for sub in f.fields}
    if kind == "refs":
        refs = []
        for i in _row_indexes(form, name):
            kind_id = clean(form.get(f"{name}[{i}]"))
            if kind_id and form.get(f"{name}[{i}]._remove") is None:
                item_kind, _, item_id = kind_id.partition(":")
                refs.append({"kind": item_kind, "id": item_id})
        return refs
    if kind == "rows":
        rows: list[dict[str, Any]] = []
        for i in _row_indexes(form, name):
            source = f"{name}[{i}]"
            if form.get(f"{source}._remove") is not None or not clean(
                form.get(f"{source}.{f.key}")
            ):
                continue
            target = f"{name}[{len(rows)}]"
            row_out = Parsed()
            row = {
                sub.name: _parse_field(sub, form, f"{source}.{sub.name}", row_out)
                for sub in f.fields
            }
            # Problems and raw text follow the row to its new place in the list.
            for key, value in row_out.errors.items():
                out.errors[key.replace(source, target, 1)] = value
            for key, value in row_out.raw.items():
                out.raw[key.replace(source, target, 1)] = value
            rows.append(row)
        return rows
    value = clean(form.get(name))
    if value:
        return value
    return "" if f.required else None


def parse(fields: tuple[Field, ...], form: FormLike, creating: bool) -> Parsed:
    out = Parsed()
    for f in fields:
        if f.create_only and not creating:
            continue
        out.data[f.name] = _parse_field(f, form, f.name, out)
    return out


def rows_for_form(value: list[Any] | None) -> list[Any]:
    """Existing rows plus blank ones to fill in."""
    return [*(value or []), *([None] * BLANK_ROWS)]


def problems_by_input(problems: list[Any], record: str) -> dict[str, str]:
    """Validation problems of one record, keyed by the input name they belong to."""
    out: dict[str, str] = {}
    for p in problems:
        if p.record == record and p.field not in out:
            out[p.field or "_"] = p.message
    return out
