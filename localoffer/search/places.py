"""Where a family is: postcodes to coordinates, with answers cached in the database and the
centre of the seeded locations of the same outward code when the lookup service can't answer."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from localoffer.extensions import db
from localoffer.models import Location, PostcodeLookup
from localoffer.search.geocoding import (
    FallbackGeocoder,
    GeoResult,
    PostcodesIoGeocoder,
    normalise_postcode,
    outward_code,
)

logger = logging.getLogger(__name__)


class DatabasePostcodeCache:
    """postcodes.io answers kept in ``postcode_lookup``, written in a session of their own."""

    def get(self, postcode: str) -> tuple[float, float] | None:
        row = db.session.get(PostcodeLookup, normalise_postcode(postcode))
        return (row.latitude, row.longitude) if row else None

    def put(self, postcode: str, lat: float, lon: float) -> None:
        try:
            with Session(db.engine) as session, session.begin():
                session.merge(
                    PostcodeLookup(
                        postcode=normalise_postcode(postcode), latitude=lat, longitude=lon
                    )
                )
        except SQLAlchemyError:
            # Another request cached it first, or the database is read-only: the answer stands.
            logger.warning("Could not cache postcode %s", postcode, exc_info=True)


def outward_centre(outward: str) -> tuple[float, float] | None:
    """The average position of the directory's locations in one outward code (e.g. PO4)."""
    lat, lon = db.session.execute(
        select(func.avg(Location.latitude), func.avg(Location.longitude)).where(
            Location.postcode.like(f"{outward} %"), Location.latitude.is_not(None)
        )
    ).one()
    return (float(lat), float(lon)) if lat is not None and lon is not None else None


def geocoder() -> FallbackGeocoder:
    config = current_app.config
    primary = PostcodesIoGeocoder(
        base_url=config["POSTCODES_IO_URL"],
        timeout=config["POSTCODE_LOOKUP_TIMEOUT"],
        cache=DatabasePostcodeCache(),
    )
    return FallbackGeocoder(primary, outward_centre)


def locate(postcode: str) -> GeoResult | None:
    """Coordinates for a full postcode or an outward code alone (``PO4``), or None."""
    normalised = normalise_postcode(postcode)
    if " " not in normalised:
        outward = outward_code(normalised)
        centre = outward_centre(outward) if outward else None
        if centre is None:
            return None
        return GeoResult(normalised, centre[0], centre[1], "outward-code-centre", True)
    return geocoder().lookup(normalised)
