"""A PIDF-LO location (RFC 4119, RFC 5491, RFC 5139) as an EIDO carries it in ``locationByValue``. Pure, no I/O.

From the document: its first geodetic shape, as a point (a Point, Circle, Ellipse, Sphere, Ellipsoid or ArcBand
centre; a Polygon's mean vertex) with its radius of uncertainty in metres where the shape gives one, and its
first civic address as one line. Both stay inside intake; error messages name the rule, never the value.
"""

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from continuum_intake.coarse_location import Location

MAX_CHARS = 65_536  # a PIDF-LO is a few kilobytes; a larger one is not a location
CENTRED = ("Point", "Circle", "Ellipse", "Sphere", "Ellipsoid", "ArcBand")
STREET = ("HNO", "HNS", "PRM", "PRD", "RD", "STS", "POD", "POM")  # "42 W Cellular Street"
AFTER_STREET = ("BLD", "UNIT", "FLR", "ROOM", "LOC", "NAM", "A6", "A5", "A4", "A3", "A2", "A1", "PC", "country")


class PidfLoError(ValueError):
    """A locationByValue that is not a PIDF-LO this reader understands; the message never quotes it."""


@dataclass(frozen=True)
class PidfLocation:
    point: Location | None
    civic_address: str | None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in element.iter() if _local(child.tag) == name]


def _numbers(text: str | None, what: str) -> list[float]:
    try:
        return [float(part) for part in (text or "").split()]
    except ValueError:
        raise PidfLoError(f"{what} holds something other than numbers") from None


def _point(numbers: list[float]) -> tuple[float, float]:
    if len(numbers) not in (2, 3):
        raise PidfLoError("gml:pos is not a latitude and longitude (EPSG 4326 or 4979)")
    latitude, longitude = numbers[0], numbers[1]
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise PidfLoError("gml:pos is outside latitude -90..90 or longitude -180..180")
    return latitude, longitude


def _uncertainty(shape: ElementTree.Element) -> float | None:
    for name in ("radius", "semiMajorAxis", "outerRadius"):
        for element in _children(shape, name):
            values = _numbers(element.text, f"gs:{name}")
            if len(values) != 1 or values[0] < 0:
                raise PidfLoError(f"gs:{name} is not one distance in metres")
            return values[0]
    return None


def _polygon_centre(shape: ElementTree.Element) -> Location:
    lists = _children(shape, "posList")
    numbers: list[float] = []
    for element in lists or _children(shape, "pos"):
        numbers += _numbers(element.text, "gml:posList")
    dimension = 3 if lists and lists[0].get("srsDimension") == "3" else 2
    if len(numbers) < 3 * dimension or len(numbers) % dimension:
        raise PidfLoError("gml:Polygon has fewer than three latitude and longitude vertices")
    vertices = [_point(numbers[i : i + 2]) for i in range(0, len(numbers), dimension)]
    return Location(sum(v[0] for v in vertices) / len(vertices), sum(v[1] for v in vertices) / len(vertices))


def _geodetic(info: ElementTree.Element) -> Location | None:
    for shape in info.iter():
        name = _local(shape.tag)
        if name in CENTRED:
            positions = _children(shape, "pos")
            if not positions:
                raise PidfLoError(f"a {name} without gml:pos")
            latitude, longitude = _point(_numbers(positions[0].text, "gml:pos"))
            return Location(latitude, longitude, _uncertainty(shape))
        if name == "Polygon":
            return _polygon_centre(shape)
    return None


def _civic(info: ElementTree.Element) -> str | None:
    for address in info.iter():
        if _local(address.tag) != "civicAddress":
            continue
        parts = {_local(child.tag): (child.text or "").strip() for child in address}
        street = " ".join(parts[name] for name in STREET if parts.get(name))
        line = ", ".join([street] * bool(street) + [parts[name] for name in AFTER_STREET if parts.get(name)])
        return line or None
    return None


def read_pidf_lo(document: str) -> PidfLocation:
    """The first geodetic point and the first civic address of a PIDF-LO; PidfLoError if it is not one."""
    if len(document) > MAX_CHARS:
        raise PidfLoError(f"longer than {MAX_CHARS} characters")
    if "<!DOCTYPE" in document or "<!ENTITY" in document:
        raise PidfLoError("a PIDF-LO has no document type or entity declarations")
    try:
        root = ElementTree.fromstring(document.strip())  # no DTD, no entities: refused above
    except ElementTree.ParseError:
        raise PidfLoError("not well-formed XML") from None
    if _local(root.tag) != "presence":
        raise PidfLoError("not a PIDF document (its root element is not presence)")
    infos = _children(root, "location-info")
    if not infos:
        raise PidfLoError("a PIDF without a location-info element")
    point = next((p for p in map(_geodetic, infos) if p is not None), None)
    civic = next((c for c in map(_civic, infos) if c is not None), None)
    if point is None and civic is None:
        raise PidfLoError("its location-info has neither a geodetic shape nor a civic address")
    return PidfLocation(point, civic)
