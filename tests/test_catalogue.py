"""The default catalogue and the rules every catalogue must follow."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from server.catalogue import (
    FILES,
    canonical_json,
    catalogue_to_dict,
    read_catalogue_dir,
)
from server.settings import ROOT, Settings
from server.validation import CatalogueInvalid, validate_catalogue

SEED = ROOT.parent / "shared" / "data" / "windsor-essex-resources.json"
HOSTS = Settings().video_hosts


@pytest.fixture
def doc() -> dict:
    return read_catalogue_dir(ROOT / "catalogue")


def problems_of(doc: dict) -> list[tuple[str, str, str]]:
    with pytest.raises(CatalogueInvalid) as info:
        validate_catalogue(doc, HOSTS)
    return [(p.record, p.field, p.message) for p in info.value.problems]


def test_default_catalogue_is_valid_and_complete(doc):
    catalogue = validate_catalogue(doc, HOSTS)
    assert len(catalogue.services) == 42  # 33 organisations and 9 hotlines in the seed data
    assert len(catalogue.videos) == 13  # one per partner agency in the WPS CARES series
    need_ids = {n.id for n in catalogue.needs}
    for wanted in [
        "intimate-partner-violence",
        "human-trafficking",
        "child-abuse",
        "sexual-assault",
        "victim-support",
        "legal-help",
        "shelter",
        "migrant-workers",
        "crisis-lines",
    ]:
        assert wanted in need_ids
    children = {n.id for n in catalogue.children("human-trafficking")}
    assert children == {"sex-trafficking", "labour-trafficking", "forced-marriage"}


def test_every_record_has_sources_and_a_verification_state(doc):
    catalogue = validate_catalogue(doc, HOSTS)
    for record in [*catalogue.services, *catalogue.videos]:
        assert record.sources, record.id
        assert record.verified or record.attention, record.id


def test_videos_have_no_invented_links_and_are_flagged(doc):
    for video in validate_catalogue(doc, HOSTS).videos:
        assert video.url is None
        assert any("link needed" in a.lower() for a in video.attention)


def test_shelters_never_have_an_address(doc):
    for service in validate_catalogue(doc, HOSTS).services:
        if "shelter" in service.needs:
            assert service.addresses == []


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed data is not beside this clone")
def test_phone_numbers_all_come_from_the_seed_data(doc):
    seed = SEED.read_text()
    for service in validate_catalogue(doc, HOSTS).services:
        for phone in service.phones:
            assert phone.number in seed, (service.id, phone.number)
        if service.url:
            assert service.url in seed, service.id


def test_round_trip_is_exact(doc):
    once = catalogue_to_dict(validate_catalogue(copy.deepcopy(doc), HOSTS))
    twice = catalogue_to_dict(validate_catalogue(json.loads(canonical_json(once)), HOSTS))
    assert canonical_json(once) == canonical_json(twice) == canonical_json(doc)


def test_wrong_type_names_record_and_field(doc):
    doc["services"][5]["phones"][0]["number"] = 5192527781
    assert ("services/hiatus-house", "phones[0].number", "must be text") in problems_of(doc)


def test_missing_required_field(doc):
    del doc["services"][0]["name"]
    assert ("services/wecen", "", "'name' is required") in problems_of(doc)


def test_duplicate_id(doc):
    doc["services"][1]["id"] = doc["services"][0]["id"]
    assert any(p[0] == "services/wecen" and p[1] == "id" for p in problems_of(doc))


def test_reference_to_missing_record(doc):
    doc["videos"][0]["service_id"] = "no-such-service"
    problems = problems_of(doc)
    assert (
        "videos/video-can-am-friendship-centre",
        "service_id",
        "no service has the id 'no-such-service'",
    ) in problems


def test_url_that_is_not_https(doc):
    doc["services"][5]["url"] = "http://hiatushouse.com"
    (problem,) = problems_of(doc)
    assert problem[:2] == ("services/hiatus-house", "url")
    assert "https" in problem[2]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://user:pw@hiatushouse.com",
        "https://localhost/",
        "https://x.com:bad/",
    ],
)
def test_hostile_urls_are_refused(doc, url):
    doc["services"][5]["url"] = url
    assert any(p[:2] == ("services/hiatus-house", "url") for p in problems_of(doc))


def test_video_url_must_be_on_the_allow_list(doc):
    video = doc["videos"][0]
    video["url"], video["platform"] = "https://www.youtube.com.evil.example/watch?v=1", "youtube"
    assert any("not on the list of video hosts" in p[2] for p in problems_of(doc))
    video["url"] = "https://www.youtube.com/watch?v=abc"
    validate_catalogue(doc, HOSTS)


def test_bidi_override_and_control_characters_are_refused(doc):
    doc["services"][5]["name"]["en"] = "Hiatus\u202eesuoH"
    doc["services"][6]["description"]["en"] = "bell\x07"
    problems = problems_of(doc)
    assert (
        "services/hiatus-house",
        "name.en",
        "contains a bidirectional override character",
    ) in problems
    assert (
        "services/nisa-homes-windsor",
        "description.en",
        "contains a control character",
    ) in problems


def test_text_is_normalised_to_nfc(doc):
    doc["services"][5]["name"]["en"] = "Cafe\u0301"
    catalogue = validate_catalogue(doc, HOSTS)
    assert catalogue.by_id["services"]["hiatus-house"].name["en"] == "Caf\u00e9"


def test_confidential_location_cannot_carry_an_address(doc):
    doc["services"][5]["addresses"] = [
        {"address_1": "1 Main St", "city": "Windsor", "state_province": "ON", "country": "CA"}
    ]
    assert (
        "services/hiatus-house",
        "addresses",
        "a confidential location must have no address",
    ) in problems_of(doc)
    doc["services"][5]["confidential_location"] = False
    assert (
        "services/hiatus-house",
        "addresses",
        "shelter addresses are never published",
    ) in problems_of(doc)


def test_unknown_language_key(doc):
    doc["needs"][0]["name"]["xx"] = "?"
    assert any(p[1] == "name.xx" for p in problems_of(doc))


def test_missing_file_is_named(tmp_path: Path):
    with pytest.raises(CatalogueInvalid) as info:
        read_catalogue_dir(tmp_path)
    records = [p.record for p in info.value.problems]
    assert records == [f"{name}.json" for name in FILES]
    assert {p.message for p in info.value.problems} == {"file is missing"}


def test_malformed_json_file_is_named(catalogue_copy: Path):
    (catalogue_copy / "videos.json").write_text("[{]")
    with pytest.raises(CatalogueInvalid) as info:
        read_catalogue_dir(catalogue_copy)
    assert info.value.problems[0].record == "videos.json"
    assert "not valid JSON" in info.value.problems[0].message
