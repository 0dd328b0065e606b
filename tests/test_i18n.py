"""Four languages: complete catalogs, right lang and dir, translated records with a
marked English fallback, language links to the same page, neutral share text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from asgi_lifespan import LifespanManager
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from server import share
from server.app import create_app
from server.i18n import count_texts, po_path, translations
from server.publishing import publish_directory
from server.settings import ROOT
from server.site import load_theme
from server.store import Store
from tests.conftest import edit_json

UI_LANGUAGES = ("fr", "ar", "es")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
SITE = json.loads((ROOT / "catalogue" / "site.json").read_text())
HTML_TAGS = {"en": "en-CA", "fr": "fr-CA", "ar": "ar", "es": "es-419"}


def template_messages() -> dict[str, tuple[str, ...]]:
    """Every UI string in the templates, extracted as `make messages` does."""
    found = {}
    method_map = [("**.html", "jinja2")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n"}}
    # The same keywords as `make messages`: count_texts makes counts for the page's script.
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "count_texts": (1, 2)}
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "pwa" / "templates", method_map, options, keywords
    ):
        ids = message if isinstance(message, tuple) else (message,)
        found[ids[0]] = ids
    return found


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_every_ui_string_is_translated(lang):
    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    wanted = template_messages()
    assert len(wanted) > 80
    missing, problems = [], []
    for key, ids in wanted.items():
        message = catalog.get(key)
        if message is None:
            missing.append(key)
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(f"untranslated or fuzzy: {key!r}")
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        for s in strings:
            # Arabic may spell out 0, 1 and 2 ("one result") without the number.
            if not set(PLACEHOLDER.findall(s)) <= expected or (
                len(strings) == 1 and set(PLACEHOLDER.findall(s)) != expected
            ):
                problems.append(f"placeholders differ in {key!r}: {s!r}")
    assert missing == [], f"run `make messages` and translate: {missing}"
    assert problems == []


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_every_plural_form_is_translated(lang):
    """Each of the language's plural forms, not only the first ones: an empty one shows English."""
    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    plurals = [m for m in catalog if m.id and m.pluralizable]
    assert len(plurals) >= 4
    for message in plurals:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(forms) == catalog.num_plurals, (message.id, forms)
        empty = [n for n, form in enumerate(forms) if not form.strip()]
        assert empty == [], f"msgstr{empty} of {message.id[0]!r} is empty"


@pytest.mark.parametrize(
    ("lang", "two_items", "a_million"),
    [
        ("fr", "2 éléments choisis", "1000000 d’éléments choisis"),
        ("es", "2 elementos elegidos", "1000000 de elementos elegidos"),
    ],
)
def test_counts_use_the_language_plural_forms(lang, two_items, a_million):
    ids = ("%(num)d item chosen", "%(num)d items chosen")
    assert count_texts(lang, *ids, 2)[2] == two_items
    assert translations(lang).ngettext(*ids, 10**6) % {"num": 10**6} == a_million


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root: dict[str, str] = {}
        self.title = ""
        self.language_links: dict[str, str] = {}
        self.hrefs: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.root = a
        if tag == "a" and "hreflang" in a:
            self.language_links[a["hreflang"]] = a["href"]
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        self._in_title = tag == "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


async def html_paths(client) -> dict[str, list[str]]:
    files = (await client.get("/api/offline.json")).json()["files"]
    return {lang: [p for p, _ in files[lang] if not p.endswith(".svg")] for lang in HTML_TAGS}


async def test_all_four_languages_are_published(client):
    manifest = (await client.get("/api/offline.json")).json()
    assert manifest["languages"] == ["en", "fr", "ar", "es"]
    paths = await html_paths(client)
    assert {len(v) for v in paths.values()} == {len(paths["en"])}


async def test_every_page_has_its_language_direction_and_neutral_title(client):
    paths = await html_paths(client)
    for lang, tag in HTML_TAGS.items():
        for path in paths[lang]:
            page = parse((await client.get(path)).text)
            assert page.root["lang"] == tag, path
            assert page.root["dir"] == ("rtl" if lang == "ar" else "ltr"), path
            if path == share.exit_page_path(lang):
                continue  # quick exit's neutral page must not carry this site's title
            assert page.title == SITE["title"][lang], path


async def test_every_page_links_to_itself_in_each_language(client):
    paths = await html_paths(client)
    for lang in HTML_TAGS:
        for path in paths[lang]:
            if path == share.exit_page_path(lang):
                continue  # quick exit's neutral page links nowhere on this site
            links = parse((await client.get(path)).text).language_links
            assert set(links) == set(HTML_TAGS.values()), path
            counterparts = {
                other: path.replace(f"/{lang}/", "/", 1) if lang != "en" else path
                for other in HTML_TAGS
            }
            for other, tag in HTML_TAGS.items():
                base = counterparts[other]
                expected = base if other == "en" else f"/{other}{base}"
                assert links[tag] == expected, (path, other)
                assert (await client.get(links[tag])).status_code == 200


async def test_a_search_keeps_its_words_across_languages(client):
    page = parse((await client.get("/ar/find", params={"q": "trata & ayuda"})).text)
    assert page.language_links["es-419"] == "/es/find?q=trata+%26+ayuda"
    assert page.root["dir"] == "rtl"


async def test_ui_and_records_are_translated(client, app):
    cat = app.state.live.current.catalogue
    need = cat.by_id["needs"]["human-trafficking"]
    arabic = (await client.get(f"/ar/s/{need.code}")).text
    assert "الاتجار بالبشر" in arabic  # the need's own name
    assert "مشاركة هذه الصفحة" in arabic  # "Share this page"
    french = (await client.get("/fr/")).text
    assert "Trouver de l’aide" in french and "Agression sexuelle" in french
    spanish = (await client.get("/es/numbers")).text
    assert "Números de teléfono" in spanish and "Emergencia" in spanish


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "es"])
async def test_share_links_carry_the_neutral_text_of_the_page_language(client, app, lang):
    cat = app.state.live.current.catalogue
    code = cat.by_id["services"]["hiatus-house"].code
    prefix = "" if lang == "en" else f"/{lang}"
    html = (await client.get(f"{prefix}/s/{code}")).text
    url = f"http://testserver{prefix}/s/{code}"
    body = f"{SITE['share_message'][lang]} {url}"
    sms = re.search(r'href="(sms:[^"]+)" data-share-sms', html)[1].replace("&amp;", "&")
    assert sms.startswith("sms:?&body=") and " " not in sms
    assert unquote(sms.split("body=", 1)[1]) == body
    mailto = re.search(r'href="(mailto:[^"]+)" data-share-email', html)[1].replace("&amp;", "&")
    query = parse_qs(urlsplit(mailto).query)
    assert query == {"subject": [SITE["share_subject"][lang]], "body": [body]}


@pytest.fixture
async def untranslated(seeded, catalogue_copy):
    """A published version where one need and one service lack their French text."""
    edit_json(
        catalogue_copy / "needs.json",
        lambda needs: next(n for n in needs if n["id"] == "shelter").update(
            description={"en": "Safe places to stay.", "ar": "أماكن آمنة للإقامة."}
        ),
    )
    edit_json(
        catalogue_copy / "services.json",
        lambda services: next(s for s in services if s["id"] == "hiatus-house").update(
            description={"en": "A shelter for women and children."}
        ),
    )
    store = await Store(seeded.db_path).open()
    try:
        theme = load_theme(seeded.base_url)
        await publish_directory(store, theme, seeded, catalogue_copy, actor="test")
    finally:
        await store.close()
    application = create_app(seeded)
    async with LifespanManager(application):
        yield application


async def test_missing_translation_falls_back_to_marked_english(untranslated):
    import httpx

    cat = untranslated.state.live.current.catalogue
    need, service = cat.by_id["needs"]["shelter"], cat.by_id["services"]["hiatus-house"]
    transport = httpx.ASGITransport(app=untranslated)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        french = (await c.get(f"/fr/s/{need.code}")).text
        arabic = (await c.get(f"/ar/s/{need.code}")).text
        service_fr = (await c.get(f"/fr/s/{service.code}")).text
    note = '<small class="fallback">(en anglais\u00a0: pas encore traduit)</small>'
    assert '<span lang="en" dir="ltr">Safe places to stay.</span> ' + note in french
    assert '<p class="lead">أماكن آمنة للإقامة.</p>' in arabic and "Safe places" not in arabic
    assert '<span lang="en" dir="ltr">A shelter for women and children.</span>' in service_fr
    assert service_fr.count(note) >= 1


def test_translations_are_the_only_source_of_ui_text():
    """No template hard-codes English a reader would see outside gettext."""
    stray = re.compile(r">\s*([A-Z][a-z]+(?: [a-z]+){2,})[^<{]*<")
    for template in (ROOT / "pwa" / "templates").glob("*.html"):
        text = Path(template).read_text()
        assert stray.findall(text) == [], template.name
