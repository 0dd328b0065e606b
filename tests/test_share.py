"""Share links: correctly encoded sms:, mailto: and tel: links."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from server.catalogue import Phone
from server.share import mailto_href, share_body, sms_href, tel_href

TRICKY = [
    "Here is the link",
    "Fish & chips #1 100% ?=+",
    "Voici le lien : café, élève, Noël",
    "هذا هو الرابط الذي ذكرته",
    "Aquí está el enlace, señora",
]


@pytest.mark.parametrize("text", TRICKY)
def test_sms_body_survives_encoding(text):
    body = share_body(text, "https://example.org/s/K7Q2")
    href = sms_href(body)
    assert href.startswith("sms:?&body=")
    assert " " not in href and "+" not in href.removeprefix("sms:")
    encoded = href.split("body=", 1)[1]
    assert "&" not in encoded and "#" not in encoded
    assert unquote(encoded) == body


@pytest.mark.parametrize("text", TRICKY)
def test_mailto_subject_and_body_survive_encoding(text):
    href = mailto_href(text, share_body(text, "https://example.org/s/K7Q2"))
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and " " not in href
    query = parse_qs(parts.query)
    assert query["subject"] == [text]
    assert query["body"] == [f"{text} https://example.org/s/K7Q2"]


@pytest.mark.parametrize(
    ("number", "extension", "kind", "body", "expected"),
    [
        ("519-252-7781", None, "voice", None, "tel:+15192527781"),
        ("(519) 971-7595", None, "voice", None, "tel:+15199717595"),
        ("1-833-900-1010", None, "voice", None, "tel:+18339001010"),
        ("519-255-6700", "4879", "voice", None, "tel:+15192556700,4879"),
        ("1-877-FEM-AIDE", None, "voice", None, "tel:+18773362433"),
        ("2-1-1", None, "voice", None, "tel:211"),
        ("911", None, "voice", None, "tel:911"),
        ("686868", None, "text", "CONNECT", "sms:686868?&body=CONNECT"),
        ("9-8-8", None, "text", None, "sms:988?&body="),
    ],
)
def test_tel_links(number, extension, kind, body, expected):
    phone = Phone(
        number=number, type=kind, description={"en": "x"}, extension=extension, text_body=body
    )
    assert tel_href(phone) == expected


def test_a_list_link_is_read_only_so_far():
    from server.share import MAX_LIST_ITEMS, MAX_LIST_PARTS, list_codes

    many = "-".join(f"{a}{b}{c}{d}" for a in "BCDF" for b in "GHJK" for c in "MNPQ" for d in "23")
    assert len(list_codes([many])) == MAX_LIST_ITEMS
    # Codes hidden behind a long run of junk are never reached: the work is bounded.
    junk = "-".join(["NOT-A-CODE!"] * MAX_LIST_PARTS)
    assert list_codes([junk + "-BCDF"]) == []
    assert list_codes(["BCDF"] * 5000 + ["GHJK"]) == ["BCDF"]
