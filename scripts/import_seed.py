"""Convert the Windsor-Essex seed data into the files in catalogue/.

Usage: python scripts/import_seed.py PATH/TO/windsor-essex-resources.json

The output is committed; this script records how each field was mapped so the
conversion can be checked and redone. It adds no fact that is not in the input:
where the input has no value, the output has none either, and the gap is listed
under "attention" for an admin.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "catalogue"
CODE_ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"
VERIFIED_BY = "Checked against stored copies of public web pages (seed data)"

# (need id, data category, English name, parent, featured)
NEEDS = [
    (
        "intimate-partner-violence",
        "intimate_partner_violence",
        "Intimate partner violence",
        None,
        True,
    ),
    ("human-trafficking", "human_trafficking", "Human trafficking", None, True),
    ("sex-trafficking", "sex_trafficking", "Sex trafficking", "human-trafficking", False),
    ("labour-trafficking", "labour_trafficking", "Labour trafficking", "human-trafficking", False),
    (
        "forced-marriage",
        "forced_marriage",
        "Marriage trafficking and forced marriage",
        "human-trafficking",
        False,
    ),
    ("child-abuse", "child_abuse", "Child abuse", None, True),
    ("sexual-assault", "sexual_assault", "Sexual assault", None, True),
    ("victim-support", "general_victim_services", "Support for victims of crime", None, True),
    ("financial-help", "financial_assistance", "Financial help", "victim-support", False),
    ("shelter", "shelter_housing", "Shelter and housing", None, True),
    ("legal-help", "legal", "Legal help", None, True),
    ("migrant-workers", "migrant_workers", "Migrant workers", None, True),
    (
        "labour-exploitation",
        "labour_exploitation",
        "Unfair or unsafe work",
        "migrant-workers",
        False,
    ),
    ("crisis-lines", "crisis_line", "Crisis lines", None, True),
    ("mental-health-crisis", "mental_health_crisis", "Mental health crisis", None, False),
    ("counselling", "counselling", "Counselling", None, False),
    ("medical-care", "medical", "Medical care", None, False),
    ("police-reporting", "police_reporting", "Police and reporting", None, False),
    ("anonymous-tips", "anonymous_tips", "Anonymous tips", "police-reporting", False),
    ("youth", "youth", "Children and youth", None, False),
    ("newcomers", "newcomers", "Newcomers", None, False),
    ("indigenous", "indigenous", "Indigenous people", None, False),
    ("francophone", "francophone", "Services in French", None, False),
    ("information-referral", "information_referral", "Information and referral", None, False),
    ("employment-training", "employment_training", "Work and training", None, False),
]

# Record ids and short names, in the order of organisations + hotlines in the input.
IDS = [
    ("wecen", "Windsor-Essex Counter Exploitation Network (WECEN)"),
    ("legal-assistance-of-windsor", None),
    ("community-legal-aid", None),
    ("legal-aid-ontario", None),
    ("aocvf-legal-centre", None),
    ("hiatus-house", None),
    ("nisa-homes-windsor", None),
    ("welcome-centre-shelter", None),
    ("sheltersafe", None),
    ("family-services-windsor-essex", None),
    ("sacc-essex-county", None),
    ("wrh-sadv-treatment-centre", None),
    ("victim-services-windsor-essex", None),
    ("windsor-police", None),
    ("opp-essex", None),
    ("crime-stoppers-windsor-essex", None),
    ("victim-witness-assistance", None),
    ("vqrp-plus", None),
    ("wecas", None),
    ("wecyac", None),
    ("youth-diversion", None),
    ("can-am-friendship-centre", None),
    ("multicultural-council", None),
    ("ncce", None),
    ("west-windsor", None),
    ("hdgh-urgent-crisis-centre", None),
    ("migrant-worker-community-program", None),
    ("teamwork-project", None),
    ("migrant-workers-alliance", None),
    ("workers-action-centre", None),
    ("mexican-consulate-sawp", None),
    ("ircc-vulnerable-worker-permit", None),
    ("centre-to-end-human-trafficking", None),
    ("human-trafficking-hotline", None),
    ("assaulted-womens-helpline", None),
    ("femaide", None),
    ("talk4healing", None),
    ("victim-support-line", None),
    ("kids-help-phone", None),
    ("211-ontario", None),
    ("988-crisis-helpline", None),
    ("tfw-tip-line", None),
]

# Street addresses as printed in the input, split into HSDS address fields.
ADDRESSES = {
    "legal-assistance-of-windsor": [("443 Ouellette Ave., 2nd floor", "Windsor", None, None)],
    "community-legal-aid": [
        ("443 Ouellette Ave.", "Windsor", None, "Shared office with Legal Assistance of Windsor")
    ],
    "windsor-police": [("150 Goyeau Street", "Windsor", None, "Headquarters")],
    "multicultural-council": [
        ("245 Janette Ave.", "Windsor", "N9A 4Z2", "As listed in 2016–2019 newsletters"),
        ("7651 Tecumseh Rd. E.", "Windsor", "N8T 3H1", "As listed in 2016–2019 newsletters"),
    ],
    "hdgh-urgent-crisis-centre": [("1030 Ouellette Ave.", "Windsor", None, None)],
    "migrant-workers-alliance": [("720 Spadina Ave.", "Toronto", None, "Office (2024)")],
}

# Lines that can be texted, as the input describes them in text_or_chat.
TEXT_LINES = {
    "kids-help-phone": ("686868", "CONNECT", "Text CONNECT to 686868", "24/7"),
    "988-crisis-helpline": ("9-8-8", None, "Text 9-8-8", "24/7"),
}

# The always-visible strip of key 24/7 lines, in order: (record id, phone label).
STRIP = [
    ("hiatus-house", "24/7 Helpline"),
    ("human-trafficking-hotline", "Hotline (toll-free)"),
    ("assaulted-womens-helpline", "Helpline (toll-free)"),
    ("kids-help-phone", "Call"),
    ("victim-support-line", "Toll-free"),
]

# Partner agencies the WPS CARES videos present (CTV list, 17 May 2023).
VIDEOS = [
    ("can-am-friendship-centre", "Can-Am Indian Friendship Centre"),
    ("wecas", "Children's Aid Society"),
    ("wecyac", "Child and Youth Advocacy Centre"),
    ("wecen", "Counter Exploitation Network"),
    ("wrh-sadv-treatment-centre", "Domestic Violence Treatment Centre"),
    ("family-services-windsor-essex", "Family Services"),
    ("hiatus-house", "Hiatus House"),
    ("multicultural-council", "Multicultural Council"),
    ("nisa-homes-windsor", "Nisa Homes"),
    ("sacc-essex-county", "Sexual Assault Crisis Centre"),
    ("victim-witness-assistance", "Victim Witness Assistance Program"),
    ("welcome-centre-shelter", "Welcome Centre for Women and Families"),
    ("youth-diversion", "Youth Diversion"),
]
VIDEO_SOURCES = [
    "https://windsor.ctvnews.ca/windsor-police-hope-video-campaign-will-connect-victims-of-crime-to-appropriate-resources-1.6403114",
    "https://www.cbc.ca/news/canada/windsor/wps-cares-victim-support-windsor-1.6847493?cmp=rss",
]


def en(value: str | None) -> dict[str, str] | None:
    return {"en": value} if value else None


def make_codes(keys: list[str]) -> dict[str, str]:
    codes: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        salt = 0
        while True:
            digest = hashlib.sha256(f"{key}:{salt}".encode()).digest()
            code = "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:4])
            if code not in taken:
                break
            salt += 1
        taken.add(code)
        codes[key] = code
    return codes


def split_number(raw: str) -> tuple[str, str | None]:
    match = re.fullmatch(r"(.+?)\s+ext\.\s*(\d+)", raw)
    return (match[1], match[2]) if match else (raw, None)


def phone_type(label: str) -> str:
    return "textphone" if re.search(r"\b(TTY|TDD)\b", label) else "voice"


def is_hotline(record_id: str, label: str, number: str, hours: str | None, listed: bool) -> bool:
    if number == "911" or "Find the local" in label:
        return False
    return listed or "24/7" in label or bool(hours and "24" in hours)


def convert_phones(record_id: str, data: dict, listed: bool) -> list[dict]:
    phones = []
    for item in data["phones"]:
        number, ext = split_number(item["number"])
        phone = {
            "number": number,
            "extension": ext,
            "type": phone_type(item["label"]),
            "description": {"en": item["label"]},
            "hours": en(item["hours"]),
            "hotline": is_hotline(record_id, item["label"], number, item["hours"], listed),
            "strip": None,
        }
        if (record_id, item["label"]) in STRIP:
            phone["strip"] = STRIP.index((record_id, item["label"])) + 1
        phones.append(phone)
    if record_id in TEXT_LINES:
        number, body, label, hours = TEXT_LINES[record_id]
        phones.append(
            {
                "number": number,
                "extension": None,
                "type": "text",
                "description": {"en": label},
                "hours": en(hours),
                "text_body": body,
                "hotline": True,
                "strip": None,
            }
        )
    return phones


def convert_sources(data: dict) -> list[dict]:
    sources = []
    for url in data["source_urls"]:
        raw = data["source_dates"].get(url)
        date, note = None, None
        if raw:
            match = re.match(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s*(.*)$", raw)
            if match:
                date, note = match[1], match[2].strip(" ()") or None
            else:
                note = raw
        sources.append({"url": url.replace("&amp;", "&"), "date": date, "note": note})
    return sources


def convert_service(record_id: str, data: dict, codes: dict, category_to_need: dict, listed: bool):
    attention = list(data["unverified_fields"])
    url = data["website"]
    if url and not url.startswith("https://"):
        attention.append(f"Website listed as {url}, which is not https; find an https address.")
        url = None
    name = data["name"]
    addresses = [
        {
            "address_1": street,
            "city": city,
            "state_province": "ON",
            "postal_code": postal,
            "country": "CA",
            "label": label,
        }
        for street, city, postal, label in ADDRESSES.get(record_id, [])
    ]
    confidential = "shelter_housing" in data["categories"] and record_id != "sheltersafe"
    if confidential:
        addresses = []
    service = {
        "id": record_id,
        "code": codes[f"service:{record_id}"],
        "organization_id": record_id,
        "name": {"en": name},
        "description": {"en": data["summary"]},
        "needs": [category_to_need[c] for c in data["categories"]],
        "status": "active",
        "alert": None,
        "phones": convert_phones(record_id, data, listed),
        "text_chat": en(data["text_or_chat"]),
        "url": url,
        "email": None,
        "confidential_location": confidential,
        "addresses": addresses,
        "hours": en(data["hours"]),
        "languages": {"en": data["languages"]} if data["languages"] else None,
        "eligibility_description": en(data["eligibility"]),
        "fees_description": None,
        "sources": convert_sources(data),
        "verified": None
        if data["confidence"] != "confirmed on stored page"
        else {"on": "2026-12-03", "by": VERIFIED_BY},
        "attention": attention
        + (
            ["Not verified: compiled from memory, not from a source."]
            if data["confidence"] != "confirmed on stored page"
            else []
        ),
        "notes": data["notes"] or None,
    }
    organization = {
        "id": record_id,
        "name": {"en": name},
        "description": None,
        "url": url,
        "email": None,
    }
    return organization, service


def main(path: str) -> None:
    data = json.loads(Path(path).read_text())
    records = data["organisations"] + data["hotlines"]
    keys = (
        [f"need:{n[0]}" for n in NEEDS]
        + [f"service:{r[0]}" for r in IDS]
        + [f"video:{v[0]}" for v in VIDEOS]
        + ["collection:partner-videos"]
    )
    codes = make_codes(keys)
    category_to_need = {n[1]: n[0] for n in NEEDS}
    needs = [
        {
            "id": nid,
            "code": codes[f"need:{nid}"],
            "parent": parent,
            "name": {"en": name},
            "description": None,
            "featured": featured,
        }
        for nid, _, name, parent, featured in NEEDS
    ]
    organizations, services = [], []
    for index, record in enumerate(records):
        record_id = IDS[index][0]
        org, service = convert_service(
            record_id, record, codes, category_to_need, index >= len(data["organisations"])
        )
        organizations.append(org)
        services.append(service)
    by_id = {s["id"]: s for s in services}
    videos = [
        {
            "id": f"video-{sid}",
            "code": codes[f"video:{sid}"],
            "title": {"en": title},
            "summary": {
                "en": "A short video from the Windsor Police Service's CARES series about this agency."
            },
            "key_points": None,
            "transcript": None,
            "platform": None,
            "url": None,
            "language": None,
            "duration_seconds": None,
            "thumbnail": None,
            "service_id": sid,
            "needs": by_id[sid]["needs"],
            "sources": [{"url": u, "date": "2023-05-17", "note": None} for u in VIDEO_SOURCES],
            "verified": {"on": "2026-12-03", "by": VERIFIED_BY},
            "attention": [
                "Video link needed: the address of this video on YouTube, Facebook, Instagram or X is not known yet.",
                "Language, length and key points of the video not known yet.",
            ],
        }
        for sid, title in VIDEOS
    ]
    collections = [
        {
            "id": "partner-videos",
            "code": codes["collection:partner-videos"],
            "name": {"en": "Partner agency videos"},
            "description": {
                "en": "The sticker set officers hand out: one video about each partner agency."
            },
            "items": [{"kind": "video", "id": v["id"]} for v in videos],
        }
    ]
    site = {
        "languages": ["en"],
        "title": {"en": "Community information"},
        "description": {"en": "Local services and phone numbers."},
        "share_subject": {"en": "Information"},
        "share_message": {"en": "Here is the link I mentioned:"},
        "emergency": {"number": "911", "label": {"en": "Emergency"}},
        "exit_url": "https://weather.gc.ca/",
    }
    for name, value in [
        ("site", site),
        ("needs", needs),
        ("organizations", organizations),
        ("services", services),
        ("videos", videos),
        ("collections", collections),
    ]:
        text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
        (OUT / f"{name}.json").write_text(text)


if __name__ == "__main__":
    main(sys.argv[1])
