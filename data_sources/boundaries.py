"""Kecamatan boundaries from a GeoJSON file (BOUNDARIES_PATH) and locating a point in them.

The file is third-party data loaded from a configured path, never shipped with the project.
Features are matched to our kecamatan codes by a code-like property ("16.71.05", "1671050")
or else by a name property, through the same name variants the complaint import knows
("Ilir Timur I", "IT I", "Bukitkecil", ...). Point-in-polygon is pure Python ray casting with
a bounding-box prefilter (Polygon and MultiPolygon, holes respected); 18 polygons of a few
thousand vertices answer in well under a millisecond, so no geometry library is needed.

Without boundaries, or for a point outside every polygon (the river, a vertex gap), the
kecamatan of the nearest kelurahan centroid within a few km is used, like the complaint import.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from data_sources.normalize import KeyIndex, NearestCentroid, code_digits, kecamatan_from_code, place_key

Ring = list[tuple[float, float]]  # (lon, lat) pairs, as GeoJSON writes them
Locator = Callable[[float, float], str | None]


class BoundariesError(ValueError):
    """The boundaries file cannot be read or matched; the message names the file and the feature."""


@dataclass(frozen=True)
class Area:
    """One kecamatan's geometry: polygons of (outer ring, holes...) and their common bounding box."""

    code: str
    polygons: tuple[tuple[Ring, ...], ...]
    bbox: tuple[float, float, float, float]  # lon min, lat min, lon max, lat max

    def contains(self, lat: float, lon: float) -> bool:
        """True when (lat, lon) lies inside one of the polygons and outside its holes."""
        x0, y0, x1, y1 = self.bbox
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            return False
        for outer, *holes in self.polygons:
            if _in_ring(outer, lon, lat) and not any(_in_ring(h, lon, lat) for h in holes):
                return True
        return False


def _in_ring(ring: Ring, x: float, y: float) -> bool:
    # Even-odd rule: count the edges a ray to the east crosses.
    inside = False
    xj, yj = ring[-1]
    for xi, yi in ring:
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        xj, yj = xi, yi
    return inside


def kecamatan_names() -> tuple[KeyIndex, frozenset[str]]:
    """Our kecamatan codes and every name variant we know for them, as a lookup index."""
    from store.reference_data import KECAMATAN

    index = KeyIndex(place_key)
    for k in KECAMATAN:
        for name in (k.code, k.name, k.common_name, *k.aliases):
            index.add(name, k.code)
    return index, frozenset(k.code for k in KECAMATAN)


def _feature_code(props: dict[str, Any], names: KeyIndex, codes: frozenset[str]) -> str | None:
    texts = [str(v) for v in props.values() if isinstance(v, str | int) and not isinstance(v, bool)]
    for text in texts:
        digits = code_digits(text)
        if digits and (code := kecamatan_from_code(digits)) in codes:
            return code
    for text in texts:
        if code_digits(text) is None and (code := names.lookup(text, fuzzy=True)) is not None:
            return code
    return None


def _rings(rings: Any, where: str) -> tuple[Ring, ...]:
    out = []
    for ring in rings:
        points = [(float(p[0]), float(p[1])) for p in ring]
        if len(points) < 3:
            raise BoundariesError(f"{where}: a ring has fewer than 3 points")
        out.append(points)
    if not out:
        raise BoundariesError(f"{where}: a polygon without rings")
    return tuple(out)


def _area(code: str, geometry: dict[str, Any], where: str) -> Area:
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    try:
        if kind == "Polygon":
            polygons = (_rings(coords, where),)
        elif kind == "MultiPolygon":
            polygons = tuple(_rings(p, where) for p in coords)
        else:
            raise BoundariesError(f"{where}: geometry type {kind!r} (expected Polygon or MultiPolygon)")
    except (TypeError, IndexError, ValueError) as exc:
        if isinstance(exc, BoundariesError):
            raise
        raise BoundariesError(f"{where}: unreadable coordinates ({exc})") from None
    xs = [x for poly in polygons for x, _ in poly[0]]
    ys = [y for poly in polygons for _, y in poly[0]]
    return Area(code, polygons, (min(xs), min(ys), max(xs), max(ys)))


@dataclass(frozen=True)
class Boundaries:
    """The kecamatan polygons of one file, by our kecamatan code."""

    path: str
    areas: tuple[Area, ...]
    features: tuple[dict[str, Any], ...]  # the GeoJSON features, each with properties.kecamatan_code

    def locate(self, lat: float, lon: float) -> str | None:
        """The code of the kecamatan whose polygon holds the point, else None."""
        for area in self.areas:
            if area.contains(lat, lon):
                return area.code
        return None

    def feature_collection(self) -> dict[str, Any]:
        """A GeoJSON FeatureCollection of the matched features (for map layers)."""
        return {"type": "FeatureCollection", "features": list(self.features)}


def parse_boundaries(data: Any, path: str = "<geojson>") -> Boundaries:
    """Boundaries from parsed GeoJSON; raises BoundariesError naming what could not be matched."""
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise BoundariesError(f"{path}: not a GeoJSON FeatureCollection (no 'features' list)")
    names, codes = kecamatan_names()
    areas: dict[str, Area] = {}
    features = []
    for i, feature in enumerate(data["features"]):
        props = (feature or {}).get("properties") or {}
        geometry = (feature or {}).get("geometry") or {}
        code = _feature_code(props, names, codes)
        where = f"{path}: feature {i} ({json.dumps(props, ensure_ascii=False)[:120]})"
        if code is None:
            raise BoundariesError(f"{where}: no property holds a known kecamatan code or name")
        if code in areas:
            raise BoundariesError(f"{where}: kecamatan {code} appears twice")
        areas[code] = _area(code, geometry, where)
        features.append(
            {"type": "Feature", "properties": {**props, "kecamatan_code": code}, "geometry": geometry}
        )
    if not areas:
        raise BoundariesError(f"{path}: no features")
    return Boundaries(path, tuple(areas[c] for c in sorted(areas)), tuple(features))


def load_boundaries(path: str | Path) -> Boundaries:
    """Read and match a GeoJSON file of kecamatan; cached per path and modification time."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise BoundariesError(f"{p}: cannot read the boundaries file ({exc.strerror})") from None
    return _load_cached(str(p), mtime)


@lru_cache(maxsize=4)
def _load_cached(path: str, _mtime: int) -> Boundaries:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundariesError(f"{path}: cannot read the boundaries file ({exc})") from None
    return parse_boundaries(data, path)


def centroid_locator(points: Iterable[tuple[float, float, str]] | None = None) -> Locator:
    """Nearest kelurahan centroid (within a few km): the fallback without polygons."""
    if points is None:
        from store.reference_data import KELURAHAN

        points = [(k.lat, k.lon, k.kecamatan_code) for k in KELURAHAN]
    return NearestCentroid(points)


def make_locator(path: str | Path | None) -> Locator:
    """A (lat, lon) -> kecamatan code function: polygons of `path` when given, then nearest centroid."""
    nearest = centroid_locator()
    if path is None:
        return nearest
    boundaries = load_boundaries(path)

    def locate(lat: float, lon: float) -> str | None:
        return boundaries.locate(lat, lon) or nearest(lat, lon)

    return locate
