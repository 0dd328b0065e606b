"""Values that look harmless but would give a victim away or break the site are refused."""

from __future__ import annotations

import pytest

from server.catalogue import read_catalogue_dir
from server.settings import ROOT
from server.validation import CatalogueInvalid, validate_catalogue
from tests.test_catalogue import problems_of


@pytest.fixture
def doc() -> dict:
    return read_catalogue_dir(ROOT / "catalogue")


def _service(doc: dict, service_id: str = "hiatus-house") -> dict:
    return next(s for s in doc["services"] if s["id"] == service_id)


BREAKS = {
    "a code with a line break": (
        lambda d: d["needs"][0].update(code=d["needs"][0]["code"] + "\n"),
        "code",
    ),
    "an exit address with a line break": (
        lambda d: d["site"].update(exit_url="https://weather.gc.ca/\n"),
        "exit_url",
    ),
    "an emergency number with a line break": (
        lambda d: d["site"]["emergency"].update(number="911\n"),
        "emergency.number",
    ),
    "a site without English": (lambda d: d["site"].update(languages=["fr"]), "languages"),
    "an email that adds a hidden recipient": (
        lambda d: _service(d).update(email="help@shelter.org?bcc=abuser%40evil.org"),
        "email",
    ),
    "an email that is a mailto link": (
        lambda d: _service(d).update(email="mailto:x@y.zz"),
        "email",
    ),
    "a website with a password in it": (
        lambda d: d["organizations"][0].update(url="https://user:pass@evil.org/"),
        "url",
    ),
    "a website with no real host": (
        lambda d: d["organizations"][0].update(url="https://x"),
        "url",
    ),
    "a website at an IP address": (
        lambda d: _service(d).update(url="https://127.0.0.1/"),
        "url",
    ),
    "a zero-width space in a name": (
        lambda d: _service(d)["name"].update(en="Hiatus\u200bHouse"),
        "name.en",
    ),
    "an unpaired surrogate": (
        lambda d: _service(d)["name"].update(en="Hiatus \ud800"),
        "name.en",
    ),
    "a line separator": (
        lambda d: _service(d)["description"].update(en="Open\u2028late"),
        "description.en",
    ),
}


@pytest.mark.parametrize("name", BREAKS)
def test_refused_and_named(doc, name):
    change, field = BREAKS[name]
    change(doc)
    found = problems_of(doc)
    assert any(f == field or f.endswith("." + field) or f.startswith(field) for _, f, _ in found), (
        found
    )


def test_a_shelter_under_a_shelter_need_never_carries_an_address(doc):
    doc["needs"].append(
        {
            "id": "womens-shelter",
            "code": "QQQQ",
            "name": {"en": "Women's shelter"},
            "parent": "shelter",
        }
    )
    doc["needs"].append(
        {
            "id": "family-shelter",
            "code": "QQQR",
            "name": {"en": "Family shelter"},
            "parent": "womens-shelter",
        }
    )
    service = _service(doc, "legal-assistance-of-windsor")
    assert service["addresses"], "a public office with an address"
    service["needs"] = ["family-shelter"]
    found = problems_of(doc)
    assert (
        "services/legal-assistance-of-windsor",
        "addresses",
        "shelter addresses are never published",
    ) in found


def test_joiners_that_scripts_need_stay_allowed(doc):
    _service(doc)["name"]["fr"] = "Hiatus\u200c House"  # zero-width non-joiner
    validate_catalogue(doc, ["youtube.com"])


def test_a_long_value_is_not_repeated_back(doc):
    _service(doc)["name"]["en"] = "x" * 10_000
    with pytest.raises(CatalogueInvalid) as refused:
        validate_catalogue(doc, ["youtube.com"])
    (problem,) = refused.value.problems
    assert problem.field == "name.en" and "too long" in problem.message
    assert len(str(problem)) < 200
