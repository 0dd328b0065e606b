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


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog for `lang` (English is the source language)."""
    po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT_LANGUAGE or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)
