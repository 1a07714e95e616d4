"""Open311 GeoReport v2 output: our categories as services, public-safe complaints as requests.

    GET /open311/v2/services.json            (.xml)
    GET /open311/v2/requests.json            (.xml)  start_date, end_date, status, service_code,
                                                      service_request_id
    GET /open311/v2/requests/<id>.json       (.xml)

Open to everyone, read-only. store/open311_read.py leaves out Rahasia complaints and coarsens
Anonim coordinates in SQL; here the text is scrubbed again and statuses are mapped. docs/open311.md
documents fields, limits and mapping. Our statuses go out as "open"/"closed" with fixed
status_notes chosen so that data_sources/mapping.py (the client's direction) maps them back to
the same status and outcome: the two tables must change together.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, request

from data_sources.privacy import scrub
from store.calendar import WIB
from store.db import get_engine
from store.open311_read import MAX_ID, MAX_RESULTS, RequestQuery, category_codes, find_requests, get_request
from store.open311_read import services as service_rows
from store.vocab import OPEN_STATUSES, STATUSES, UNKNOWN_CODE

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

MAX_SPAN = timedelta(days=90)
CITY = "Kota Palembang"
# Publishing citizens' free text is a decision for the city, off by default: the scrubber removes
# phone numbers, e-mails and NIK but cannot recognise a name typed into the text.
TEXT_SETTING = "OPEN311_PUBLISH_TEXT"

# (our status, outcome) -> status_notes. Each note matches, in data_sources.mapping's rule
# order, the rule that gives back the same (status, outcome): tests read our output back.
NOTES: dict[tuple[str, str | None], str] = {
    ("diverifikasi", None): "Laporan diverifikasi (verified)",
    ("diteruskan", None): "Diteruskan ke OPD (forwarded)",
    ("ditindaklanjuti", None): "Sedang ditindaklanjuti (in progress)",
    ("selesai", "selesai"): "Selesai (resolved)",
    ("ditutup", "selesai"): "Ditutup, masalah selesai (resolved)",
    ("ditutup", "ditolak"): "Ditutup: laporan ditolak (rejected)",
    ("ditutup", "bukan_wewenang"): "Ditutup: bukan wewenang Pemerintah Kota (outside jurisdiction)",
    ("ditutup", "dikembalikan"): "Ditutup: dikembalikan, informasi kurang lengkap (returned)",
    ("ditutup", None): "Ditutup",
}
REPORT_TYPES = {
    "pengaduan": "Pengaduan",
    "aspirasi": "Aspirasi",
    "permintaan_informasi": "Permintaan informasi",
}
CLOSED_STATUSES = tuple(s for s in STATUSES if s not in OPEN_STATUSES)
REQUEST_FIELDS = (
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
    "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
)  # fmt: skip
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")


class BadParameter(ValueError):
    """A query parameter the spec or our limits refuse; the message starts with its name."""


# ------------------------------------------------------------------------- routes ----


@bp.after_request
def _public_headers(resp: Response) -> Response:
    # Public, read-only data: any site may read it; a minute of caching spares the database.
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cache-Control"] = "public, max-age=60"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get("/services.json", defaults={"fmt": "json"})
@bp.get("/services.xml", defaults={"fmt": "xml"})
def services(fmt: str) -> Response:
    rows = [_service(r) for r in service_rows(get_engine())]
    return _render(rows, fmt, "services", "service", SERVICE_FIELDS)


@bp.get("/requests.json", defaults={"fmt": "json"})
@bp.get("/requests.xml", defaults={"fmt": "xml"})
def list_requests(fmt: str) -> Response:
    engine = get_engine()
    try:
        query = parse_query(request.args, lambda: category_codes(engine), datetime.now(UTC))
    except BadParameter as exc:
        return _error(400, str(exc), fmt)
    text = _with_text()
    rows = find_requests(engine, query, limit=MAX_RESULTS, with_text=text)
    return _render([_request(r, text) for r in rows], fmt, "service_requests", "request", REQUEST_FIELDS)


@bp.get("/requests/<req_id>.json", defaults={"fmt": "json"})
@bp.get("/requests/<req_id>.xml", defaults={"fmt": "xml"})
def one_request(req_id: str, fmt: str) -> Response:
    text = _with_text()
    row = get_request(get_engine(), request_id, with_text=text) if (request_id := _id(req_id)) else None
    if row is None:
        # Missing and confidential answer alike, and the id is not echoed back.
        return _error(404, "service request not found", fmt)
    return _render([_request(row, text)], fmt, "service_requests", "request", REQUEST_FIELDS)


@bp.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(_rest: str) -> Response:
    fmt = "xml" if _rest.endswith(".xml") else "json"
    if request.method != "GET":
        # A POST requests.json (create_request) lands here too: this endpoint only publishes.
        return _error(405, "read-only endpoint: service requests are made through LAPOR! (lapor.go.id)", fmt)
    return _error(404, "no such resource; see /open311/v2/services.json and requests.json", fmt)


def _with_text() -> bool:
    return bool(current_app.config.get(TEXT_SETTING, False))


# ------------------------------------------------------------------ query parsing ----

_ID = re.compile(r"[1-9][0-9]{0,18}")
# A "+" in an unencoded query string arrives as a space: "...T10:00:00 07:00" meant "+07:00".
_LOST_PLUS = re.compile(r"^(\d{4}-\d{2}-\d{2}T[\d:.]+) (\d{2}(?::?\d{2})?)$")


def _id(text: str) -> int | None:
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def _list(args, name: str) -> list[str]:
    values = [v.strip() for raw in args.getlist(name) for v in raw.split(",")]
    return [v for v in values if v]


def parse_date(name: str, text: str) -> datetime:
    """An ISO 8601 date-time with a time zone, as aware UTC; BadParameter naming `name` otherwise."""
    value = _LOST_PLUS.sub(r"\1+\2", text.strip())
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadParameter(
            f"{name}: {text[:40]!r} is not an ISO 8601 date-time with a time zone "
            "(e.g. 2026-01-31T00:00:00+07:00 or 2026-01-30T17:00:00Z)"
        )
    return moment.astimezone(UTC)


def parse_query(args, known_codes, now: datetime) -> RequestQuery:
    """The RequestQuery of requests.json's parameters (`known_codes()` gives the service codes)."""
    raw_ids = _list(args, "service_request_id")
    if raw_ids:
        # The spec: service_request_id overrides every other argument.
        ids = [_id(v) for v in raw_ids]
        if None in ids:
            bad = raw_ids[ids.index(None)]
            raise BadParameter(f"service_request_id: {bad[:40]!r} is not a service request id (digits only)")
        if len(set(ids)) > MAX_RESULTS:
            raise BadParameter(f"service_request_id: at most {MAX_RESULTS} ids per call")
        return RequestQuery(ids=tuple(sorted(set(ids))))
    start_text, end_text = args.get("start_date", "").strip(), args.get("end_date", "").strip()
    start = parse_date("start_date", start_text) if start_text else None
    end = parse_date("end_date", end_text) if end_text else None
    if start is None and end is None:
        end = now
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise BadParameter("end_date: is before start_date")
    if end - start > MAX_SPAN:
        raise BadParameter("end_date: the range from start_date to end_date may span at most 90 days")
    statuses: list[str] = []
    for value in _list(args, "status"):
        if value.lower() not in ("open", "closed"):
            raise BadParameter(f"status: {value[:40]!r} is not one of open, closed")
        statuses += OPEN_STATUSES if value.lower() == "open" else CLOSED_STATUSES
    codes = set(_list(args, "service_code"))
    if codes:
        unknown = sorted(codes - known_codes())
        if unknown:
            raise BadParameter(f"service_code: unknown code {unknown[0][:40]!r}; see services.json")
    return RequestQuery(
        start=start, end=end, statuses=tuple(sorted(set(statuses))), service_codes=tuple(sorted(codes))
    )


# ---------------------------------------------------------------------- formatting ----


def wib(moment: datetime | None) -> str | None:
    """An aware datetime in WIB with its offset, whole seconds: 2026-01-31T09:30:00+07:00."""
    if moment is None:
        return None
    return moment.astimezone(WIB).replace(microsecond=0).isoformat()


def open311_status(status: str, outcome: str | None) -> tuple[str, str | None]:
    """(open|closed, status_notes) for our status and outcome."""
    state = "open" if status in OPEN_STATUSES else "closed"
    note = NOTES.get((status, outcome))
    if note is None and state == "closed":
        note = NOTES[("ditutup", None)]
    return state, note


def _service(r: dict[str, Any]) -> dict[str, Any]:
    words = {w for name in (r["name_id"], r["name_en"]) for w in re.findall(r"[^\W\d_]{3,}", name.lower())}
    agency = r["agency"] or "Tidak diketahui"
    return {
        "service_code": r["code"],
        "service_name": r["name_id"],
        "description": f"{r['name_id']} ({r['name_en']}). OPD penanggung jawab: {agency}.",
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(sorted(words - {"dan", "and", "other", "lainnya"})),
        "group": r["agency_short"] or "Lainnya",
    }


def _place(kelurahan: str | None, kecamatan: str | None) -> str:
    # "Kelurahan"/"Kecamatan" spelled out: the client's address parser keys on these words.
    parts = (f"Kelurahan {kelurahan}" if kelurahan else "", f"Kecamatan {kecamatan}" if kecamatan else "")
    return ", ".join(p for p in parts if p)


def _request(r: dict[str, Any], with_text: bool) -> dict[str, Any]:
    state, notes = open311_status(r["status"], r["outcome"])
    service = r["category_name"] or "Tidak diketahui"
    where = _place(r["kelurahan"], r["kecamatan"])
    summary = f"{REPORT_TYPES.get(r['report_type'], 'Laporan')}: {service}" + (
        f" di {where}" if where else ""
    )
    # Scrubbed again although ingest scrubbed it: a later import path or an edit may have missed it.
    description = scrub(r.get("description") or "") if with_text else summary
    closed = state == "closed"
    return {
        "service_request_id": str(r["id"]),
        "status": state,
        "status_notes": scrub(notes) if notes else None,
        "service_name": service,
        "service_code": r["category_code"] or UNKNOWN_CODE,
        "description": description or summary,
        "agency_responsible": r["agency_name"],
        "service_notice": None,
        "requested_datetime": wib(r["created_at"]),
        # A closed request's last update is its closing, which is what GeoReport clients read it as.
        "updated_datetime": wib((r["closed_at"] or r["updated_at"]) if closed else r["updated_at"]),
        "expected_datetime": wib(r["response_due_at"]),
        "address": ", ".join(p for p in (where, CITY) if p),
        "address_id": None,
        "zipcode": None,
        "lat": None if r["lat"] is None else round(float(r["lat"]), 6),
        "long": None if r["lon"] is None else round(float(r["lon"]), 6),
        "media_url": None,
    }


# XML 1.0 cannot carry most control characters, even escaped: they are dropped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _render(items: list[dict[str, Any]], fmt: str, root: str, item: str, fields: tuple[str, ...]) -> Response:
    if fmt == "xml":
        top = ET.Element(root)
        for obj in items:
            node = ET.SubElement(top, item)
            for name in fields:
                ET.SubElement(node, name).text = _xml_text(obj.get(name))
        body = ET.tostring(top, encoding="unicode", xml_declaration=False)
        return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, mimetype="text/xml")
    return Response(json.dumps(items, ensure_ascii=False), mimetype="application/json")


def _error(code: int, description: str, fmt: str) -> Response:
    if fmt == "xml":
        top = ET.Element("errors")
        node = ET.SubElement(top, "error")
        ET.SubElement(node, "code").text = str(code)
        ET.SubElement(node, "description").text = _xml_text(description)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="unicode")
        return Response(body, status=code, mimetype="text/xml")
    payload = json.dumps([{"code": code, "description": description}], ensure_ascii=False)
    return Response(payload, status=code, mimetype="application/json")
