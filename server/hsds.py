"""Export to Open Referral HSDS 3.0 JSON, and check a document against its schemas.

An export is a list of HSDS organizations, each with its services nested (as
in HSDS's own full examples), services carrying phones, schedules, languages
and their needs as taxonomy terms. HSDS identifiers are UUIDs: each CARES
record gets a stable one (UUID 5 of its kind and id), so importing an export
again updates the same records. What HSDS has no field for (translations,
hotline flags, videos, collections) stays in the project's own JSON format.
Confidential locations and shelters never carry an address, here as anywhere.
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from server.catalogue import Catalogue, Need, Organization, Phone, Service, Text

SCHEMAS = Path(__file__).resolve().parent.parent / "catalogue" / "hsds-3.0"
NAMESPACE = uuid.UUID("5b2f6a3e-8c1d-4e57-9a0b-2d7c4f1e9a60")
TAXONOMY = "CARES needs"
STATUS_TO_HSDS = {"active": "active", "temporarily_closed": "temporarily closed"}
VERIFIED_ACTION = "verified"


def hsds_id(kind: str, record_id: str) -> str:
    """The stable HSDS identifier of a CARES record (or part of one)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{record_id}"))


def _en(text: Text | None) -> str | None:
    return text.get("en") if text else None


def _some(**fields: Any) -> dict[str, Any]:
    """Only the fields that have a value: HSDS leaves unknown facts out."""
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def taxonomy_term(need: Need) -> dict[str, Any]:
    return _some(
        id=hsds_id("need", need.id),
        code=need.id,
        name=_en(need.name),
        description=_en(need.description) or _en(need.name),
        parent_id=hsds_id("need", need.parent) if need.parent else None,
        taxonomy=TAXONOMY,
        language="en",
    )


def _phone(service: Service, index: int, phone: Phone) -> dict[str, Any]:
    label = _en(phone.description) or ""
    hours = _en(phone.hours)
    return _some(
        id=hsds_id("phone", f"{service.id}/{index}"),
        service_id=hsds_id("service", service.id),
        number=phone.number,
        extension=int(phone.extension) if phone.extension else None,
        type=phone.type,
        description=f"{label} ({hours})" if hours else label,
    )


def _service(service: Service, needs: dict[str, Need]) -> dict[str, Any]:
    sid = hsds_id("service", service.id)
    languages = (service.languages or {}).get("en", [])
    verified = service.verified
    return _some(
        id=sid,
        organization_id=hsds_id("organization", service.organization_id),
        name=_en(service.name),
        description=_en(service.description),
        url=service.url,
        email=service.email,
        status=STATUS_TO_HSDS.get(service.status, "inactive"),
        alert=_en(service.alert),
        eligibility_description=_en(service.eligibility_description),
        fees_description=_en(service.fees_description),
        assured_date=verified.on if verified else None,
        phones=[_phone(service, i, p) for i, p in enumerate(service.phones)],
        schedules=[{"id": hsds_id("schedule", service.id), "service_id": sid, "description": hours}]
        if (hours := _en(service.hours))
        else [],
        languages=[
            {"id": hsds_id("language", f"{service.id}/{name}"), "service_id": sid, "name": name}
            for name in languages
        ],
        attributes=[
            {
                "id": hsds_id("attribute", f"{service.id}/{need_id}"),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": hsds_id("need", need_id),
                "taxonomy_term": taxonomy_term(needs[need_id]),
            }
            for need_id in service.needs
        ],
        metadata=[
            {
                "id": hsds_id("verified", service.id),
                "resource_id": sid,
                "resource_type": "service",
                "last_action_date": verified.on,
                "last_action_type": VERIFIED_ACTION,
                "field_name": "",
                "previous_value": "",
                "replacement_value": "",
                "updated_by": verified.by,
            }
        ]
        if verified
        else [],
    )


def _locations(org: Organization, services: list[Service]) -> list[dict[str, Any]]:
    """Public addresses only; a location is named after the service it belongs to."""
    out = []
    for service in services:
        for i, address in enumerate(service.public_addresses):
            lid = hsds_id("location", f"{service.id}/{i}")
            out.append(
                _some(
                    id=lid,
                    location_type="physical",
                    organization_id=hsds_id("organization", org.id),
                    name=_en(service.name),
                    description=address.label,
                    addresses=[
                        _some(
                            id=hsds_id("address", f"{service.id}/{i}"),
                            location_id=lid,
                            address_1=address.address_1,
                            city=address.city,
                            state_province=address.state_province,
                            country=address.country,
                            address_type="physical",
                        )
                        # Required by HSDS; empty when the address has none.
                        | {"postal_code": address.postal_code or ""}
                    ],
                )
            )
    return out


def to_hsds(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue's organizations and services as HSDS 3.0 JSON."""
    needs = catalogue.by_id["needs"]
    organizations = []
    for org in catalogue.organizations:
        services = [s for s in catalogue.services if s.organization_id == org.id]
        organizations.append(
            _some(
                id=hsds_id("organization", org.id),
                name=_en(org.name),
                website=org.url,
                email=org.email,
                locations=_locations(org, services),
                services=[_service(s, needs) for s in services],
            )
            # HSDS requires a description; an empty one says none is on file.
            | {"description": _en(org.description) or ""}
        )
    return {
        "hsds_version": "3.0",
        "organizations": organizations,
        "taxonomy_terms": [taxonomy_term(n) for n in catalogue.needs],
    }


@cache
def _validators() -> dict[str, Draft202012Validator]:
    resources = {}
    for path in SCHEMAS.glob("schema_*.json"):
        name = path.name.removeprefix("schema_")
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources[name] = Resource.from_contents(contents, default_specification=DRAFT202012)
    registry = Registry().with_resources(resources.items())
    return {
        name.removesuffix(".json"): Draft202012Validator(
            resource.contents, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for name, resource in resources.items()
    }


def hsds_problems(export: dict[str, Any]) -> list[str]:
    """Where an HSDS export breaks the HSDS 3.0 schemas ([] when it is valid)."""
    validators = _validators()
    problems = []
    checks = [("organization", org) for org in export.get("organizations", [])]
    checks += [("service", s) for org in export.get("organizations", []) for s in org["services"]]
    checks += [("taxonomy_term", t) for t in export.get("taxonomy_terms", [])]
    for kind, instance in checks:
        try:
            for error in validators[kind].iter_errors(instance):
                where = "/".join(str(p) for p in error.absolute_path)
                problems.append(f"{kind} {instance.get('id')} {where}: {error.message}")
        except Unresolvable as exc:
            problems.append(f"{kind} {instance.get('id')}: uses {exc.ref}, not among our schemas")
    return problems
