"""Fault switches of the e-Lapor simulator and what each does to a response or a record.

Transport faults are drawn per API request (probabilities 0..1):
    timeout         hang `hang_s` seconds (longer than the client's timeout), half of them before
                    the headers, half after part of the body, then drop the connection
    error_500       HTTP 500 with a JSON error body
    rate_limit      HTTP 429 with Retry-After: `retry_after` seconds (or an HTTP date when
                    `retry_after_form` is "http-date")
    malformed       HTTP 200 whose body is not the JSON promised (cut short, an HTML page, junk)
    duplicate_page  the page comes back with the cursor it was asked with: it is served again
    out_of_order    the next page is served before this one (and the page's items shuffled)
Record faults are drawn per record, once, when the record is created (probabilities 0..1; a
record gets at most one): a changed probability applies to records created after the change.
    bad_date         an unreadable or implausible date (tanggal_dibuat, or a riwayat entry)
    missing_field    tanggal_dibuat absent, or judul and isi both empty
    wrong_type       anonim "mungkin", lokasi.lat a word, jenis_laporan a number, a boolean
                     date, riwayat an object instead of a list
    missing_id       no "id": the record can only be quarantined by content (it never changes)
    not_object       the item is a JSON string holding the record (encoded twice; never changes)
    unknown_kecamatan a kecamatan name nobody knows (the kelurahan is kept: the record is VALID,
                     its kecamatan comes from the kelurahan)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

TRANSPORT_FAULTS = ("timeout", "error_500", "rate_limit", "malformed", "duplicate_page", "out_of_order")
# Order matters: a record takes the first kind its draw falls under. Index 0 is "no fault".
RECORD_FAULTS = ("bad_date", "missing_field", "wrong_type", "missing_id", "not_object", "unknown_kecamatan")
KINDS = ("none", *RECORD_FAULTS)
KIND = {name: i for i, name in enumerate(KINDS)}
# Records that cannot be followed by id are frozen at creation, as a real feed's garbage would be.
FROZEN = (KIND["missing_id"], KIND["not_object"])
# Kinds after which the record is still valid.
VALID_KINDS = (KIND["none"], KIND["unknown_kecamatan"])
UNKNOWN_KECAMATAN_NAMES = ("Antah Berantah", "Kecamatan Tidak Terdaftar", "Kec. Luar Wilayah", "Zona Bebas")

# Variants per kind: (what is done, the canonical field validation names, dynamic part?).
VARIANTS: dict[str, tuple[tuple[str, str | None, bool], ...]] = {
    "bad_date": (
        ("31/02 date", "created_at", False),
        ("words", "created_at", False),
        ("far future", "created_at", False),
        ("before 2000", "created_at", False),
        ("history date", "history", True),
    ),
    "missing_field": (("no tanggal_dibuat", "created_at", False), ("no text", "title", False)),
    "wrong_type": (
        ("anonim word", "anonymous", False),
        ("lat word", "lat", False),
        ("jenis number", "report_type", False),
        ("boolean date", "created_at", False),
        ("riwayat object", "history", True),
    ),
    "missing_id": (("no id", "external_id", False),),
    "not_object": (("json string", None, False),),
    "unknown_kecamatan": (("unknown name", None, False),),
}


@dataclass
class Faults:
    """Current switches; every probability 0..1, times in seconds."""

    timeout: float = 0.0
    error_500: float = 0.0
    rate_limit: float = 0.0
    malformed: float = 0.0
    duplicate_page: float = 0.0
    out_of_order: float = 0.0
    bad_date: float = 0.0
    missing_field: float = 0.0
    wrong_type: float = 0.0
    missing_id: float = 0.0
    not_object: float = 0.0
    unknown_kecamatan: float = 0.0
    hang_s: float = 30.0
    retry_after: float = 1.0
    retry_after_form: str = "seconds"

    def as_dict(self) -> dict[str, Any]:
        """The switches as JSON-ready values."""
        return asdict(self)

    def record_probabilities(self) -> tuple[float, ...]:
        """Record-fault probabilities in RECORD_FAULTS order."""
        return tuple(getattr(self, name) for name in RECORD_FAULTS)

    def update(self, changes: dict[str, Any]) -> Faults:
        """A copy with `changes` applied; ValueError names the first bad key or value.

        "all" sets every probability, "transport"/"records" the probabilities of one group.
        """
        if not isinstance(changes, dict):
            raise ValueError("faults: expected a JSON object of switches")
        values = asdict(self)
        known = {f.name for f in fields(self)}
        for key, value in changes.items():
            group = {"all": TRANSPORT_FAULTS + RECORD_FAULTS, "transport": TRANSPORT_FAULTS,
                     "records": RECORD_FAULTS}.get(key)  # fmt: skip
            if group is not None:
                for name in group:
                    values[name] = _probability(key, value)
            elif key not in known:
                raise ValueError(f"faults: unknown switch {key!r} (known: {', '.join(sorted(known))}, all)")
            elif key == "retry_after_form":
                if value not in ("seconds", "http-date"):
                    raise ValueError(
                        f"faults: retry_after_form must be 'seconds' or 'http-date', got {value!r}"
                    )
                values[key] = value
            elif key in ("hang_s", "retry_after"):
                values[key] = _seconds(key, value)
            else:
                values[key] = _probability(key, value)
        return Faults(**values)


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"faults: {key} must be a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"faults: {key} must be a number, got {value!r}") from None


def _probability(key: str, value: Any) -> float:
    number = _number(key, value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"faults: {key} is a probability (0..1), got {number:g}")
    return number


def _seconds(key: str, value: Any) -> float:
    number = _number(key, value)
    if not 0.0 <= number <= 3600.0:
        raise ValueError(f"faults: {key} must be 0..3600 seconds, got {number:g}")
    return number


def parse_cli(text: str | None) -> dict[str, Any]:
    """ "timeout=0.05,error_500=0.1,hang_s=2" -> a dict for Faults.update."""
    out: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        if "=" not in part:
            raise ValueError(f"--faults: {part!r} is not NAME=VALUE")
        name, value = (s.strip() for s in part.split("=", 1))
        out[name] = value
    return out


def expected_field(kind: int, variant: int) -> str | None:
    """The canonical field a rejection of a record with this fault names (None: valid or no field)."""
    name = KINDS[kind]
    if name == "none":
        return None
    options = VARIANTS[name]
    return options[variant % len(options)][1]


def variant_of(kind: int, draw: int, has_point: bool) -> int:
    """The variant a record's draw selects; variants that need a point fall back without one."""
    name = KINDS[kind]
    if name == "none":
        return 0
    options = VARIANTS[name]
    variant = draw % len(options)
    if name == "wrong_type" and options[variant][0] == "lat word" and not has_point:
        variant = 0
    return variant


def corrupt_static(item: dict[str, Any], kind: int, variant: int, year: int, draw: int = 0) -> None:
    """Apply a record fault to the fields that do not change over the record's life."""
    name = KINDS[kind]
    if name == "none":
        return
    what = VARIANTS[name][variant][0]
    if what == "31/02 date":
        item["tanggal_dibuat"] = f"31/02/{year} 09:15"
    elif what == "words":
        item["tanggal_dibuat"] = "kemarin sore"
    elif what == "far future":
        item["tanggal_dibuat"] = "2099-01-01T08:00:00+07:00"
    elif what == "before 2000":
        item["tanggal_dibuat"] = "1999-12-31T23:00:00+07:00"
    elif what == "no tanggal_dibuat":
        item.pop("tanggal_dibuat", None)
    elif what == "no text":
        item["judul"] = ""
        item["isi"] = ""
    elif what == "anonim word":
        item["anonim"] = "mungkin"
    elif what == "lat word" and isinstance(item.get("lokasi"), dict):
        item["lokasi"] = {**item["lokasi"], "lat": "selatan"}
    elif what == "jenis number":
        item["jenis_laporan"] = 3
    elif what == "boolean date":
        item["tanggal_dibuat"] = True
    elif what == "no id":
        item.pop("id", None)
    elif what == "unknown name":
        item["kecamatan"] = UNKNOWN_KECAMATAN_NAMES[draw % len(UNKNOWN_KECAMATAN_NAMES)]


def corrupt_dynamic(item: dict[str, Any], kind: int, variant: int, year: int) -> None:
    """Apply a record fault to the fields that change as the record moves (its history)."""
    name = KINDS[kind]
    if name == "none":
        return
    what = VARIANTS[name][variant][0]
    history = item.get("riwayat")
    if what == "history date" and isinstance(history, list) and history:
        history[0] = {**history[0], "waktu": f"32/13/{year} 25:61"}
    elif what == "riwayat object" and isinstance(history, list) and history:
        item["riwayat"] = history[-1]
