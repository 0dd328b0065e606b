"""Public pages, rendered from the real catalogue and served by the real app."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from server import share
from server.publishing import publish_draft
from tests.admin_client import form_fields, with_values
from tests.qr import decode_svg

SHORT_LINK = re.compile(r"^http://testserver(/(fr|ar|es))?/s/[23456789BCDFGHJKMNPQRSTVWXYZ]{4,8}$")
INTERNAL_HREF = re.compile(
    r"^(/|/(fr|ar|es)/|(/(fr|ar|es))?/(s/[0-9A-Z]{4,8}(#share)?|numbers|find|about|offline|pick|list"
    r"|qr/[0-9A-Z]{4,8}\.svg)|/static/[\w./-]+|/manifest\.json)$"
)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.title = ""
        self.meta: dict[str, str] = {}
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "href" in a:
            self.hrefs.append(a["href"])
        if "src" in a:
            self.hrefs.append(a["src"])
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        self._in_title = tag == "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def parse(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


async def page_paths(client) -> list[str]:
    """Every English page; quick exit's neutral page is not one (tests/test_quick_exit.py)."""
    manifest = (await client.get("/api/offline.json")).json()
    return [
        path
        for path, _ in manifest["files"]["en"]
        if not path.endswith(".svg") and path != share.exit_page_path("en")
    ]


async def code_of(app, kind: str, record_id: str) -> str:
    return app.state.live.current.catalogue.by_id[kind][record_id].code


async def test_every_page_renders_with_neutral_title_and_links(client):
    paths = await page_paths(client)
    assert len(paths) > 80
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        page = parse(response.text)
        assert page.title == "Community information", path
        assert page.meta["og:title"] == "Community information"
        assert page.meta["og:description"] == "Local services and phone numbers."
        for href in page.hrefs:
            if href.startswith(("tel:", "sms:", "mailto:", "https://", "#")):
                continue
            assert INTERNAL_HREF.match(href), (path, href)


async def test_home_has_needs_and_the_always_visible_lines(client):
    html = (await client.get("/")).text
    assert 'href="tel:911"' in html
    assert 'href="tel:+18339001010"' in html  # Canadian Human Trafficking Hotline
    assert 'href="tel:+15192527781"' in html  # Hiatus House 24/7 helpline
    for name in ["Intimate partner violence", "Human trafficking", "Child abuse", "Sexual assault"]:
        assert name in html


async def test_need_page_lists_subtopics_services_lines_and_videos(client, app):
    html = (await client.get(f"/s/{await code_of(app, 'needs', 'human-trafficking')}")).text
    for text in [
        "Labour trafficking",
        "Sex trafficking",
        "Marriage trafficking and forced marriage",
    ]:
        assert text in html
    assert "Canadian Human Trafficking Hotline" in html
    assert 'href="tel:+18339001010"' in html
    assert "Counter Exploitation Network" in html  # the WECEN video


async def test_service_page_shows_every_fact_and_what_is_missing(client, app):
    html = (await client.get(f"/s/{await code_of(app, 'services', 'hiatus-house')}")).text
    assert 'href="tel:+15192527781"' in html and 'href="tel:+18002655142"' in html
    assert "TTY" in html  # the TDD line is a textphone
    assert 'href="https://hiatushouse.com"' in html and 'rel="noreferrer noopener external"' in html
    assert "kept confidential" in html
    assert "Last checked: December 3, 2026" in html
    wecen = (await client.get(f"/s/{await code_of(app, 'services', 'wecen')}")).text
    assert "Phone number:" in wecen and "not on file yet" in wecen


async def test_extension_and_text_lines_dial_correctly(client, app):
    police = (await client.get(f"/s/{await code_of(app, 'services', 'windsor-police')}")).text
    assert 'href="tel:+15192556700,4879"' in police
    kids = (await client.get(f"/s/{await code_of(app, 'services', 'kids-help-phone')}")).text
    assert 'href="sms:686868?&amp;body=CONNECT"' in kids


async def test_public_office_address_is_shown(client, app):
    html = (await client.get(f"/s/{await code_of(app, 'services', 'windsor-police')}")).text
    assert "150 Goyeau Street, Windsor, ON" in html


async def test_video_page_without_a_link_says_so(client, app):
    html = (await client.get(f"/s/{await code_of(app, 'videos', 'video-hiatus-house')}")).text
    assert "has not been added yet" in html
    assert "Key points not written yet" in html
    assert "Hiatus House" in html


async def test_collection_page_lists_its_items(client, app):
    html = (await client.get(f"/s/{await code_of(app, 'collections', 'partner-videos')}")).text
    assert html.count('class="card card-video"') == 13


async def test_hotlines_page_lists_the_24_7_lines(client):
    html = (await client.get("/numbers")).text
    for number in ["1-833-900-1010", "1-866-863-0511", "1-800-668-6868", "1-888-579-2888", "2-1-1"]:
        assert number in html


async def test_search_on_the_server(client):
    html = (await client.get("/find", params={"q": "trafficking hotline"})).text
    assert "Canadian Human Trafficking Hotline" in html
    assert "result" in html
    accents = (await client.get("/find", params={"q": "Fem’aide services francais"})).text
    assert "Nothing matches" in accents or "Fem" in accents
    empty = (await client.get("/find", params={"q": "zzzxxy"})).text
    assert "Nothing matches" in empty


async def test_search_matches_without_accents(client):
    html = (await client.get("/find", params={"q": "hotel-dieu"})).text
    assert "Hôtel-Dieu Grace Healthcare" in html


async def test_every_shared_url_is_a_neutral_short_link(client):
    for path in await page_paths(client):
        html = (await client.get(path)).text
        for url in re.findall(r'data-url="([^"]+)"', html):
            assert SHORT_LINK.match(url), (path, url)
            assert url.endswith(path), "the short link is the page's own address"


async def test_qr_code_on_each_page_decodes_to_its_short_link(client):
    checked = 0
    for path in await page_paths(client):
        html = (await client.get(path)).text
        match = re.search(r'<div class="qr-code"[^>]*>(<svg.*?</svg>)</div>', html, re.S)
        if match is None:
            continue
        assert decode_svg(match[1]) == f"http://testserver{path}"
        checked += 1
    assert checked == 81  # 25 needs, 42 services, 13 videos, 1 collection


async def test_qr_downloads_decode(client, app):
    from tests.qr import decode_png

    code = await code_of(app, "services", "hiatus-house")
    svg = await client.get(f"/qr/{code}.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert decode_svg(svg.text) == f"http://testserver/s/{code}"
    png = await client.get(f"/qr/{code}.png")
    assert png.headers["content-type"] == "image/png"
    assert decode_png(png.content) == [f"http://testserver/s/{code}"]
    assert (await client.get("/qr/ZZZZ.png")).status_code == 404


async def test_unknown_short_code_is_a_404_page(client):
    response = await client.get("/s/ZZZZ")
    assert response.status_code == 404
    assert "Page not found" in response.text and 'href="tel:911"' in response.text
    for path in ["/s/", "/s/../../etc/passwd", "/s/%00", "/nope", "/fr/s/ZZZZ"]:
        assert (await client.get(path)).status_code == 404, path


async def test_lower_case_code_redirects_to_the_page(client, app):
    code = await code_of(app, "services", "hiatus-house")
    response = await client.get(f"/s/{code.lower()}")
    assert response.status_code == 301 and response.headers["location"] == f"/s/{code}"


@pytest.mark.parametrize("path", ["/", "/numbers", "/find?q=help", "/s/ZZZZ", "/api/catalogue"])
async def test_head_requests(client, path):
    get, head = await client.get(path), await client.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""


async def test_post_to_a_public_page_is_refused(client):
    response = await client.post("/", content=b"x")
    assert response.status_code == 405


@pytest.mark.parametrize("coding", ["br", "gzip"])
async def test_pages_made_for_one_request_are_compressed(client, app, coding):
    catalogue = app.state.live.current.catalogue
    codes = "-".join(s.code for s in catalogue.services[:3])
    for path in ["/find?q=shelter", f"/ar/list?c={codes}"]:
        plain = await client.get(path, headers={"accept-encoding": "identity"})
        packed = await client.get(path, headers={"accept-encoding": coding})
        assert plain.status_code == packed.status_code == 200
        assert "content-encoding" not in plain.headers
        assert packed.headers["content-encoding"] == coding, path
        assert packed.headers["vary"] == "Accept-Encoding"
        assert packed.num_bytes_downloaded < len(plain.content) / 2
        assert packed.text == plain.text


async def test_control_characters_in_a_search_are_dropped(client):
    response = await client.get("/find", params={"q": "\x00shel\x1bter\x07"})
    assert response.status_code == 200
    assert "\x00" not in response.text and "\x1b" not in response.text
    assert 'value="shelter"' in response.text


async def test_a_search_answers_from_the_version_being_served(app, client, admin):
    """Answers are kept between requests; a publish must never leave an old one served."""
    code = await code_of(app, "services", "hiatus-house")
    old_card = f'href="/s/{code}">Hiatus House</a>'
    before = (await client.get("/find", params={"q": "hiatus"})).text
    assert old_card in before and "Harbour House" not in before
    path = "/admin/services/hiatus-house"
    page = await admin.get(path)
    fields = with_values(form_fields(page.text, path), name__en="Harbour House")
    saved = await admin.post(path, fields, csrf=False)
    assert saved.status_code == 303, saved.text[:500]
    state = app.state
    await publish_draft(state.store, state.theme, state.settings, actor="pat")
    await state.live.refresh()
    after = (await client.get("/find", params={"q": "harbour"})).text
    assert "Harbour House" in after
    again = (await client.get("/find", params={"q": "hiatus"})).text
    assert old_card not in again


async def test_kept_search_answers_are_bounded(app, client):
    cache = app.state.search_pages
    for n in range(cache.size + 20):
        assert (await client.get("/find", params={"q": f"shelter {n}"})).status_code == 200
    assert len(cache._pages) == cache.size
    # The oldest answers were let go; asking again makes them afresh, the same as before.
    first = await client.get("/find", params={"q": "shelter 0"})
    assert first.status_code == 200 and 'value="shelter 0"' in first.text
