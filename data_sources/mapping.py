"""Outside record shapes -> the canonical raw dict (contract (a)); the ONE place that knows them.

A feed with other field names or labels is a change to the tables here, not to the clients or
to validation. Mapping never judges values: a wrong date or an unknown kecamatan is passed on
for data_sources.validate to reject or normalise with a reason. Only a structure the mapping
cannot read at all (an item that is not an object, `lokasi` that is not an object) raises
MappingError, naming the canonical field and the outside field.

e-Lapor (docs/elapor-api.md): Indonesian field names, nested `lokasi` and `pelapor`, LAPOR!
status labels ("Belum Terverifikasi", "Didisposisikan", ...), `riwayat` as status history.

Open311 GeoReport v2: `status` is only "open" or "closed"; `status_notes` says more. The
mapping onto our statuses (first matching rule wins, words matched case-insensitively):
    closed + "duplicate|duplikat|spam|invalid|reject|tolak|tidak valid"   -> ditutup, outcome ditolak
    closed + "jurisdiction|wewenang|referred|not ours|outside"            -> ditutup, outcome bukan_wewenang
    closed + "return|dikembalikan|incomplete|insufficient|kurang lengkap" -> ditutup, outcome dikembalikan
    closed + "fixed|resolved|complete|done|repaired|selesai|tuntas|perbaik" -> selesai, outcome selesai
    closed (anything else, or no notes)                                   -> ditutup, no outcome
    open + "progress|scheduled|dispatch|crew|working|ditangani|diproses|tindak" -> ditindaklanjuti
    open + "assigned|forwarded|referred to|routed|diteruskan|disposisi"   -> diteruskan
    open + "verified|acknowledged|received|reviewed|diverifikasi|diterima" -> diverifikasi
    open + any other note                                                 -> ditindaklanjuti
    open without notes                                                    -> baru
A closed request's `updated_datetime` is its closing time (and its resolution time when fixed).
"""

from __future__ import annotations

import re
from typing import Any

from data_sources.normalize import is_blank

# --------------------------------------------------------------------------- e-Lapor ----

# canonical key -> path in the e-Lapor item (a nested field is a tuple of keys).
ELAPOR_FIELDS: dict[str, tuple[str, ...]] = {
    "external_id": ("id",),
    "tracking_id": ("nomor_tiket",),
    "report_type": ("jenis_laporan",),
    "title": ("judul",),
    "description": ("isi",),
    "category": ("kategori",),
    "agency": ("instansi_tujuan",),
    "kecamatan": ("kecamatan",),
    "kelurahan": ("kelurahan",),
    "lat": ("lokasi", "lat"),
    "lon": ("lokasi", "lng"),
    "channel": ("kanal",),
    "anonymous": ("anonim",),
    "confidential": ("rahasia",),
    "reporter_name": ("pelapor", "nama"),
    "reporter_phone": ("pelapor", "telepon"),
    "reporter_email": ("pelapor", "email"),
    "reporter_nik": ("pelapor", "nik"),
    "created_at": ("tanggal_dibuat",),
    "verified_at": ("tanggal_verifikasi",),
    "forwarded_at": ("tanggal_disposisi",),
    "first_response_at": ("tanggal_tanggapan_pertama",),
    "resolved_at": ("tanggal_selesai",),
    "closed_at": ("tanggal_ditutup",),
    "status": ("status",),
    "outcome": ("hasil",),
    "updated_at": ("tanggal_diperbarui",),
}
# Second choices when the first path is absent (older exports).
ELAPOR_FALLBACKS: dict[str, tuple[str, ...]] = {
    "lon": ("lokasi", "lon"),
    "channel": ("sumber",),
    "external_id": ("id_laporan",),
}
# Reference-like fields may come as {"kode": ..., "nama": ...}: the name is what our lookups read
# (a kecamatan code is read too, by validate).
_NAMED = ("category", "agency", "kecamatan", "kelurahan", "report_type", "channel", "status", "outcome")

# LAPOR! labels -> our codes; a label not listed passes through for validate's synonyms.
STATUS_LABELS: dict[str, str] = {
    "belum terverifikasi": "baru",
    "belum diverifikasi": "baru",
    "menunggu verifikasi": "baru",
    "terverifikasi": "diverifikasi",
    "diverifikasi": "diverifikasi",
    "didisposisikan": "diteruskan",
    "disposisi": "diteruskan",
    "diteruskan": "diteruskan",
    "ditindaklanjuti": "ditindaklanjuti",
    "dalam proses": "ditindaklanjuti",
    "selesai": "selesai",
    "ditutup": "ditutup",
    "diarsipkan": "ditutup",
}
OUTCOME_LABELS: dict[str, str] = {
    "selesai": "selesai",
    "bukan wewenang": "bukan_wewenang",
    "dikembalikan": "dikembalikan",
    "ditolak": "ditolak",
}
# History entries: {"waktu", "status", "catatan"} -> {"at", "status", "note"}.
HISTORY_KEY = "riwayat"
HISTORY_FIELDS = {"at": "waktu", "status": "status", "note": "catatan"}


class MappingError(ValueError):
    """An item whose structure cannot be read; `field` is the canonical field, message says why."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _label(table: dict[str, str], value: Any) -> Any:
    if isinstance(value, str):
        code = table.get(value.lower())
        return code if code is not None else table.get(" ".join(value.lower().split()), value)
    return value


def _named(value: Any) -> Any:
    if isinstance(value, dict):
        for key in ("nama", "name", "label", "kode", "code"):
            if not is_blank(value.get(key)):
                return value[key]
        return None
    return value


def _plan(
    fields: dict[str, tuple[str, ...]],
) -> tuple[list[tuple[str, str]], dict[str, list[tuple[str, str]]]]:
    """The field table split into top-level (name, key) pairs and nested ones by parent object."""
    top: list[tuple[str, str]] = []
    nested: dict[str, list[tuple[str, str]]] = {}
    for name, path in fields.items():
        if len(path) == 1:
            top.append((name, path[0]))
        elif len(path) == 2:
            nested.setdefault(path[0], []).append((name, path[1]))
        else:
            raise ValueError(f"{name}: paths deeper than parent.child are not supported")
    return top, nested


# Compiled once from the tables above (pure computation): mapping runs 100,000 times a sync.
_TOP, _NESTED = _plan(ELAPOR_FIELDS)
_FALLBACK_TOP, _FALLBACK_NESTED = _plan(ELAPOR_FALLBACKS)
_REPORTER = ELAPOR_FIELDS["reporter_name"][0]
_AT, _STATUS, _NOTE = HISTORY_FIELDS["at"], HISTORY_FIELDS["status"], HISTORY_FIELDS["note"]


def elapor_history(value: Any) -> Any:
    """`riwayat` as canonical history entries; anything but a list of objects passes on for validate."""
    if not isinstance(value, list):
        return value
    labels = STATUS_LABELS
    out: list[Any] = []
    for entry in value:
        if type(entry) is not dict:
            out.append(entry)
            continue
        status = entry.get(_STATUS)
        # The common case first: a label as the feed writes it ("Terverifikasi").
        code = labels.get(status.lower()) if type(status) is str else None
        if code is None:
            code = _label(labels, _named(status))
        out.append({"at": entry.get(_AT), "status": code, "note": entry.get(_NOTE)})
    return out


def _object(item: dict[str, Any], parent: str, children: list[tuple[str, str]]) -> dict[str, Any] | None:
    obj = item.get(parent)
    if obj is None or isinstance(obj, dict):
        return obj
    if parent == _REPORTER:
        return None  # identity is never needed to accept a record: an odd shape is left out
    raise MappingError(
        children[0][0], f"{parent}: expected an object, got {type(obj).__name__} {str(obj)[:40]!r}"
    )


def elapor_to_raw(item: dict[str, Any]) -> dict[str, Any]:
    """One e-Lapor API item as the canonical raw dict; raises MappingError for unreadable structure."""
    if not isinstance(item, dict):
        raise MappingError(None, f"expected a JSON object, got {type(item).__name__}")
    raw: dict[str, Any] = {}
    for name, key in _TOP:
        if key in item:
            raw[name] = item[key]
    for name, key in _FALLBACK_TOP:
        if name not in raw and key in item:
            raw[name] = item[key]
    for parent, children in _NESTED.items():
        obj = _object(item, parent, children)
        if obj is not None:
            for name, key in children:
                if key in obj:
                    raw[name] = obj[key]
    for parent, children in _FALLBACK_NESTED.items():
        obj = _object(item, parent, children)
        if obj is not None:
            for name, key in children:
                if name not in raw and key in obj:
                    raw[name] = obj[key]
    reporter = item.get(_REPORTER)
    if isinstance(reporter, str):
        raw["reporter_name"] = reporter  # some exports give the reporter as a bare name
    for name in _NAMED:
        if isinstance(raw.get(name), dict):
            raw[name] = _named(raw[name])
    if "status" in raw:
        raw["status"] = _label(STATUS_LABELS, raw["status"])
    if "outcome" in raw:
        raw["outcome"] = _label(OUTCOME_LABELS, raw["outcome"])
    if HISTORY_KEY in item:
        raw["history"] = elapor_history(item[HISTORY_KEY])
    return raw


# --------------------------------------------------------------------------- Open311 ----

_CLOSED_RULES: tuple[tuple[re.Pattern[str], str, str | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), status, outcome)
    for pattern, status, outcome in (
        (r"duplica|duplikat|spam|invalid|reject|tolak|tidak valid", "ditutup", "ditolak"),
        (r"jurisdiction|wewenang|referred|not ours|outside", "ditutup", "bukan_wewenang"),
        (r"return|dikembalikan|incomplete|insufficient|kurang lengkap", "ditutup", "dikembalikan"),
        (r"fix|resolv|complet|done|repair|selesai|tuntas|perbaik", "selesai", "selesai"),
    )
)
_OPEN_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), status)
    for pattern, status in (
        (r"progress|schedul|dispatch|crew|working|ditangani|diproses|tindak", "ditindaklanjuti"),
        (r"assigned|forwarded|referred to|routed|diteruskan|disposisi", "diteruskan"),
        (r"verified|acknowledg|received|reviewed|diverifikasi|diterima", "diverifikasi"),
    )
)
_KEC = re.compile(r"\bkec(?:amatan|\.)?\s+([^,;\n]+)", re.IGNORECASE)
_KEL = re.compile(r"\b(?:kel(?:urahan|\.)?|desa)\s+([^,;\n]+)", re.IGNORECASE)


def open311_status(status: Any, notes: Any) -> tuple[Any, str | None]:
    """(our status, outcome) for an Open311 status and its status_notes (see the module docstring)."""
    text = "" if is_blank(notes) else str(notes)
    state = str(status).strip().lower() if isinstance(status, str) else status
    if state == "closed":
        for pattern, ours, outcome in _CLOSED_RULES:
            if text and pattern.search(text):
                return ours, outcome
        return "ditutup", None
    if state == "open":
        if not text.strip():
            return "baru", None
        for pattern, ours in _OPEN_RULES:
            if pattern.search(text):
                return ours, None
        return "ditindaklanjuti", None
    return status, None  # not GeoReport v2: validate names it


def open311_to_raw(item: dict[str, Any], services: dict[str, str] | None = None) -> dict[str, Any]:
    """One GeoReport v2 service request as the canonical raw dict (`services`: code -> name)."""
    if not isinstance(item, dict):
        raise MappingError(None, f"expected a JSON object, got {type(item).__name__}")
    get = item.get
    status, outcome = open311_status(get("status"), get("status_notes"))
    category = get("service_name")
    if is_blank(category) and services:
        category = services.get(str(get("service_code")))
    if is_blank(category):
        category = get("service_code")
    address = get("address")
    description = get("description")
    raw: dict[str, Any] = {
        "external_id": get("service_request_id"),
        "tracking_id": get("token"),
        "title": None,
        "description": description,
        "category": category,
        "agency": get("agency_responsible"),
        "lat": get("lat"),
        "lon": get("long"),
        "created_at": get("requested_datetime"),
        "updated_at": get("updated_datetime") or get("requested_datetime"),
        "status": status,
        "outcome": outcome,
        # Not canonical: kept for the quarantine payload and for people reading it.
        "address": address,
        "expected_at": get("expected_datetime"),
        "status_notes": get("status_notes"),
    }
    if not is_blank(category):
        where = f" di {address}" if isinstance(address, str) and address.strip() else ""
        raw["title"] = f"{category}{where}"
    if status in ("selesai", "ditutup"):
        raw["closed_at"] = get("updated_datetime")
        if status == "selesai":
            raw["resolved_at"] = get("updated_datetime")
    if isinstance(address, str):
        if m := _KEC.search(address):
            raw["kecamatan"] = m.group(1).strip()
        if m := _KEL.search(address):
            raw["kelurahan"] = m.group(1).strip()
    return raw
