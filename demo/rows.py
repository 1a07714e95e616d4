"""Database columns from the generated arrays: complaints (through store.derive) and their events.

Columns, not row dicts: timestamps stay numpy arrays all the way to store.write, which turns a
million of them into stored text in one vectorised step instead of a million Python calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from demo import seed_text
from demo.lifecycle import (
    CLOSED,
    CREATED,
    EVENT_STAGES,
    FORWARDED,
    MISSING,
    RESOLVED,
    RESPONDED,
    VERIFIED,
    Lifecycle,
)
from demo.world import AGENCY_CODES, CAT_CODES, KEC_CODES, WIB_S
from store.calendar import WorkCalendar
from store.derive import derive_fields
from store.reference_data import KECAMATAN, KELURAHAN
from store.vocab import AGENCIES, CHANNELS, OUTCOMES, REPORT_TYPES, STATUSES

SOURCE = "demo-elapor"
PII_SHARE = 0.10
TIME_COLUMNS = {
    "created_at": CREATED,
    "verified_at": VERIFIED,
    "forwarded_at": FORWARDED,
    "first_response_at": RESPONDED,
    "resolved_at": RESOLVED,
    "closed_at": CLOSED,
}

_CHANNEL_NOTE = {
    "web": "situs LAPOR!",
    "sms1708": "SMS 1708",
    "app": "aplikasi LAPOR!",
    "sosmed": "media sosial",
}
_SHORT = [{a.code: a.short_name for a in AGENCIES}[code] for code in AGENCY_CODES]
_CLOSE_NOTE = {
    ("selesai", "selesai"): "Selesai: tindak lanjut dikonfirmasi pelapor",
    ("selesai", "ditutup"): "Ditutup otomatis: 10 hari kerja tanpa balasan pelapor setelah tindak lanjut",
    ("bukan_wewenang", "ditutup"): "Ditutup: bukan wewenang {agency}",
    ("dikembalikan", "ditutup"): "Ditutup: dikembalikan kepada pelapor, tidak dilengkapi dalam 10 hari kerja",
    ("ditolak", "ditutup"): "Ditolak: tidak memenuhi syarat laporan (tidak jelas atau duplikat)",
}


def _lookup(values: Iterable[Any]) -> np.ndarray:
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@dataclass
class World:
    """Every generated column, one entry per complaint, in order of arrival."""

    ids: np.ndarray
    kec: np.ndarray
    cat: np.ndarray
    kel: np.ndarray  # -1: unknown
    lat: np.ndarray  # NaN: unknown
    lon: np.ndarray
    channel: np.ndarray
    report_type: np.ndarray
    anonymous: np.ndarray
    confidential: np.ndarray
    agency: np.ndarray
    reporter_hash: list[str | None]
    life: Lifecycle
    picks: np.ndarray  # (n, 4) template and phrasing choices
    street: np.ndarray  # (n, 2) 1 for a street of the kecamatan (0: city-wide), street index
    pii: np.ndarray  # (n, 2) indices into seed_text.PII_KINDS, -1 for none
    pii_rng: np.random.Generator


def _datetime64(seconds: np.ndarray) -> np.ndarray:
    out = seconds.astype("datetime64[s]")
    out[seconds == MISSING] = np.datetime64("NaT")
    return out


def _texts(w: World, start: int, stop: int) -> tuple[list[str], list[str]]:
    titles, descriptions = [], []
    kec_names = [k.common_name for k in KECAMATAN]
    for i in range(start, stop):
        kel, kec = int(w.kel[i]), int(w.kec[i])
        kel_name = KELURAHAN[kel].name if kel >= 0 else ""
        place = kel_name or f"Kecamatan {kec_names[kec]}"
        local, street_i = w.street[i].tolist()
        streets = seed_text.STREETS[KEC_CODES[kec]] if local else seed_text.CITY_STREETS
        title, description = seed_text.compose(
            CAT_CODES[w.cat[i]],
            REPORT_TYPES[w.report_type[i]],
            streets[street_i % len(streets)],
            place,
            tuple(w.picks[i].tolist()),
        )
        if w.pii[i, 0] >= 0:
            kinds = tuple(seed_text.PII_KINDS[k] for k in w.pii[i] if k >= 0)
            description = seed_text.with_pii(w.pii_rng, description, kinds, kel_name, KEC_CODES[kec])
        titles.append(title)
        descriptions.append(description)
    return titles, descriptions


class _Watched(dict):
    """A row that refuses to answer for fields it was not given."""

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self:
            raise KeyError(f"store.derive reads {key!r}, which demo.rows does not pass")
        return super().get(key, default)


def _derived(times: np.ndarray, outcome: list[str | None], cal: WorkCalendar) -> dict[str, list[Any]]:
    """store.derive.derive_fields for every complaint, on the lifecycle fields it reads."""
    fromts = datetime.fromtimestamp

    def aware(col: int) -> list[datetime | None]:
        return [fromts(v, UTC) if v != MISSING else None for v in times[:, col].tolist()]

    inputs = ("created_at", "forwarded_at", "resolved_at", "outcome")
    columns = (aware(CREATED), aware(FORWARDED), aware(RESOLVED), outcome)
    if not columns[0]:
        return {}
    # The first row is watched: should derive_fields start reading another field, the seeder
    # fails loudly instead of deriving from a None it was never given.
    derive_fields(_Watched(zip(inputs, (col[0] for col in columns), strict=True)), cal)
    rows = [
        derive_fields({"created_at": c, "forwarded_at": f, "resolved_at": r, "outcome": o}, cal)
        for c, f, r, o in zip(*columns, strict=True)
    ]
    derived = [key for key in rows[0] if key not in inputs]
    return {key: [row[key] for row in rows] for key in derived}


def complaint_columns(
    w: World,
    start: int,
    stop: int,
    cal: WorkCalendar,
    category_ids: dict[str, int],
    agency_ids: dict[str, int],
) -> dict[str, Any]:
    """Columns of the complaint table for complaints [start, stop), derived fields included."""
    times = w.life.times[start:stop]
    ids = w.ids[start:stop].tolist()
    years = (times[:, CREATED] + WIB_S).astype("datetime64[s]").astype("datetime64[Y]").astype(int) + 1970
    outcome = _lookup((*OUTCOMES, None))[w.life.outcome[start:stop]].tolist()  # MISSING (-1) -> None
    titles, descriptions = _texts(w, start, stop)
    kel_codes = _lookup((*(k.code for k in KELURAHAN), None))[w.kel[start:stop]]
    category = np.array([category_ids[c] for c in CAT_CODES])[w.cat[start:stop]]
    agency = np.array([agency_ids[a] for a in AGENCY_CODES])[w.agency[start:stop]]
    present = np.where(times == MISSING, np.iinfo(np.int64).min, times)
    cols: dict[str, Any] = {
        "id": w.ids[start:stop],
        "source": [SOURCE] * len(ids),
        "external_id": [f"DEMO-{i:09d}" for i in ids],
        "tracking_id": [f"PLG-{y}-{i:07d}" for y, i in zip(years.tolist(), ids, strict=True)],
        "report_type": _lookup(REPORT_TYPES)[w.report_type[start:stop]],
        "title": titles,
        "description": descriptions,
        "category_id": category,
        "agency_id": agency,
        "kecamatan_code": _lookup(KEC_CODES)[w.kec[start:stop]],
        "kelurahan_code": kel_codes,
        "lat": np.round(w.lat[start:stop], 6),
        "lon": np.round(w.lon[start:stop], 6),
        "channel": _lookup(CHANNELS)[w.channel[start:stop]],
        "anonymous": w.anonymous[start:stop],
        "confidential": w.confidential[start:stop],
        "reporter_hash": w.reporter_hash[start:stop],
        **{name: _datetime64(times[:, col]) for name, col in TIME_COLUMNS.items()},
        "status": _lookup(STATUSES)[w.life.status[start:stop]],
        "outcome": outcome,
        "updated_at": present.max(axis=1).astype("datetime64[s]"),
    }
    cols.update(_derived(times, outcome, cal))
    return cols


def event_columns(w: World, start: int, stop: int, first_id: int) -> dict[str, Any]:
    """Columns of complaint_event for complaints [start, stop): one row per status change."""
    times = w.life.times[start:stop]
    m = len(times)
    stages = EVENT_STAGES
    status_names = _lookup((*STATUSES, None))
    final = w.life.status[start:stop]
    agency = w.agency[start:stop]
    outcome = w.life.outcome[start:stop]
    to_status = np.stack(
        [np.full(m, STATUSES.index(s)) for s in ("baru", "diverifikasi", "diteruskan", "ditindaklanjuti")]
        + [final],
        axis=1,
    )
    present = np.stack([times[:, s] != MISSING for s in stages], axis=1)
    # The status before each change is the one the previous change (that happened) set.
    from_status = np.full((m, len(stages)), -1)
    previous = np.full(m, -1)
    for j in range(len(stages)):
        from_status[:, j] = previous
        previous = np.where(present[:, j], to_status[:, j], previous)

    notes = np.empty((m, len(stages)), dtype=object)
    notes[:, 0] = _lookup([f"Laporan diterima melalui {_CHANNEL_NOTE[c]}" for c in CHANNELS])[
        w.channel[start:stop]
    ]
    notes[:, 1] = "Laporan diverifikasi admin"
    notes[:, 2] = _lookup([f"Diteruskan ke {s}" for s in _SHORT])[agency]
    notes[:, 3] = _lookup([f"Tanggapan dari {s}" for s in _SHORT])[agency]
    closing = {
        (OUTCOMES.index(o), STATUSES.index(s), a): text.format(agency=_SHORT[a])
        for (o, s), text in _CLOSE_NOTE.items()
        for a in range(len(_SHORT))
    }
    closed = present[:, 4]
    notes[closed, 4] = [
        closing[k]
        for k in zip(outcome[closed].tolist(), final[closed].tolist(), agency[closed].tolist(), strict=True)
    ]

    # Row-major flattening keeps each complaint's events together and in order.
    keep = present.ravel()
    count = int(keep.sum())
    return {
        "id": np.arange(first_id, first_id + count, dtype=np.int64),
        "complaint_id": np.repeat(w.ids[start:stop], len(stages))[keep],
        "at": _datetime64(times[:, stages].ravel()[keep]),
        "from_status": status_names[from_status.ravel()[keep]],
        "to_status": status_names[to_status.ravel()[keep]],
        "note": notes.ravel()[keep],
    }
