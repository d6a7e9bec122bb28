"""Distances in miles."""

import math

import pytest

from localoffer.search.geo import bounding_box, haversine_miles, is_valid_point, nearest_miles
from tests.search.conftest import LONDON, PORTSMOUTH, SOUTHAMPTON


def test_portsmouth_to_southampton():
    assert haversine_miles(PORTSMOUTH, SOUTHAMPTON) == pytest.approx(15.2, abs=0.1)
    assert haversine_miles(SOUTHAMPTON, PORTSMOUTH) == haversine_miles(PORTSMOUTH, SOUTHAMPTON)


def test_a_point_is_no_distance_from_itself():
    assert haversine_miles(LONDON, LONDON) == 0


def test_nearest_of_several_points():
    assert nearest_miles(PORTSMOUTH, [LONDON, SOUTHAMPTON]) == pytest.approx(15.2, abs=0.1)
    assert nearest_miles(PORTSMOUTH, []) is None


def test_bounding_box_holds_every_point_within_reach():
    low_lat, high_lat, low_lon, high_lon = bounding_box(PORTSMOUTH, 16)
    assert low_lat < SOUTHAMPTON[0] < high_lat
    assert low_lon < SOUTHAMPTON[1] < high_lon
    assert not low_lat < LONDON[0] < high_lat


@pytest.mark.parametrize(
    "point, valid",
    [((50.8, -1.0), True), ((91, 0), False), ((math.nan, 0), False), (("x", 1), False), (1, False)],
)
def test_valid_points(point, valid):
    assert is_valid_point(point) is valid
