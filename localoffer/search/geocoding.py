"""UK postcodes to map points: postcodes.io with a cache, and an outward-code fallback."""

from __future__ import annotations

import json
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

Source = Literal["postcodes.io", "cache", "outward-code-centre"]

# Outward code (area, district, optional sub-district) and inward code (sector, unit).
_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) ?[0-9][A-Z]{2}$")
_OUTWARD = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)$")


@dataclass(frozen=True)
class GeoResult:
    """Where a postcode is, and how sure we are."""

    postcode: str
    lat: float
    lon: float
    source: Source
    approximate: bool = False


class Geocoder(Protocol):
    def lookup(self, postcode: str) -> GeoResult | None: ...


class PostcodeCache(Protocol):
    def get(self, postcode: str) -> tuple[float, float] | None: ...

    def put(self, postcode: str, lat: float, lon: float) -> None: ...


def normalise_postcode(postcode: str) -> str:
    """Upper case with one space before the inward code: ``po48ld`` becomes ``PO4 8LD``."""
    compact = "".join(str(postcode).split()).upper()
    if len(compact) > 4 and _OUTWARD.match(compact[:-3]):
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def is_valid_postcode(postcode: str) -> bool:
    """True when ``postcode`` has the shape of a full UK postcode (spacing and case aside)."""
    return bool(_POSTCODE.match(normalise_postcode(postcode)))


def outward_code(postcode: str) -> str | None:
    """The part before the space (``PO4`` of ``PO4 8LD``), or the input if it is one already."""
    normalised = normalise_postcode(postcode)
    if _POSTCODE.match(normalised):
        return normalised.split(" ")[0]
    return normalised if _OUTWARD.match(normalised) else None


class MemoryPostcodeCache:
    """A dictionary cache, for tests and single-process use."""

    def __init__(self) -> None:
        self._points: dict[str, tuple[float, float]] = {}

    def get(self, postcode: str) -> tuple[float, float] | None:
        return self._points.get(normalise_postcode(postcode))

    def put(self, postcode: str, lat: float, lon: float) -> None:
        self._points[normalise_postcode(postcode)] = (lat, lon)


class PostcodesIoGeocoder:
    """Looks postcodes up on postcodes.io; any failure is None, never an exception."""

    def __init__(
        self,
        base_url: str = "https://api.postcodes.io",
        timeout: float = 2.0,
        cache: PostcodeCache | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cache = cache

    def lookup(self, postcode: str) -> GeoResult | None:
        normalised = normalise_postcode(postcode)
        if not _POSTCODE.match(normalised):
            return None
        if self.cache is not None:
            cached = self.cache.get(normalised)
            if cached is not None:
                return GeoResult(normalised, cached[0], cached[1], "cache")
        found = self._fetch(normalised)
        if found is not None and self.cache is not None:
            self.cache.put(normalised, found.lat, found.lon)
        return found

    def _fetch(self, postcode: str) -> GeoResult | None:
        path = urllib.parse.quote(postcode.replace(" ", ""))
        request = urllib.request.Request(
            f"{self.base_url}/postcodes/{path}", headers={"Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read(65536))
        except urllib.error.HTTPError as error:
            error.close()
            return None
        except (OSError, ValueError):
            # URLError, timeouts and refused connections are OSErrors; bad JSON is a ValueError.
            return None
        return _parse_result(payload, postcode)


def _parse_result(payload: object, postcode: str) -> GeoResult | None:
    if not isinstance(payload, dict) or payload.get("status") != 200:
        return None
    result = payload.get("result")
    if not isinstance(result, dict):
        return None
    lat, lon = result.get("latitude"), result.get("longitude")
    # postcodes.io gives null coordinates for a few postcodes (e.g. Channel Islands).
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    name = result.get("postcode")
    found = name if isinstance(name, str) else postcode
    return GeoResult(found, float(lat), float(lon), "postcodes.io")


class FallbackGeocoder:
    """Tries ``primary``; failing that, the centre of the postcode's outward code (approximate)."""

    def __init__(
        self,
        primary: Geocoder,
        outward_centres: Callable[[str], tuple[float, float] | None],
    ) -> None:
        self.primary = primary
        self.outward_centres = outward_centres

    def lookup(self, postcode: str) -> GeoResult | None:
        found = self.primary.lookup(postcode)
        if found is not None:
            return found
        outward = outward_code(postcode)
        if outward is None:
            return None
        centre = self.outward_centres(outward)
        if centre is None:
            return None
        return GeoResult(
            normalise_postcode(postcode), centre[0], centre[1], "outward-code-centre", True
        )
