"""Where a contact is, coarsely: the county's response area and a ~5 km geohash cell. Pure, no I/O.

Locations leave intake only as these two codes; the coordinates and the address stay encrypted in intake.
"""

from dataclasses import dataclass

import pygeohash

from continuum_intake.config import ResponseArea

GRID_PRECISION = 5  # a geohash cell of about 5 km x 5 km: enough to route a team, too coarse to find a door


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    uncertainty_m: float | None = None


def grid_of(location: Location) -> str:
    return pygeohash.encode(location.latitude, location.longitude, precision=GRID_PRECISION)


def _contains(area: ResponseArea, location: Location) -> bool:
    if area.min_lat is None or area.max_lat is None or area.min_lon is None or area.max_lon is None:
        return True  # the fallback area
    return area.min_lat <= location.latitude <= area.max_lat and area.min_lon <= location.longitude <= area.max_lon


def area_of(location: Location, areas: list[ResponseArea]) -> str | None:
    """The first of the county's areas that contains the point; None outside all of them."""
    return next((area.area_id for area in areas if _contains(area, location)), None)
