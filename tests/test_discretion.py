"""Discretion for every public page type: the same neutral title and link preview for
people and for link-preview bots, no cookie, and outbound links that send no referrer."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from server import share

BOTS = {
    "Facebook and Messenger": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit"
    "_uatext.php)",
    "WhatsApp": "WhatsApp/2.23.20.0 A",
    "Slack": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "X": "Twitterbot/1.0",
    "Telegram": "TelegramBot (like TwitterBot)",
    "Discord": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "LinkedIn": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient"
    " +http://www.linkedin.com)",
    "iMessage": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) facebookexternalhit/1.1"
    " Twitterbot/1.0",
    "Googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
}
NEUTRAL = {
    "en": ("Community information", "Local services and phone numbers."),
    "fr": ("Renseignements communautaires", "Services et numéros de téléphone de la région."),
    "ar": ("معلومات مجتمعية", "خدمات وأرقام هاتف محلية."),
    "es": ("Información comunitaria", "Servicios y números de teléfono de la zona."),
}
# Tags a messaging app or a lock screen could show, and tags that would name
# a picture or an address for it: only the first group may exist.
PREVIEW_TAGS = ["og:title", "og:description", "twitter:title", "twitter:description"]
REVEALING_TAGS = ["og:image", "og:url", "og:site_name", "twitter:image", "twitter:site"]


class Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta.setdefault(a.get("property") or a["name"], []).append(a.get("content", ""))
        if tag == "a" and "href" in a:
            self.links.append(a)
        self._in_title = tag == "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def parse(html: str) -> Head:
    head = Head()
    head.feed(html)
    return head


async def page_types(client, lang: str) -> dict[str, str]:
    doc = (await client.get("/api/catalogue")).json()
    first = {kind: doc[kind][0]["code"] for kind in ("needs", "services", "videos", "collections")}
    return {
        "home": share.home_path(lang),
        **{kind: share.page_path(lang, code) for kind, code in first.items()},
        **{name: share.fixed_path(lang, name) for name in ("numbers", "find", "about", "offline")},
        "find with a query": share.fixed_path(lang, "find") + "?q=shelter",
        "not found": share.fixed_path(lang, "no-such-page"),
    }


@pytest.mark.parametrize("bot", sorted(BOTS))
async def test_link_preview_bots_see_only_the_neutral_title(client, bot):
    for lang, (title, description) in NEUTRAL.items():
        for kind, path in (await page_types(client, lang)).items():
            response = await client.get(path, headers={"user-agent": BOTS[bot]})
            assert response.status_code == (404 if kind == "not found" else 200), path
            assert "set-cookie" not in response.headers, path
            head = parse(response.text)
            assert head.title == title, (bot, path)
            assert head.meta["description"] == [description], (bot, path)
            for tag in PREVIEW_TAGS:
                expected = title if tag.endswith("title") else description
                assert head.meta[tag] == [expected], (bot, path, tag)
            assert head.meta["twitter:card"] == ["summary"]
            assert not [t for t in REVEALING_TAGS if t in head.meta], (bot, path)


async def test_bots_get_the_same_bytes_as_people(client):
    for path in (await page_types(client, "en")).values():
        person = await client.get(path)
        for agent in BOTS.values():
            assert (await client.get(path, headers={"user-agent": agent})).content == person.content


@pytest.mark.parametrize("lang", sorted(NEUTRAL))
async def test_outbound_links_send_no_referrer(client, lang):
    outbound = 0
    manifest = (await client.get("/api/offline.json")).json()
    paths = [p for p, _ in manifest["files"][lang] if not p.endswith(".svg")]
    for path in paths:
        response = await client.get(path)
        if not response.headers["content-type"].startswith("text/html"):
            continue
        assert re.search(r'<meta name="referrer" content="no-referrer">', response.text), path
        for link in parse(response.text).links:
            if re.match(r"^https?://", link["href"]) and not link["href"].startswith(
                "http://testserver/"
            ):
                outbound += 1
                rel = link.get("rel", "").split()
                assert "noreferrer" in rel and "noopener" in rel, (path, link)
    assert outbound > 50, "service websites, videos and quick exit were checked"
