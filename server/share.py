"""The one place that builds public URLs, share links and QR codes."""

from __future__ import annotations

import io
import itertools
import re
from functools import lru_cache
from urllib.parse import quote

import segno

from server.catalogue import DEFAULT_LANGUAGE, Phone

_QUOTE_SAFE = "-_.~"


def lang_prefix(lang: str) -> str:
    return "" if lang == DEFAULT_LANGUAGE else f"/{lang}"


def home_path(lang: str) -> str:
    return f"{lang_prefix(lang)}/"


def same_page(path: str, lang: str, other: str) -> str:
    """The address of the page at `path` (in `lang`) in the language `other`."""
    rest = path.removeprefix(lang_prefix(lang))
    return lang_prefix(other) + rest


def page_path(lang: str, code: str) -> str:
    """The page of a need, service, video or collection: also its short link."""
    return f"{lang_prefix(lang)}/s/{code}"


# A link to several items at once: {prefix}/list?c=K7Q2-B3X9-M4PR. The codes
# carry no words, and the saved /list page can show any such list offline.
LIST_KEY = "list"
LIST_SEPARATOR = "-"
MAX_LIST_ITEMS = 20
_CODE = re.compile(r"^[0-9A-Z]{4,8}$")
_LIST_SPLIT = re.compile(r"[-,.\s]+")
# A list link names at most MAX_LIST_ITEMS codes; a few stray parts are forgiven.
MAX_LIST_PARTS = 4 * MAX_LIST_ITEMS


def list_codes(values: list[str]) -> list[str]:
    """The codes a list link names, in order, without repeats or malformed ones.

    Accepts the canonical `c=A-B-C` and a plain form's `c=A&c=B`. Reading stops
    after a bounded number of parts, so a hostile link costs no more than a real one.
    """
    codes: list[str] = []
    parts = (part for value in values for part in _LIST_SPLIT.split(value.upper()))
    for part in itertools.islice(parts, MAX_LIST_PARTS):
        if _CODE.match(part) and part not in codes:
            codes.append(part)
            if len(codes) == MAX_LIST_ITEMS:
                break
    return codes


def list_path(lang: str, codes: list[str]) -> str:
    return f"{lang_prefix(lang)}/list?c={LIST_SEPARATOR.join(codes)}"


def fixed_path(lang: str, name: str) -> str:
    return f"{lang_prefix(lang)}/{name}"


# Quick exit leaves through this address: online the server sends the browser
# on to the neutral site; offline the worker answers with the saved neutral
# page. Neither address nor page says anything about this site.
EXIT_NAME = "blank"


def exit_path(lang: str) -> str:
    return fixed_path(lang, EXIT_NAME)


def exit_page_path(lang: str) -> str:
    """The neutral page itself, saved for offline use like every page."""
    return fixed_path(lang, EXIT_NAME + ".html")


def qr_path(lang: str, code: str, ext: str = "svg") -> str:
    return f"{lang_prefix(lang)}/qr/{code}.{ext}"


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def _encode(text: str) -> str:
    # RFC 6068 / RFC 5724: spaces as %20 (never +), and &, #, ?, = escaped.
    return quote(text, safe=_QUOTE_SAFE)


def share_body(message: str, url: str) -> str:
    return f"{message} {url}"


def sms_href(body: str, number: str = "") -> str:
    # "?&body=" is read by both Android and iOS messaging apps.
    return f"sms:{number}?&body={_encode(body)}"


def mailto_href(subject: str, body: str) -> str:
    return f"mailto:?subject={_encode(subject)}&body={_encode(body)}"


def dial_digits(number: str) -> str:
    """Digits to dial for a number as printed: '1-877-FEM-AIDE' style letters included."""
    letters = {c: str(d) for d, group in _KEYPAD.items() for c in group}
    raw = "".join(letters.get(c, c) for c in number.upper())
    return re.sub(r"[^\d+]", "", raw)


_KEYPAD = {2: "ABC", 3: "DEF", 4: "GHI", 5: "JKL", 6: "MNO", 7: "PQRS", 8: "TUV", 9: "WXYZ"}


def tel_href(phone: Phone) -> str:
    digits = dial_digits(phone.number)
    if len(digits) == 10 and not digits.startswith("+"):
        digits = "+1" + digits
    elif len(digits) == 11 and digits.startswith("1"):
        digits = "+" + digits
    if phone.type == "text":
        return sms_href(phone.text_body or "", digits)
    # A comma pauses before the extension on iOS and Android dialers.
    return f"tel:{digits}" + (f",{phone.extension}" if phone.extension else "")


@lru_cache(maxsize=8192)
def qr_svg(text: str) -> str:
    """An inline SVG QR code (error correction M, 4-module quiet zone)."""
    qr = segno.make(text, error="m", micro=False)
    return qr.svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff")


def qr_png(text: str, scale: int = 10) -> bytes:
    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()
