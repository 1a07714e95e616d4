"""One camera registry row -> a validated CameraSpec, or its (row, field, reason) problems.

The checks behind data_sources/camera_registry.py, kept apart from the file formats: every field
is checked and every problem collected, so a clerk fixing a registry sees all of a row's
mistakes at once. Codes are the database key (lowercase, 1-32 characters); coordinates must lie
in Palembang; the kind is inferred from the link when not given; agencies are matched by code,
name or alias like the complaint import, unknown ones becoming "tidak_diketahui".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from data_sources.normalize import KeyIndex, clean_text, is_blank, parse_bool
from data_sources.validate import _coded_index

KINDS = ("rtsp", "hls", "mjpeg", "jpeg")
SCOPES = ("publik", "internal")
UNKNOWN_AGENCY = "tidak_diketahui"
# Palembang with a margin (the complaint import uses the same box): a point outside is a typo,
# swapped lat/lon or a camera of another city.
LAT_RANGE = (-3.15, -2.80)
LON_RANGE = (104.55, 104.95)
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
_SCOPE_WORDS = {
    "publik": "publik",
    "public": "publik",
    "umum": "publik",
    "internal": "internal",
    "private": "internal",
    "privat": "internal",
    "tertutup": "internal",
}
_OFF_WORDS = frozenset(
    {
        "nonaktif",
        "non aktif",
        "non-aktif",
        "tidak aktif",
        "inactive",
        "disabled",
        "mati",
        "rusak",
        "offline",
        "perbaikan",
        "maintenance",
    }
)
_ON_WORDS = frozenset({"aktif", "active", "enabled", "online", "hidup", "normal"})

Locator = Callable[[float, float], "str | None"]


@dataclass(frozen=True)
class RowError:
    row: int  # CSV line (header = 1), or the item's number in a YAML/JSON list (first = 1)
    field: str
    reason: str
    code: str | None = None


@dataclass(frozen=True)
class CameraSpec:
    code: str
    name: str
    kecamatan_code: str | None
    lat: float
    lon: float
    kind: str
    url: str
    scope: str
    agency_code: str
    agency_text: str | None
    enabled: bool = True
    is_demo: bool = False
    headers: dict[str, str] | None = None
    note: str | None = None
    external_id: str | None = None


def infer_kind(url: str) -> str | None:
    """The capture kind a link implies: .m3u8 hls, rtsp:// rtsp, .mjpg/mjpeg mjpeg, .jpg/.jpeg jpeg."""
    parts = urlsplit(url.strip())
    path = parts.path.lower()
    if parts.scheme.lower() in ("rtsp", "rtsps"):
        return "rtsp"
    if path.endswith(".m3u8"):
        return "hls"
    if path.endswith((".mjpg", ".mjpeg")) or "mjpeg" in url.lower() or "mjpg" in path:
        return "mjpeg"
    if path.endswith((".jpg", ".jpeg")):
        return "jpeg"
    return None


def agency_index(
    agencies: Iterable[tuple[str, list[str]]], aliases: Iterable[tuple[str, str]] = ()
) -> KeyIndex:
    """Agency names and aliases -> code, the same matching as the complaint import."""
    return _coded_index(list(agencies), list(aliases))


def reference_agency_index() -> KeyIndex:
    """An agency index from the reference data in the project (no database)."""
    from data_sources.synonyms import AGENCY_ALIASES
    from store.vocab import AGENCIES

    return agency_index(
        [(a.code, [a.code, a.name, a.short_name]) for a in AGENCIES],
        [(alias, code) for code, names in AGENCY_ALIASES.items() for alias in names],
    )


class _Row:
    """Checks one row, collecting every problem instead of stopping at the first."""

    def __init__(self, number: int, code: str | None) -> None:
        self.number, self.code, self.errors = number, code, []

    def fail(self, name: str, reason: str) -> None:
        self.errors.append(RowError(self.number, name, reason, self.code))

    def text(self, name: str, value: Any, max_len: int, required: bool = True) -> str | None:
        if is_blank(value):
            if required:
                self.fail(name, "missing")
            return None
        text = clean_text(value)
        if len(text) > max_len:
            self.fail(name, f"longer than {max_len} characters")
            return None
        return text

    def decimal(self, name: str, value: Any) -> float | None:
        if is_blank(value):
            self.fail(name, "missing")
            return None
        try:
            number = (
                float(str(value).strip().replace(",", ".")) if not isinstance(value, int | float) else value
            )
        except ValueError:
            self.fail(name, f"not a number: {str(value)[:40]!r}")
            return None
        if isinstance(number, bool) or not math.isfinite(number):
            self.fail(name, f"not a number: {value!r}")
            return None
        return float(number)


def _in_range(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _check_place(row: _Row, lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None:
        return False
    if _in_range(lat, LAT_RANGE) and _in_range(lon, LON_RANGE):
        return True
    hint = "; lat and lon look swapped" if _in_range(lon, LAT_RANGE) and _in_range(lat, LON_RANGE) else ""
    row.fail(
        "lat/lon",
        f"({lat}, {lon}) lies outside Palembang (lat {LAT_RANGE[0]}..{LAT_RANGE[1]}, "
        f"lon {LON_RANGE[0]}..{LON_RANGE[1]}){hint}",
    )
    return False


def _headers(row: _Row, value: Any) -> dict[str, str] | None:
    if is_blank(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (
                json.loads(text)
                if text.startswith("{")
                else dict(
                    (p.split(":", 1)[0].strip(), p.split(":", 1)[1].strip())
                    for p in text.split(";")
                    if p.strip()
                )
            )
        except (ValueError, IndexError):
            row.fail("headers", "expected a JSON object or 'Name: value; Name: value'")
            return None
    if not isinstance(value, dict):
        row.fail("headers", "expected a mapping of header name to value")
        return None
    out = {}
    for name, val in value.items():
        name, val = str(name).strip(), "" if val is None else str(val)
        if not _HEADER_NAME.fullmatch(name) or any(c in val for c in "\r\n\0") or len(val) > 1000:
            row.fail("headers", f"not a valid HTTP header: {name[:40]!r}")
            return None
        out[name] = val
    return out or None


def _url_and_kind(row: _Row, url_value: Any, kind_value: Any) -> tuple[str | None, str | None]:
    url = row.text("url", url_value, 500)
    if url is None:
        return None, None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https", "rtsp", "rtsps") or not parts.hostname:
        row.fail("url", f"not an http(s) or rtsp URL: {url[:80]!r}")
        return None, None
    kind = None if is_blank(kind_value) else clean_text(kind_value).lower()
    if kind is None:
        kind = infer_kind(url)
        if kind is None:
            row.fail("kind", "missing and not inferable from the link (.m3u8, rtsp://, .mjpg, .jpg)")
    elif kind not in KINDS:
        row.fail("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        kind = None
    return url, kind


def _flag(row: _Row, name: str, value: Any, default: bool) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    text = clean_text(value).lower() if isinstance(value, str) else value
    if isinstance(text, str) and text in _OFF_WORDS:
        return False
    if isinstance(text, str) and text in _ON_WORDS:
        return True
    parsed = parse_bool(value)
    if parsed is None:
        row.fail(name, f"not a yes/no value: {str(value)[:40]!r}")
        return default
    return parsed


class RowChecker:
    """Checks the rows of one registry: lookups, and the codes seen so far (a repeated code is a problem)."""

    def __init__(self, locate: Locator, agencies: KeyIndex | None) -> None:
        self.locate = locate
        self.agencies = agencies or reference_agency_index()
        self.kecamatan: KeyIndex | None = None
        self.seen: set[str] = set()

    def kecamatan_code(self, row: _Row, value: Any, lat: float, lon: float) -> str | None:
        """The kecamatan a row names (code or name), else the one its coordinates fall in."""
        if is_blank(value):
            return self.locate(lat, lon)
        if self.kecamatan is None:
            from data_sources.boundaries import kecamatan_names

            self.kecamatan, _ = kecamatan_names()
        code = self.kecamatan.lookup(clean_text(value), fuzzy=True)
        if code is None:
            row.fail("kecamatan", f"unknown kecamatan {str(value)[:60]!r}")
        return code

    def spec(
        self, number: int, raw: dict[str, Any], *, demo_default: bool = False
    ) -> CameraSpec | list[RowError]:
        """One validated CameraSpec from a row in our field names, or its problems."""
        code_text = None if is_blank(raw.get("code")) else clean_text(raw.get("code")).lower()
        row = _Row(number, code_text)
        if code_text is None:
            row.fail("code", "missing")
        elif not _CODE.fullmatch(code_text):
            row.fail(
                "code", "use 1-32 lowercase letters, digits, '-' or '_' (starting with a letter or digit)"
            )
        elif code_text in self.seen:
            row.fail("code", "appears twice in this registry (the first row is kept)")
        name = row.text("name", raw.get("name"), 120)
        lat = row.decimal("lat", raw.get("lat"))
        lon = row.decimal("lon", raw.get("lon"))
        placed = _check_place(row, lat, lon)
        url, kind = _url_and_kind(row, raw.get("url"), raw.get("kind"))
        scope_text = "publik" if is_blank(raw.get("scope")) else clean_text(raw.get("scope")).lower()
        scope = _SCOPE_WORDS.get(scope_text)
        if scope is None:
            row.fail("scope", f"{scope_text[:40]!r} is not publik or internal")
        agency_text = None if is_blank(raw.get("agency")) else clean_text(raw.get("agency"))[:160]
        agency = (self.agencies.lookup(agency_text, fuzzy=True) if agency_text else None) or UNKNOWN_AGENCY
        enabled = _flag(row, "enabled", raw.get("enabled"), True)
        is_demo = _flag(row, "demo", raw.get("demo"), demo_default)
        headers = _headers(row, raw.get("headers"))
        note = row.text("note", raw.get("note"), 300, required=False)
        external_id = row.text("external_id", raw.get("external_id"), 64, required=False)
        kec = self.kecamatan_code(row, raw.get("kecamatan"), lat, lon) if placed else None
        if row.errors:
            return row.errors
        self.seen.add(code_text)
        return CameraSpec(
            code_text,
            name,
            kec,
            lat,
            lon,
            kind,
            url,
            scope,
            agency,
            agency_text,
            enabled,
            is_demo,
            headers,
            note,
            external_id,
        )
