"""Postcodes to points, against a local postcodes.io stand-in (nothing reaches the internet)."""

import socket
import time

import pytest

from localoffer.search.geocoding import (
    FallbackGeocoder,
    GeoResult,
    MemoryPostcodeCache,
    PostcodesIoGeocoder,
    is_valid_postcode,
    normalise_postcode,
    outward_code,
)

OUTWARD_CENTRES = {"PO4": (50.79, -1.06), "SO14": (50.90, -1.40)}


@pytest.mark.parametrize(
    "typed, normalised",
    [("po48ld", "PO4 8LD"), ("  so14   7du ", "SO14 7DU"), ("SW1A1AA", "SW1A 1AA"), ("PO4", "PO4")],
)
def test_normalise_postcode(typed, normalised):
    assert normalise_postcode(typed) == normalised


@pytest.mark.parametrize("postcode", ["PO4 8LD", "po48ld", "SW1A 1AA", "M1 1AE", "B33 8TH"])
def test_valid_postcodes(postcode):
    assert is_valid_postcode(postcode)


@pytest.mark.parametrize("postcode", ["", "PO4", "12345", "PO4 8L", "<script>", "PO4 8LDD"])
def test_invalid_postcodes(postcode):
    assert not is_valid_postcode(postcode)


def test_outward_code():
    assert outward_code("po4 8ld") == "PO4"
    assert outward_code("SO14") == "SO14"
    assert outward_code("nonsense") is None


def test_found(postcodes):
    geocoder = PostcodesIoGeocoder(base_url=postcodes.base_url)
    assert geocoder.lookup("po48ld") == GeoResult("PO4 8LD", 50.7891, -1.0630, "postcodes.io")
    assert postcodes.requests == ["/postcodes/PO48LD"]


def test_not_found(postcodes):
    assert PostcodesIoGeocoder(base_url=postcodes.base_url).lookup("PO1 1AA") is None


def test_invalid_postcode_makes_no_request(postcodes):
    assert PostcodesIoGeocoder(base_url=postcodes.base_url).lookup("not a postcode") is None
    assert postcodes.requests == []


def test_timeout_gives_none_quickly(postcodes):
    postcodes.delay = 5
    geocoder = PostcodesIoGeocoder(base_url=postcodes.base_url, timeout=0.2)
    started = time.monotonic()
    assert geocoder.lookup("PO4 8LD") is None
    assert time.monotonic() - started < 1.5


def test_server_error_gives_none(postcodes):
    postcodes.fail_status = 500
    assert PostcodesIoGeocoder(base_url=postcodes.base_url).lookup("PO4 8LD") is None


def test_refused_connection_gives_none():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    geocoder = PostcodesIoGeocoder(base_url=f"http://127.0.0.1:{port}", timeout=0.5)
    assert geocoder.lookup("PO4 8LD") is None


def test_cache_hit_avoids_http(postcodes):
    cache = MemoryPostcodeCache()
    geocoder = PostcodesIoGeocoder(base_url=postcodes.base_url, cache=cache)
    assert geocoder.lookup("SO14 7DU").source == "postcodes.io"
    again = geocoder.lookup("so147du")
    assert again == GeoResult("SO14 7DU", 50.9020, -1.4040, "cache")
    assert len(postcodes.requests) == 1


def test_failures_are_not_cached(postcodes):
    cache = MemoryPostcodeCache()
    postcodes.fail_status = 500
    geocoder = PostcodesIoGeocoder(base_url=postcodes.base_url, cache=cache)
    assert geocoder.lookup("PO4 8LD") is None
    postcodes.fail_status = None
    assert geocoder.lookup("PO4 8LD").source == "postcodes.io"


def test_fallback_uses_the_primary_when_it_answers(postcodes):
    geocoder = FallbackGeocoder(
        PostcodesIoGeocoder(base_url=postcodes.base_url), OUTWARD_CENTRES.get
    )
    found = geocoder.lookup("PO4 8LD")
    assert found.source == "postcodes.io"
    assert not found.approximate


def test_fallback_to_outward_code_centre(postcodes):
    postcodes.fail_status = 500
    geocoder = FallbackGeocoder(
        PostcodesIoGeocoder(base_url=postcodes.base_url), OUTWARD_CENTRES.get
    )
    assert geocoder.lookup("po4 9zz") == GeoResult(
        "PO4 9ZZ", 50.79, -1.06, "outward-code-centre", approximate=True
    )
    assert geocoder.lookup("SO14").source == "outward-code-centre"
    assert geocoder.lookup("ZZ9 9ZZ") is None
    assert geocoder.lookup("gibberish") is None
