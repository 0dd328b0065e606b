"""Import Open Referral HSDS 3.0 JSON into the draft.

Accepted shapes: one organization or service object (as in HSDS's full
examples), a list of them, or ``{"organizations": [...], "services": [...]}``
(what ``server.hsds.to_hsds`` writes). Records are merged into a copy of the
draft: a record whose HSDS id is the one CARES gave it on export is updated in
place; others are added. Only the fields HSDS carries are touched, in English;
translations, hotline flags, videos and collections stay as they are.

Nothing is invented. A fact CARES cannot take as it is (an http:// website, a
phone kind CARES has no use for, an address of a shelter) is left out and
noted on the record for an admin, and in the report. Two rules keep a
shelter's location safe: an import only ever adds needs (it never drops
"shelter" from a service), and it never puts an address on a record: the
addresses it finds are noted for an admin to add, who knows which are public.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from server.hsds import hsds_id
from server.validation import CatalogueInvalid, Problem, check_url, shelter_needs

STATUS = {"active": "active", "temporarily closed": "temporarily_closed"}
PHONE_TYPES = {"voice": "voice", "cell": "voice", "text": "text", "sms": "text"}
PHONE_TYPES |= {"textphone": "textphone", "tty": "textphone", "fax": "fax"}
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Merge:
    doc: dict[str, Any]
    today: str
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def local_id(self, kind: str, hsds: Any) -> str:
        """The CARES id for an HSDS id: the record it was exported from, else a slug of it."""
        text = str(hsds or "")
        for record in self.doc[kind]:
            if hsds_id(kind.removesuffix("s"), record["id"]) == text:
                return record["id"]
        return _slug(text)[:64].strip("-")

    def note(self, record: dict[str, Any], kind: str, message: str) -> None:
        self.warnings.append(f"{kind}/{record['id']}: {message}")
        attention = record.setdefault("attention", [])
        if message not in attention and len(attention) < 50:
            attention.append(message)

    def find(self, kind: str, record_id: str) -> dict[str, Any] | None:
        return next((r for r in self.doc[kind] if r["id"] == record_id), None)


def objects(value: Any, where: str, field: str) -> list[dict[str, Any]]:
    """A list of HSDS objects (none when absent). Raises CatalogueInvalid for anything else."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise CatalogueInvalid([Problem(where, field, "must be a list of objects")])
    return value


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _text(existing: dict[str, str] | None, english: str | None) -> dict[str, str] | None:
    """English replaced, other languages kept; None when there is no English at all."""
    if english is None:
        return existing
    return {**(existing or {}), "en": english}


def split_shapes(data: Any) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], Any]]]:
    """(organizations, [(service, organization id)]) from any accepted shape."""
    items = data if isinstance(data, list) else [data]
    if isinstance(data, dict) and "id" not in data:
        if not data.get("organizations") and not data.get("services"):
            raise CatalogueInvalid(
                [Problem("import", "", "the file holds no organizations and no services")]
            )
        items = [
            *objects(data.get("organizations"), "import", "organizations"),
            *objects(data.get("services"), "import", "services"),
        ]
    orgs, services = [], []
    for item in items:
        if not isinstance(item, dict) or "id" not in item or "name" not in item:
            raise CatalogueInvalid(
                [Problem("import", "", "every organization and service needs an id and a name")]
            )
        if "status" in item:
            nested = item.get("organization")
            if isinstance(nested, dict):
                orgs.append(nested)
            services.append((item, item.get("organization_id") or (nested or {}).get("id")))
        else:
            orgs.append(item)
            nested = objects(item.get("services"), f"organizations/{item['id']}", "services")
            services += [(s, item["id"]) for s in nested]
    return orgs, services


def merge_hsds(draft: dict[str, Any], data: Any, today: str) -> tuple[dict[str, Any], list[str]]:
    """The draft with the HSDS records merged in, and the warnings. Raises CatalogueInvalid.

    The result still has to pass validation; new shared records get codes later.
    """
    merge = Merge(copy.deepcopy(draft), today)
    orgs, services = split_shapes(data)
    for org in orgs:
        _merge_org(merge, org)
    for service, org_id in services:
        _merge_service(merge, service, org_id, orgs)
    if merge.problems:
        raise CatalogueInvalid(merge.problems)
    return merge.doc, merge.warnings


def _merge_org(merge: Merge, org: dict[str, Any]) -> None:
    oid = merge.local_id("organizations", org["id"])
    objects(org.get("locations"), f"organizations/{oid}", "locations")  # read with services
    record = merge.find("organizations", oid)
    if record is None:
        record = {"id": oid, "name": {"en": _str(org.get("name")) or oid}}
        merge.doc["organizations"].append(record)
    record["name"] = _text(record.get("name"), _str(org.get("name")))
    record["description"] = _text(record.get("description"), _str(org.get("description")))
    record["email"] = _str(org.get("email")) or record.get("email")
    website = _str(org.get("website"))
    if website and check_url(website) is None:
        record["url"] = website
    elif website:
        merge.warnings.append(
            f"organizations/{oid}: website {website} is not an https address; left out"
        )


def _merge_service(
    merge: Merge, item: dict[str, Any], org_id: Any, orgs: list[dict[str, Any]]
) -> None:
    sid = merge.local_id("services", item["id"])
    record = merge.find("services", sid)
    if record is None:
        record = {"id": sid, "code": "", "sources": [], "verified": None, "needs": []}
        merge.doc["services"].append(record)
        merge.note(record, "services", f"Imported from HSDS on {merge.today}: check every fact")
    record["organization_id"] = merge.local_id("organizations", org_id) if org_id else ""
    if not record["organization_id"]:
        merge.problems.append(Problem(f"services/{sid}", "organization_id", "no organization"))
    record["name"] = _text(record.get("name"), _str(item.get("name")))
    record["description"] = _text(record.get("description"), _str(item.get("description")))
    if not record.get("description"):
        record["description"] = record["name"]
    status = str(item.get("status", ""))
    record["status"] = STATUS.get(status, "inactive")
    for name in ("alert", "eligibility_description", "fees_description"):
        record[name] = _text(record.get(name), _str(item.get(name)))
    record["email"] = _str(item.get("email")) or record.get("email")
    _merge_url(merge, record, _str(item.get("url")))
    _merge_needs(merge, record, item)
    _merge_phones(merge, record, objects(item.get("phones"), f"services/{sid}", "phones"))
    _merge_hours_languages(record, item)
    _merge_verified(record, item)
    _merge_addresses(merge, record, item, orgs)


def _merge_url(merge: Merge, record: dict[str, Any], url: str | None) -> None:
    if url and check_url(url) is None:
        record["url"] = url
    elif url:
        merge.note(record, "services", f"Website {url} is not an https address; left out")


def _merge_needs(merge: Merge, record: dict[str, Any], item: dict[str, Any]) -> None:
    where = f"services/{record['id']}"
    terms = [a.get("taxonomy_term") for a in objects(item.get("attributes"), where, "attributes")]
    terms = [t for t in terms if isinstance(t, dict) and (t.get("code") or t.get("name"))]
    if not terms:
        if not record["needs"]:
            merge.problems.append(
                Problem(
                    f"services/{record['id']}",
                    "attributes",
                    "no taxonomy term says which need this service meets",
                )
            )
        return
    # An import adds needs and never takes one away: dropping "shelter" from a
    # service could otherwise let its address through.
    found = [_need_for(merge, t) for t in terms]
    record["needs"] = list(dict.fromkeys([*record["needs"], *found]))


def _need_for(merge: Merge, term: dict[str, Any]) -> str:
    """The need a taxonomy term names: by exported id, code, or English name; else a new one."""
    name = _str(term.get("name")) or str(term.get("code"))
    for need in merge.doc["needs"]:
        if term.get("id") == hsds_id("need", need["id"]) or term.get("code") == need["id"]:
            return need["id"]
        if need["name"].get("en", "").casefold() == name.casefold():
            return need["id"]
    need_id = _slug(str(term.get("code") or name))[:64].strip("-") or "imported"
    merge.doc["needs"].append(
        {"id": need_id, "code": "", "name": {"en": name}, "parent": None}
        | ({"description": {"en": d}} if (d := _str(term.get("description"))) else {})
    )
    merge.warnings.append(f"needs/{need_id}: new need from the taxonomy term {name!r}")
    return need_id


def _merge_phones(merge: Merge, record: dict[str, Any], phones: list[Any]) -> None:
    """Phones as HSDS lists them; a line CARES had keeps its hotline and strip settings."""
    known = {(p["number"], p["type"]): p for p in record.get("phones", [])}
    out = []
    for phone in phones:
        # HSDS's own examples quote the number ("\"+44 1234 234567\"").
        number = str(phone.get("number", "")).strip().strip('"').strip()
        kind = PHONE_TYPES.get(str(phone.get("type") or "voice").lower())
        if kind is None:
            merge.note(record, "services", f"Phone {number} of type {phone.get('type')} left out")
            continue
        before = known.get((number, kind), {})
        extension = phone.get("extension")
        out.append(
            {
                **before,
                "number": number,
                "type": kind,
                "extension": str(int(extension)) if isinstance(extension, int | float) else None,
                "description": _text(before.get("description"), _phone_label(before, phone))
                or {"en": "Phone"},
            }
        )
    record["phones"] = out


def _phone_label(before: dict[str, Any], phone: dict[str, Any]) -> str | None:
    """The label, without the hours an export adds to it ("Helpline (24/7)")."""
    label = _str(phone.get("description"))
    old_label = (before.get("description") or {}).get("en")
    old_hours = (before.get("hours") or {}).get("en")
    if label and old_hours and label == f"{old_label} ({old_hours})":
        return old_label
    return label


def _merge_hours_languages(record: dict[str, Any], item: dict[str, Any]) -> None:
    where = f"services/{record['id']}"
    hours = [_schedule_text(s) for s in objects(item.get("schedules"), where, "schedules")]
    record["hours"] = _text(record.get("hours"), "; ".join(h for h in hours if h) or None)
    names = [
        str(lang["name"]).strip()
        for lang in objects(item.get("languages"), where, "languages")
        if lang.get("name")
    ]
    if names:
        record["languages"] = {**(record.get("languages") or {}), "en": names}


def _schedule_text(schedule: dict[str, Any]) -> str | None:
    if text := _str(schedule.get("description")):
        return text
    opens, closes = _str(schedule.get("opens_at")), _str(schedule.get("closes_at"))
    if not (opens and closes):
        return None
    days = _str(schedule.get("byday"))
    return f"{days + ' ' if days else ''}{opens[:5]}–{closes[:5]}"


def _merge_verified(record: dict[str, Any], item: dict[str, Any]) -> None:
    for entry in objects(item.get("metadata"), f"services/{record['id']}", "metadata"):
        if entry.get("last_action_type") == "verified":
            record["verified"] = {
                "on": str(entry.get("last_action_date")),
                "by": str(entry.get("updated_by") or "HSDS import"),
            }
            return
    if _str(item.get("assured_date")):
        by = _str(item.get("assurer_email")) or "the directory it was imported from"
        record["verified"] = {"on": str(item["assured_date"])[:10], "by": by}


def _merge_addresses(
    merge: Merge, record: dict[str, Any], item: dict[str, Any], orgs: list[dict[str, Any]]
) -> None:
    found = []
    where = f"services/{record['id']}"
    for link in objects(item.get("service_at_locations"), where, "service_at_locations"):
        location = link.get("location")
        found += _addresses_of(location, item.get("name"))
    for org in orgs:
        for location in objects(org.get("locations"), f"organizations/{org['id']}", "locations"):
            if location.get("name") == item.get("name"):
                found += _addresses_of(location, item.get("name"))
    if not found or found == record.get("addresses", []):
        return
    # An address is published only once an admin has put it on the record: an
    # import cannot tell a public office from a shelter's hidden location.
    if record.get("confidential_location") or shelter_needs(merge.doc["needs"]) & set(
        record["needs"]
    ):
        merge.note(record, "services", "An address in the import was left out: never published")
        return
    for address in found[:10]:
        line = ", ".join(
            str(address[k])
            for k in ("address_1", "city", "state_province", "postal_code")
            if address.get(k)
        )
        merge.note(
            record,
            "services",
            f"Address in the import, not published: {line[:300]}. Add it to the record"
            " only if it is a public office (never a shelter).",
        )


def _addresses_of(location: Any, service_name: Any) -> list[dict[str, Any]]:
    if not isinstance(location, dict):
        return []
    # The location's own words label its addresses; a name that only repeats the
    # service's (as CARES exports it) says nothing more.
    names = [_str(location.get("description")), _str(location.get("name"))]
    label = next((t for t in names if t and len(t) <= 200 and t != service_name), None)
    out = []
    for a in objects(location.get("addresses"), f"locations/{location.get('id')}", "addresses"):
        if a.get("address_type", "physical") in ("physical", "postal"):
            out.append(
                {
                    "address_1": str(a.get("address_1", "")).strip(),
                    "city": str(a.get("city", "")).strip(),
                    "state_province": str(a.get("state_province", "")).strip(),
                    "country": str(a.get("country", "")).strip(),
                    "postal_code": _str(a.get("postal_code")),
                    "label": "Postal address" if a.get("address_type") == "postal" else label,
                }
            )
    return out
