"""Gettext catalogs for the public UI, compiled from .po files at start-up."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from server.catalogue import DEFAULT_LANGUAGE

TRANSLATIONS = Path(__file__).resolve().parent.parent / "pwa" / "translations"
# The variety each language is written in: Ontario English and French, Modern
# Standard Arabic, and the Latin American Spanish of seasonal farm workers.
# Screen readers pick their voice from the `lang` tag.
HTML_LANG = {"en": "en-CA", "fr": "fr-CA", "ar": "ar", "es": "es-419"}
BABEL_LOCALE = {"en": "en_CA", "fr": "fr_CA", "ar": "ar", "es": "es_419"}


def html_lang(lang: str) -> str:
    return HTML_LANG.get(lang, lang)


def babel_locale(lang: str) -> str:
    return BABEL_LOCALE.get(lang, lang)


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog for `lang` (English is the source language)."""
    po = po_path(lang)
    if lang == DEFAULT_LANGUAGE or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


@cache
def count_texts(lang: str, singular: str, plural: str, upto: int) -> tuple[str, ...]:
    """`ngettext` for every count from 0 to `upto`, for counts a page makes itself.

    Exact for every language's plural rules (Arabic has six forms), with no
    plural logic in the browser.
    """
    t = translations(lang)
    return tuple(t.ngettext(singular, plural, n) % {"num": n} for n in range(upto + 1))
