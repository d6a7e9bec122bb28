"""Contract tests for /api/v1 over a small directory whose answers are known."""

from __future__ import annotations

import json

import pytest

from localoffer.api.identifiers import taxonomy_uuid
from localoffer.extensions import db
from tests.api.conftest import build_world

ENVELOPE = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def names(payload: dict) -> list[str]:
    return [item["name"] for item in payload["contents"]]


def get_ok(api, url: str) -> dict:
    response = api.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    return response.get_json()


def test_root_names_the_version_profile_and_openapi_document(api, world):
    payload = get_ok(api, "/api/v1/")
    assert payload["version"] == "HSDS-UK-3.0"
    assert payload["profile"].startswith("https://")
    assert payload["openapi_url"].endswith("/api/v1/openapi.json")
    assert api.get(payload["openapi_url"]).status_code == 200


def test_services_lists_only_listed_services_by_name_in_the_page_envelope(api, world):
    payload = get_ok(api, "/api/v1/services")
    assert set(payload) == ENVELOPE
    assert names(payload) == [
        "Autism parent support group",
        "Little Steps childminder",
        "Sensory swimming sessions",
    ]
    assert payload["total_items"] == 3
    assert payload["total_pages"] == 1
    assert payload["first_page"] and payload["last_page"] and not payload["empty"]


def test_pages_cover_every_service_once(api, world):
    first = get_ok(api, "/api/v1/services?per_page=2")
    second = get_ok(api, "/api/v1/services?per_page=2&page=2")
    beyond = get_ok(api, "/api/v1/services?per_page=2&page=3")
    assert (first["size"], second["size"], beyond["size"]) == (2, 1, 0)
    assert first["total_pages"] == 2 and first["first_page"] and not first["last_page"]
    assert second["last_page"] and not second["first_page"]
    assert beyond["empty"] and beyond["contents"] == []
    assert len(set(names(first) + names(second))) == 3


def test_a_list_item_has_one_to_one_fields_and_its_organisation(api, world):
    item = get_ok(api, "/api/v1/services?search=swimming")["contents"][0]
    assert item["id"] == world.swimming.uuid
    assert item["organization"]["name"] == "Harbour Trust"
    assert "contacts" not in item and "service_at_locations" not in item


def test_a_full_service_nests_everything(api, world):
    service = get_ok(api, f"/api/v1/services/{world.swimming.uuid}")
    assert service["status"] == "active"
    assert service["assured_date"] == "2026-03-10"
    assert service["url"] == "https://harbour.example.org/swim"
    assert (service["minimum_age"], service["maximum_age"]) == (5, 11)
    assert service["organization_id"] == world.organization.uuid
    assert service["organization"]["phones"][0]["number"] == "01632 960001"
    [link] = service["service_at_locations"]
    assert link["location"]["name"] == "Southsea Pool"
    assert link["location"]["addresses"][0]["postal_code"] == "PO4 9AA"
    assert link["location"]["addresses"][0]["address_1"] == "Pool Road"
    assert link["location"]["accessibility"][0]["description"] == "Pool hoist"
    assert service["contacts"][0]["phones"][0]["number"] == "01632 960002"
    assert service["schedules"][0]["byday"] == "SA,SU"
    assert service["schedules"][0]["opens_at"] == "09:00"
    assert [c.get("amount") for c in service["cost_options"]] == [4.5, 0.0]
    assert [lang["code"] for lang in service["languages"]] == ["en", "pl"]
    assert service["service_areas"][0]["name"] == "Portsmouth"
    [attribute] = service["attributes"]
    assert attribute["taxonomy_term"]["code"] == "hearing"
    assert attribute["taxonomy_term_id"] == world.hearing.uuid
    assert service["localoffer"]["send_answers"] == {"staff_training": "Autism awareness."}


def test_the_audit_trail_is_published_as_metadata_without_names(api, world):
    [entry] = get_ok(api, f"/api/v1/services/{world.swimming.uuid}")["metadata"]
    assert entry["field_name"] == "name"
    assert entry["previous_value"] == "Swimming"
    assert entry["replacement_value"] == "Sensory swimming sessions"
    assert entry["updated_by"] == "officer"


def test_a_temporarily_closed_service_says_so(api, world):
    service = get_ok(api, f"/api/v1/services/{world.autism_group.uuid}")
    assert service["status"] == "temporarily closed"
    assert "assured_date" not in service
    assert service["url"].endswith(f"/services/{world.autism_group.id}")


def test_a_home_address_stays_masked(api, world):
    response = api.get(f"/api/v1/services/{world.childminder.uuid}")
    body = response.get_data(as_text=True)
    location = response.get_json()["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "PO4"
    assert location["addresses"][0]["address_1"] == ""
    assert "latitude" not in location and "longitude" not in location
    assert "Acacia" not in body and "0QQ" not in body and "50.7912" not in body
    listed = api.get("/api/v1/service_at_locations?postcode=PO4&proximity=50000")
    assert "Acacia" not in listed.get_data(as_text=True)
    assert "50.7912" not in listed.get_data(as_text=True)


@pytest.mark.parametrize("which", ["closed", "hidden"])
def test_unlisted_services_are_not_found(api, world, which):
    service = getattr(world, which)
    response = api.get(f"/api/v1/services/{service.uuid}")
    assert response.status_code == 404
    assert response.get_json()["error"] == 404
    links = get_ok(api, "/api/v1/service_at_locations?per_page=100")
    assert service.uuid not in {item["service_id"] for item in links["contents"]}
    link = service.service_at_locations[0]
    assert api.get(f"/api/v1/service_at_locations/{link.uuid}").status_code == 404


@pytest.mark.parametrize(
    "query, expected",
    [
        ("search=swimming", ["Sensory swimming sessions"]),
        ("text=autistic", ["Autism parent support group"]),
        ("search=zzzzqqq", []),
        ("minimum_age=12", ["Autism parent support group"]),
        ("maximum_age=4", ["Autism parent support group", "Little Steps childminder"]),
        ("minimum_age=5&maximum_age=5", ["Autism parent support group", "Sensory swimming sessions"]),  # noqa: E501
        ("day=SA", ["Sensory swimming sessions"]),
        ("day=MO", []),
        ("day=TU&start_time=17:00", ["Autism parent support group"]),
        ("start_time=10:00", ["Autism parent support group"]),
        ("end_time=12:00", ["Sensory swimming sessions"]),
    ],
)  # fmt: skip
def test_filters(api, world, query, expected):
    assert sorted(names(get_ok(api, f"/api/v1/services?{query}"))) == expected


def test_a_broad_term_finds_services_with_its_narrower_terms(api, world):
    broad = get_ok(api, f"/api/v1/services?taxonomy_term_id={world.communication.uuid}")
    assert sorted(names(broad)) == ["Autism parent support group", "Little Steps childminder"]
    narrow = get_ok(api, f"/api/v1/services?taxonomy_term_id={world.autism.uuid.upper()}")
    assert names(narrow) == ["Autism parent support group"]
    unknown = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
    assert get_ok(api, f"/api/v1/services?taxonomy_term_id={unknown}")["empty"]


def test_taxonomy_id_finds_services_with_any_of_its_terms(api, world):
    found = get_ok(api, f"/api/v1/services?taxonomy_id={taxonomy_uuid('need')}")
    assert found["total_items"] == 3
    other = taxonomy_uuid("category")
    assert get_ok(api, f"/api/v1/services?taxonomy_id={other}")["total_items"] == 0


def test_service_at_locations_lists_each_place_a_listed_service_is_delivered(api, world):
    payload = get_ok(api, "/api/v1/service_at_locations")
    assert payload["total_items"] == 4
    pairs = {(item["service"]["name"], item["location"]["name"]) for item in payload["contents"]}
    assert ("Autism parent support group", "Quay Centre") in pairs
    assert ("Autism parent support group", "Civic Offices") in pairs


def test_postcode_puts_the_nearest_first_and_proximity_cuts_in_metres(api, world):
    # Lookups fail in tests (closed port): the first half's centre is used, here PO1 2DX.
    nearest = get_ok(api, "/api/v1/service_at_locations?postcode=PO1")
    assert [item["location"]["name"] for item in nearest["contents"]][0] == "Civic Offices"
    assert nearest["contents"][-1]["location"]["name"] == "Quay Centre"
    close = get_ok(api, "/api/v1/service_at_locations?postcode=PO1&proximity=3000")
    assert {item["location"]["name"] for item in close["contents"]} == {
        "Civic Offices",
        "Southsea Pool",
        "Little Steps childminding",
    }
    tiny = get_ok(api, "/api/v1/service_at_locations?postcode=PO1&proximity=100")
    assert [item["location"]["name"] for item in tiny["contents"]] == ["Civic Offices"]


def test_a_service_at_location_has_its_full_service(api, world):
    link = world.autism_group.service_at_locations[1]
    payload = get_ok(api, f"/api/v1/service_at_locations/{link.uuid}")
    assert payload["location"]["name"] == "Quay Centre"
    assert payload["service"]["id"] == world.autism_group.uuid
    assert payload["service"]["schedules"][0]["byday"] == "TU"


def test_taxonomies_and_terms(api, world):
    taxonomies = get_ok(api, "/api/v1/taxonomies")
    assert [t["name"] for t in taxonomies["contents"]] == ["Area of need"]
    need_id = taxonomies["contents"][0]["id"]
    assert need_id == taxonomy_uuid("need")
    assert get_ok(api, f"/api/v1/taxonomies/{need_id}")["description"].startswith("The four")
    terms = get_ok(api, f"/api/v1/taxonomy_terms?taxonomy_id={need_id}")
    assert [t["code"] for t in terms["contents"]] == [
        "communication-and-interaction",
        "autism",
        "hearing",
    ]
    autism = get_ok(api, f"/api/v1/taxonomy_terms/{world.autism.uuid}")
    assert autism["parent_id"] == world.communication.uuid
    assert autism["taxonomy_id"] == need_id
    assert api.get(f"/api/v1/taxonomies/{world.autism.uuid}").status_code == 404
    assert api.get("/api/v1/taxonomy_terms/nope").status_code == 404


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/services?page=0", "page"),
        ("/api/v1/services?page=abc", "page"),
        ("/api/v1/services?per_page=501", "per_page"),
        ("/api/v1/services?per_page=", "per_page"),
        ("/api/v1/services?minimum_age=-1", "minimum_age"),
        ("/api/v1/services?maximum_age=nan", "maximum_age"),
        ("/api/v1/services?day=Funday", "day"),
        ("/api/v1/services?start_time=25:00", "start_time"),
        ("/api/v1/services?taxonomy_term_id=1%27%20OR%201=1", "taxonomy_term_id"),
        ("/api/v1/services?search=" + "x" * 201, "search"),
        ("/api/v1/services?search=swim&text=" + "x" * 201, "text"),
        ("/api/v1/service_at_locations?postcode=NOT A POSTCODE", "postcode"),
        ("/api/v1/service_at_locations?postcode=ZZ9 9ZZ", "postcode"),
        ("/api/v1/service_at_locations?proximity=1000", "proximity"),
        ("/api/v1/service_at_locations?postcode=PO1&proximity=-5", "proximity"),
        ("/api/v1/taxonomy_terms?taxonomy_id=", "taxonomy_id"),
    ],
)
def test_bad_query_parameters_get_a_400_naming_them(api, world, url, parameter):
    response = api.get(url)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["error"] == 400
    assert parameter in [e["parameter"] for e in payload["errors"]]


@pytest.mark.parametrize(
    "query", ["minimum_age=10&maximum_age=5", "minimum_age=5.5&maximum_age=5.2"]
)
def test_an_upside_down_age_range_is_a_400_naming_both_ages(api, world, query):
    response = api.get(f"/api/v1/services?{query}")
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"parameter": "minimum_age", "message": "must not be more than maximum_age"}
    ]
    assert api.get("/api/v1/services?minimum_age=5&maximum_age=5").status_code == 200


def test_headers_cors_cache_and_utf8(api, world):
    response = api.get(f"/api/v1/services/{world.swimming.uuid}")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in response.headers["Cache-Control"]
    assert response.content_type == "application/json; charset=utf-8"
    # Not ASCII-escaped: the é of Café is UTF-8 in the body.
    assert "Café".encode() in response.data
    assert json.loads(response.data.decode("utf-8"))["id"] == world.swimming.uuid
    errors = api.get("/api/v1/services?page=0")
    assert errors.headers["Access-Control-Allow-Origin"] == "*"
    assert errors.headers["Cache-Control"] == "no-store"


def test_conditional_get_answers_304_until_the_service_changes(empty_app):
    world = build_world()
    api = empty_app.test_client()
    url = f"/api/v1/services/{world.swimming.uuid}"
    first = api.get(url)
    etag = first.headers["ETag"]
    again = api.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    other = api.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    world.swimming.name = "Sensory swimming"
    db.session.commit()
    changed = api.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["name"] == "Sensory swimming"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_writing_methods_are_not_allowed(api, world, method):
    response = getattr(api, method)("/api/v1/services")
    assert response.status_code == 405
    assert response.get_json()["error"] == 405
