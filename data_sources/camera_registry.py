"""Camera registry files -> validated camera specs, with a (row, field, reason) list for bad rows.

Three inputs: our own registry as YAML (`cameras.yaml`, a list under `cameras:`) or CSV (the same
fields as columns), and a city CCTV portal's JSON list
`{data: [{cctv_id, cctv_title, cctv_scope, cctv_status, location: {coordinates: [lon, lat]},
cctv_link, cctv_opd: {nama_opd}}]}`. Every row is checked on its own: a bad row is reported and
left out, the good ones come back as CameraSpec. Nothing here touches the database; the caller
(jobs/import_cameras, the demo seeder) writes the specs in one transaction.

The kecamatan comes from the coordinates (boundaries polygons, else the nearest kelurahan
centroid) unless a registry row names it; agencies are matched by code, name or alias like the
complaint import and become "tidak_diketahui" when unknown.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from data_sources.camera_spec import (
    KINDS,
    SCOPES,
    CameraSpec,
    Locator,
    RowChecker,
    RowError,
    agency_index,
    infer_kind,
    reference_agency_index,
)
from data_sources.normalize import KeyIndex, is_blank

__all__ = [
    "KINDS",
    "SCOPES",
    "CameraSpec",
    "RegistryError",
    "RegistryReport",
    "RowError",
    "agency_index",
    "infer_kind",
    "load_registry",
    "parse_csv",
    "parse_portal",
    "parse_registry",
    "parse_yaml",
    "read_source",
    "reference_agency_index",
]

MAX_BYTES = 10_000_000  # a registry or portal list larger than this is not a camera list


class RegistryError(ValueError):
    """The registry as a whole cannot be read (not a row problem); the message names the source."""


@dataclass
class RegistryReport:
    source: str
    format: str  # yaml | csv | portal
    rows: int = 0
    specs: list[CameraSpec] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _collect(report: RegistryReport, checker: RowChecker, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
    for number, raw in rows:
        report.rows += 1
        if not isinstance(raw, dict):
            report.errors.append(RowError(number, "-", "expected a mapping of field names to values"))
            continue
        result = checker.spec(number, raw)
        if isinstance(result, CameraSpec):
            report.specs.append(result)
        else:
            report.errors.extend(result)


def _portal_row(item: dict[str, Any]) -> dict[str, Any]:
    location = item.get("location") if isinstance(item.get("location"), dict) else {}
    coords = location.get("coordinates") if isinstance(location.get("coordinates"), list | tuple) else None
    opd = item.get("cctv_opd")
    cctv_id = item.get("cctv_id")
    slug = (
        re.sub(r"[^a-z0-9]+", "-", str(cctv_id).strip().lower()).strip("-") if not is_blank(cctv_id) else ""
    )
    return {
        "code": f"cctv-{slug}"[:32] if slug else None,
        "external_id": None if is_blank(cctv_id) else str(cctv_id).strip(),
        "name": item.get("cctv_title"),
        "lon": coords[0] if coords and len(coords) >= 2 else None,
        "lat": coords[1] if coords and len(coords) >= 2 else None,
        "url": item.get("cctv_link"),
        "scope": item.get("cctv_scope"),
        "agency": opd.get("nama_opd") if isinstance(opd, dict) else opd,
        "enabled": item.get("cctv_status"),
    }


def parse_portal(data: Any, source: str, locate: Locator, agencies: KeyIndex | None = None) -> RegistryReport:
    """A city CCTV portal's JSON list ({data: [...]}) -> specs and row errors (code: cctv-<cctv_id>)."""
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RegistryError(f"{source}: expected a portal list {{'data': [...]}}")
    report = RegistryReport(source, "portal")
    checker = RowChecker(locate, agencies)
    _collect(
        report,
        checker,
        ((i, _portal_row(it) if isinstance(it, dict) else it) for i, it in enumerate(items, 1)),
    )
    return report


def parse_yaml(text: str, source: str, locate: Locator, agencies: KeyIndex | None = None) -> RegistryReport:
    """Our YAML (or JSON) registry: a list of cameras, or a mapping with a `cameras:` list."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RegistryError(f"{source}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if isinstance(data, dict) and "data" in data and "cameras" not in data:
        return parse_portal(data, source, locate, agencies)
    items = data.get("cameras") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise RegistryError(f"{source}: expected a list of cameras under 'cameras:'")
    report = RegistryReport(source, "yaml")
    _collect(report, RowChecker(locate, agencies), enumerate(items, 1))
    return report


def parse_csv(text: str, source: str, locate: Locator, agencies: KeyIndex | None = None) -> RegistryReport:
    """Our CSV registry: a header row with the YAML field names (code, name, lat, lon, url, ...)."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("code", "name", "lat", "lon", "url") if c not in header]
    if missing:
        raise RegistryError(f"{source}: CSV header lacks {', '.join(missing)} (found {', '.join(header)})")
    report = RegistryReport(source, "csv")
    rows = ((reader.line_num, {(k or "").strip().lower(): v for k, v in r.items()}) for r in reader)
    _collect(report, RowChecker(locate, agencies), rows)
    return report


def parse_registry(
    data: bytes, source: str, locate: Locator, agencies: KeyIndex | None = None
) -> RegistryReport:
    """Parse registry bytes by their name (.csv, .yaml/.yml, .json) or, failing that, their content."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    suffix = Path(urlsplit(source).path).suffix.lower()
    if suffix == ".csv":
        return parse_csv(text, source, locate, agencies)
    if suffix == ".json" or text.lstrip()[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RegistryError(f"{source}: not valid JSON ({exc})") from None
        if isinstance(parsed, dict) and "data" in parsed:
            return parse_portal(parsed, source, locate, agencies)
    return parse_yaml(text, source, locate, agencies)


def read_source(source: str | Path, timeout_s: float) -> bytes:
    """The bytes of a registry file or URL (GET with a timeout, size-capped); raises RegistryError."""
    text = str(source)
    if re.match(r"https?://", text, re.IGNORECASE):
        import requests

        try:
            with requests.get(
                text,
                timeout=(timeout_s, timeout_s),
                stream=True,
                headers={"Accept": "application/json, text/yaml, text/csv, */*"},
            ) as resp:
                if resp.status_code != 200:
                    raise RegistryError(f"{text}: HTTP {resp.status_code}")
                body = resp.raw.read(MAX_BYTES + 1, decode_content=True)
        except requests.RequestException as exc:
            raise RegistryError(f"{text}: cannot fetch ({type(exc).__name__}: {exc})") from None
    else:
        try:
            with open(text, "rb") as fh:
                body = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise RegistryError(f"{text}: cannot read ({exc.strerror})") from None
    if len(body) > MAX_BYTES:
        raise RegistryError(f"{text}: larger than {MAX_BYTES // 1_000_000} MB, not a camera list")
    return body


def load_registry(
    source: str | Path, locate: Locator, agencies: KeyIndex | None = None, timeout_s: float = 10.0
) -> RegistryReport:
    """Read and parse a registry file or URL; RegistryError when it cannot be read at all."""
    return parse_registry(read_source(source, timeout_s), str(source), locate, agencies)
