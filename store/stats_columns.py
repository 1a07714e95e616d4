"""The complaint table as in-memory numpy columns, kept current from the data version.

Why columns and not rollup tables: the figures are taken at a moment (store/queries.py: resolved
*by the period's end*, open *at* it), so a rollup would need the resolution day, the follow-up
day and the closing day among its keys; with ~1,000 complaints a day spread over ~700 cells of
kecamatan x category x OPD x channel, such cells hold about one complaint each. Scanning the
complaints themselves, narrowed to ~75 bytes each, is what answers in milliseconds (the DuckDB
figure of the city-scale issue, 10-40 ms at a million rows, is such a scan) and keeps every
figure exact: no histogram error bound to explain.

Freshness: ingest stamps the rows it writes with the data version its transaction commits as
(complaint.rev, store.data_version.reserve). Columns loaded at version v catch up by reading
only rows with rev > v or an id above their highest: a sync costs the rows it changed. When the
token moved without the counter (a writer that neither stamps nor bumps changed events), or the
counter went back (another database), the columns are read again whole.

Complaints are never deleted by the application; a deleted row stays counted until the next
whole read (a process restart, or `reload`).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, select, text

from store import data_version
from store.models import Agency, Category, Kecamatan
from store.vocab import CHANNELS, OUTCOMES, REPORT_TYPES, STATUSES

NULL_TIME = np.iinfo(np.int64).max  # a missing moment compares as "after every moment"
CHUNK = 50_000  # rows per fetch: bounds the Python objects alive at once (~40 MB)

# name, numpy dtype; the SQL expressions below produce them in this order.
LAYOUT: tuple[tuple[str, Any], ...] = (
    ("id", np.int64),
    ("day", np.int32),  # WIB calendar day the report came in, days since 1970-01-01
    ("kecamatan", np.int16),  # index into Columns.kecamatan_codes, -1 unknown
    ("category", np.int32),  # category.id, -1 none
    ("agency", np.int32),  # agency.id, -1 none
    ("channel", np.int16),  # index into CHANNELS
    ("report_type", np.int16),  # index into REPORT_TYPES
    ("status", np.int16),  # index into STATUSES
    ("outcome", np.int16),  # index into OUTCOMES, -1 none yet
    ("created", np.int64),  # moments in microseconds since 1970 UTC, NULL_TIME when missing
    ("first_response", np.int64),
    ("resolved", np.int64),
    ("closed", np.int64),
    ("response_due", np.int64),
    ("verified", np.bool_),
    ("forwarded", np.bool_),
    # Followed up and forwarded within their deadlines: the time-free half of "SLA met".
    ("on_time", np.bool_),
    ("hours", np.float64),  # hours_to_resolve, NaN when not resolved
)
NAMES = tuple(name for name, _ in LAYOUT)
VOCABS = {"channel": CHANNELS, "report_type": REPORT_TYPES, "status": STATUSES, "outcome": OUTCOMES}


def _moment(dialect: str, col: str) -> str:
    if dialect == "sqlite":
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC): seconds from strftime, then the
        # microseconds as written (absent -> 0).
        us = f"CAST(strftime('%s', {col}) AS INTEGER) * 1000000 + CAST(substr({col}, 21, 6) AS INTEGER)"
    else:
        us = f"CAST(EXTRACT(EPOCH FROM {col}) * 1000000 AS BIGINT)"
    return f"COALESCE({us}, {NULL_TIME})"


def _select_sql(dialect: str) -> str:
    day = (
        "CAST(julianday(created_day) - 2440587.5 AS INTEGER)"
        if dialect == "sqlite"
        else "(created_day - DATE '1970-01-01')"
    )
    flag = "CASE WHEN {} THEN 1 ELSE 0 END"
    parts = [
        "id",
        day,
        "COALESCE(kecamatan_code, '')",
        "COALESCE(category_id, -1)",
        "COALESCE(agency_id, -1)",
        "channel",
        "report_type",
        "status",
        "COALESCE(outcome, '')",
        *(_moment(dialect, c) for c in ("created_at", "first_response_at", "resolved_at", "closed_at")),
        _moment(dialect, "response_due_at"),
        flag.format("verified_at IS NOT NULL"),
        flag.format("forwarded_at IS NOT NULL"),
        flag.format("first_response_at <= response_due_at AND forwarded_at <= forward_due_at"),
        "hours_to_resolve",
    ]
    return f"SELECT {', '.join(parts)} FROM complaint"


@dataclass(frozen=True)
class Columns:
    """One consistent copy of the complaint columns; never changed once built (readers share it)."""

    arrays: dict[str, np.ndarray]
    kecamatan_codes: tuple[str, ...]
    category_ids: dict[str, int]  # code -> id, for filters
    agency_ids: dict[str, int]
    counter: int  # the data version counter the rows are complete up to
    token: str  # data_version.current() when read
    loaded: dict[str, int] = field(default_factory=dict)  # how the last refresh went (rows read)

    def __len__(self) -> int:
        return int(self.arrays["id"].size)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]


def _codes(values: list, vocab: tuple[str, ...]) -> np.ndarray:
    index = {v: i for i, v in enumerate(vocab)}
    return np.fromiter((index.get(v, -1) for v in values), dtype=np.int16, count=len(values))


def _arrays_of(rows: list[tuple], kecamatan_codes: tuple[str, ...]) -> dict[str, np.ndarray]:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in LAYOUT]
    out: dict[str, np.ndarray] = {}
    for (name, dtype), values in zip(LAYOUT, columns, strict=True):
        if name == "kecamatan":
            out[name] = _codes(values, kecamatan_codes)
        elif name in VOCABS:
            out[name] = _codes(values, VOCABS[name])
        elif dtype is np.float64:
            out[name] = np.array(values, dtype=np.float64)  # None -> NaN
        else:
            out[name] = np.array(values, dtype=dtype)
    return out


def _read(conn: Connection, where: str, params: dict, kecamatan_codes: tuple[str, ...]) -> dict:
    result = conn.execute(text(_select_sql(conn.dialect.name) + where), params)
    parts = []
    while rows := result.fetchmany(CHUNK):
        parts.append(_arrays_of(rows, kecamatan_codes))
    if not parts:
        return _arrays_of([], kecamatan_codes)
    return {name: np.concatenate([p[name] for p in parts]) for name in NAMES}


def _reference(conn: Connection) -> tuple[tuple[str, ...], dict[str, int], dict[str, int]]:
    kec = tuple(conn.execute(select(Kecamatan.code).order_by(Kecamatan.code)).scalars())
    cats = dict(conn.execute(select(Category.code, Category.id)).all())
    ags = dict(conn.execute(select(Agency.code, Agency.id)).all())
    return kec, cats, ags


def _split_token(token: str) -> tuple[int, int, int]:
    counter, complaint_id, event_id = token.split(".")[:3]
    return int(counter), int(complaint_id), int(event_id)


def _merge(old: dict[str, np.ndarray], new: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`old` with the rows of `new` replacing those of the same id and the others added (by id)."""
    if new["id"].size == 0:
        return old
    ids = old["id"]
    pos = np.searchsorted(ids, new["id"])
    inside = pos < ids.size
    known = np.zeros(new["id"].size, dtype=bool)
    known[inside] = ids[pos[inside]] == new["id"][inside]
    out = {}
    for name in NAMES:
        column = old[name].copy()
        column[pos[known]] = new[name][known]
        out[name] = np.concatenate([column, new[name][~known]])
    if out["id"].size > 1 and not bool(np.all(out["id"][1:] > out["id"][:-1])):
        order = np.argsort(out["id"], kind="stable")
        out = {name: column[order] for name, column in out.items()}
    return out


def load(engine: Engine, token: str | None = None) -> Columns:
    """Every complaint's columns, read whole; `token` is a data_version read before this call."""
    if token is None:
        token = data_version.current(engine)  # before the rows: what commits meanwhile is re-read later
    with engine.connect() as conn:
        kec, cats, ags = _reference(conn)
        arrays = _read(conn, " ORDER BY id", {}, kec)
    return Columns(arrays, kec, cats, ags, _split_token(token)[0], token, {"whole": len(arrays["id"])})


def refresh(engine: Engine, old: Columns | None, token: str | None = None) -> Columns:
    """`old` brought up to the data version `token` (read now if not given; the same object if
    nothing moved). A token read earlier is safe: rows committed after it are read again later."""
    if token is None:
        token = data_version.current(engine)
    if old is None:
        return load(engine, token)
    if token == old.token:
        return old
    counter, complaint_id, event_id = _split_token(token)
    _, old_complaint_id, old_event_id = _split_token(old.token)
    if counter < old.counter or complaint_id < old_complaint_id:
        return load(engine, token)  # another database, or rows removed
    if counter == old.counter and event_id != old_event_id:
        return load(engine, token)  # changed by a writer that does not stamp
    if counter == old.counter and complaint_id == old_complaint_id:
        # Only the sync watermark moved (a sync that found nothing new).
        return Columns(old.arrays, old.kecamatan_codes, old.category_ids, old.agency_ids, counter, token)
    top = int(old["id"][-1]) if len(old) else 0
    with engine.connect() as conn:
        kec, cats, ags = _reference(conn)
        if kec != old.kecamatan_codes:
            return load(engine, token)
        # Two reads, each from one index (rev, the primary key), rather than an OR.
        changed = _read(conn, " WHERE rev > :rev", {"rev": old.counter}, kec)
        # New rows a writer did not stamp (bulk loads); stamped ones came with `changed`.
        added = _read(conn, " WHERE id > :top AND rev <= :rev", {"top": top, "rev": old.counter}, kec)
    arrays = _merge(_merge(old.arrays, changed), added)
    loaded = {"changed": int(changed["id"].size), "added": int(added["id"].size)}
    return Columns(arrays, kec, cats, ags, counter, token, loaded)


class _Holder:
    def __init__(self) -> None:
        self.columns: Columns | None = None
        self.lock = threading.Lock()


_HOLDERS: weakref.WeakKeyDictionary[Engine, _Holder] = weakref.WeakKeyDictionary()
_HOLDERS_LOCK = threading.Lock()


def _holder(engine: Engine) -> _Holder:
    with _HOLDERS_LOCK:
        holder = _HOLDERS.get(engine)
        if holder is None:
            holder = _HOLDERS[engine] = _Holder()
        return holder


def current(engine: Engine) -> Columns:
    """The engine's columns at the current data version (read on first use, then caught up).

    One thread per process reads while the others wait for it (single flight): twenty-five
    requests arriving after a sync cost one catch-up, not twenty-five.
    """
    holder = _holder(engine)
    token = data_version.for_request(engine)
    held = holder.columns
    if held is not None and held.token == token:
        return held  # the common case: no lock, and the page's one small read
    with holder.lock:
        holder.columns = refresh(engine, holder.columns, token)
        return holder.columns


def reload(engine: Engine) -> Columns:
    """Read the engine's columns again whole (after deleting complaints, and in tests)."""
    holder = _holder(engine)
    with holder.lock:
        holder.columns = load(engine)
        return holder.columns


def forget() -> None:
    """Drop every process-held copy (tests reuse a database under a new engine and schema)."""
    with _HOLDERS_LOCK:
        _HOLDERS.clear()
