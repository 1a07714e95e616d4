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
from sqlalchemy import Connection, Engine, select

from store import data_version, heap
from store.models import Agency, Category, Kecamatan
from store.stats_read import LAYOUT, NAMES, NULL_TIME, VOCABS, read_rows, reorder

__all__ = [
    "LAYOUT",
    "NAMES",
    "NULL_TIME",
    "VOCABS",
    "Columns",
    "current",
    "forget",
    "load",
    "refresh",
    "reload",
]

_DAY_US = 86_400_000_000
# Bytes of open-row candidates kept per copy (closed_after): at a million complaints the
# candidates of a recent moment take ~5 MB with their gathered columns; an old moment's, up to
# ~70 MB each, which a web worker (300 MB target, issue 7) cannot keep several of.
CANDIDATES_BUDGET = 32 * 1024 * 1024


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
    # Derived arrays built on first use (store.stats_fast); the columns themselves never change.
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Held while `derived` changes (web threads share one copy); never while computing.
    guard: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def remember(
        self, key: Any, build, keep: int | None = None, group: str = "", budget: int | None = None
    ) -> Any:
        """derived[key], built by `build()` on first use. With `keep`, at most that many keys
        starting with `group` are kept (the oldest goes); with `budget`, their arrays take at
        most that many bytes (a result larger than the budget is returned, not kept). Two
        threads may build the same key at once; one result is kept."""
        with self.guard:
            found = self.derived.get(key)
        if found is not None:
            return found
        built = build()
        size = built.nbytes if isinstance(built, np.ndarray) else 0
        if budget is not None and size > budget:
            return built
        with self.guard:
            found = self.derived.get(key)
            if found is not None:
                return found
            if keep is not None:
                same = [k for k in self.derived if isinstance(k, str) and k.startswith(group)]
                drop = max(0, len(same) - keep + 1)
                if budget is not None:
                    held = [getattr(self.derived[k], "nbytes", 0) for k in same]
                    while drop < len(same) and sum(held[drop:]) + size > budget:
                        drop += 1
                for old in same[:drop]:
                    self.derived.pop(old, None)
            self.derived[key] = built
            return built

    def __len__(self) -> int:
        return int(self.arrays["id"].size)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    def days(self, first: int, last: int) -> slice:
        """The rows that came in on days first..last (the rows are kept in day order)."""
        day = self.arrays["day"]
        # Bounds in the column's own dtype: Python ints would make numpy convert the whole column.
        bounds = np.clip(np.array([first, last + 1], dtype=np.int64), -(2**31), 2**31 - 1).astype(day.dtype)
        lo, hi = np.searchsorted(day, bounds)
        return slice(int(lo), int(hi))

    def closed_after(self, moment_us: int) -> np.ndarray:
        """Positions of the rows not closed by `moment_us` (never closed included), ascending.

        Complaints open at a moment are among these: a few percent of the rows for any recent
        moment. Kept per day of the moment (a few days at once), built on first use.
        """
        return self._candidates(moment_us // _DAY_US)["positions"]

    def closed_after_column(self, moment_us: int, name: str) -> np.ndarray:
        """Column `name` at the positions of closed_after(moment_us), gathered once per day."""
        day = moment_us // _DAY_US
        positions = self.closed_after(moment_us)
        return self.remember(
            f"closed_after:{day}:{name}",
            lambda: self.arrays[name][positions],
            40,
            "closed_after:",
            CANDIDATES_BUDGET,
        )

    def _candidates(self, day: int) -> dict[str, np.ndarray]:
        # A recent day holds a few MB (positions and ~8 gathered columns); a day two years back
        # holds most of the table, which the budget keeps out (the scan is then no dearer).
        positions = self.remember(
            f"closed_after:{day}",
            lambda: np.flatnonzero(self.arrays["closed"] > day * _DAY_US),
            40,
            "closed_after:",
            CANDIDATES_BUDGET,
        )
        return {"positions": positions}

    def id_order(self) -> np.ndarray:
        """Row positions in id order (to find rows by id), built once per copy."""
        return self.remember("id_order", lambda: np.argsort(self.arrays["id"], kind="stable"))


def _reference(conn: Connection) -> tuple[tuple[str, ...], dict[str, int], dict[str, int]]:
    kec = tuple(conn.execute(select(Kecamatan.code).order_by(Kecamatan.code)).scalars())
    cats = dict(conn.execute(select(Category.code, Category.id)).all())
    ags = dict(conn.execute(select(Agency.code, Agency.id)).all())
    return kec, cats, ags


def _split_token(token: str) -> tuple[int, int, int]:
    counter, complaint_id, event_id = token.split(".")[:3]
    return int(counter), int(complaint_id), int(event_id)


def _by_day(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The rows in day order (a period is then one slice). Stable: within a day, as given.
    `arrays` is reordered in place (callers pass a dict of their own)."""
    day = arrays["day"]
    if day.size < 2 or bool(np.all(day[1:] >= day[:-1])):
        return arrays
    order = np.argsort(day, kind="stable")  # rows arrive nearly in day order: timsort is quick
    reorder(arrays, order)  # in place: the old columns go one by one
    return arrays


def _merge(old: Columns, new: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`old`'s rows with the rows of `new` replacing those of the same id and the others added."""
    if new["id"].size == 0:
        return old.arrays
    by_id = old.id_order()
    ids = old["id"][by_id]
    pos = np.searchsorted(ids, new["id"])
    inside = pos < ids.size
    known = np.zeros(new["id"].size, dtype=bool)
    known[inside] = ids[pos[inside]] == new["id"][inside]
    at = by_id[pos[known]]
    out = {}
    for name in NAMES:
        column = old[name].copy()
        column[at] = new[name][known]
        out[name] = np.concatenate([column, new[name][~known]])
    return _by_day(out)


def load(engine: Engine, token: str | None = None) -> Columns:
    """Every complaint's columns, read whole; `token` is a data_version read before this call."""
    if token is None:
        token = data_version.current(engine)  # before the rows: what commits meanwhile is re-read later
    with engine.connect() as conn:
        kec, cats, ags = _reference(conn)
        arrays = _by_day(read_rows(conn, "TRUE", {}, kec))
    heap.give_back()  # the read's text and intermediate arrays: ~85 MB at a million rows
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
    top = int(old["id"].max()) if len(old) else 0
    with engine.connect() as conn:
        kec, cats, ags = _reference(conn)
        if kec != old.kecamatan_codes:
            return load(engine, token)
        # Two reads, each from one index (rev, the primary key), rather than an OR.
        changed = read_rows(conn, "rev > :rev", {"rev": old.counter}, kec, by_rev=True)
        # New rows a writer did not stamp (bulk loads); stamped ones came with `changed`.
        added = read_rows(conn, "id > :top AND rev <= :rev", {"top": top, "rev": old.counter}, kec)
    arrays = _merge(old, changed)
    if added["id"].size:
        arrays = _merge(Columns(arrays, kec, cats, ags, counter, token), added)
    loaded = {"changed": int(changed["id"].size), "added": int(added["id"].size)}
    heap.give_back()  # _merge copied every column once
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
