"""How the complaint columns travel from the database (store.stats_columns reads through this).

Why text: fetching a million rows of 18 values makes 18 million Python objects (~25 us a row);
the database instead writes each chunk of rows as a few comma-separated strings, which numpy
parses in C (about 1 us a row). SQLite sends its stored moments as fixed-width text, which numpy
also parses; PostgreSQL sends them as integers (EXTRACT EPOCH).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import Connection, text

from store import heap
from store.vocab import CHANNELS, OUTCOMES, REPORT_TYPES, STATUSES

NULL_TIME = np.iinfo(np.int64).max  # a missing moment compares as "after every moment"
CHUNK = 50_000  # rows per read: bounds the text held at once (~6 MB)

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


TEXT_NULL = -1  # a missing moment among PostgreSQL's integers (NULL_TIME does not survive text)
TIMES = {  # column -> source; they travel as integers (PostgreSQL) or fixed-width text (SQLite)
    "created": "created_at",
    "first_response": "first_response_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
    "response_due": "response_due_at",
}
# SQLite's stored form, 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC), is 26 characters wide; numpy
# parses a block of them in C. A missing moment is sent as this one.
SQLITE_NULL_TIME = "9999-12-31 00:00:00.000000"
_WIDTH = len(SQLITE_NULL_TIME)


def _index_of(col: str, values: tuple[str, ...]) -> str:
    """SQL giving the position of `col` in `values` (-1 for anything else, NULL included)."""
    for v in values:
        if not v.replace(".", "").replace("_", "").isalnum():
            raise ValueError(f"unexpected code {v!r} in {col}")  # they are spliced into the SQL
    whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"CASE {col} {whens} ELSE -1 END"


def _int_parts(dialect: str, kecamatan_codes: tuple[str, ...]) -> dict[str, str]:
    day = (
        "CAST(julianday(created_day) - 2440587.5 AS INTEGER)"
        if dialect == "sqlite"
        else "(created_day - DATE '1970-01-01')"
    )
    flag = "CASE WHEN {} THEN 1 ELSE 0 END"
    parts = {
        "id": "id",
        "day": day,
        "kecamatan": _index_of("kecamatan_code", kecamatan_codes),
        "category": "COALESCE(category_id, -1)",
        "agency": "COALESCE(agency_id, -1)",
        **{name: _index_of(name, VOCABS[name]) for name in ("channel", "report_type", "status", "outcome")},
        "verified": flag.format("verified_at IS NOT NULL"),
        "forwarded": flag.format("forwarded_at IS NOT NULL"),
        "on_time": flag.format("first_response_at <= response_due_at AND forwarded_at <= forward_due_at"),
    }
    if dialect != "sqlite":
        for name, col in TIMES.items():
            parts[name] = f"COALESCE(CAST(EXTRACT(EPOCH FROM {col}) * 1000000 AS BIGINT), {TEXT_NULL})"
    return parts


def _chunk_sql(dialect: str, where: str, kecamatan_codes: tuple[str, ...], by_rev: bool = False) -> str:
    """One chunk of rows as texts (integers, hours, and on SQLite the moments), its size, last id."""
    ints = list(_int_parts(dialect, kecamatan_codes).values())
    if dialect == "sqlite":
        line = f"printf('{','.join(['%d'] * len(ints))}', {', '.join(ints)})"
        hours = "CASE WHEN hours_to_resolve IS NULL THEN 'nan' ELSE printf('%!.17g', hours_to_resolve) END"
        # substr(... || '.000000'): a value stored without microseconds still fills the width.
        times = [
            f"substr(COALESCE({col}, '{SQLITE_NULL_TIME[:19]}') || '.000000', 1, {_WIDTH}) AS {name}"
            for name, col in TIMES.items()
        ]
        aggs = [f"group_concat({name}, '')" for name in TIMES]
        agg = "group_concat({}, ',')"
    else:
        line = f"concat_ws(',', {', '.join(ints)})"
        hours = "COALESCE(CAST(hours_to_resolve AS TEXT), 'NaN')"
        times, aggs = [], []
        agg = "string_agg({}, ',' ORDER BY id)"
    # SQLite would walk the primary key for the ORDER BY and so read the whole table to find
    # a sync's few changed rows; its rev index finds them directly (PostgreSQL plans this itself).
    table = "complaint INDEXED BY ix_complaint_rev" if by_rev and dialect == "sqlite" else "complaint"
    inner = ", ".join(["id", f"{line} AS line", f"{hours} AS hours", *times])
    outer = ", ".join([agg.format("line"), agg.format("hours"), *aggs, "count(*)", "max(id)"])
    return (
        f"SELECT {outer} FROM (SELECT {inner} FROM {table}"
        f" WHERE ({where}) AND id > :after ORDER BY id LIMIT {CHUNK}) AS chunk"
    )


def _sqlite_times(text_block: str | None, rows: int) -> np.ndarray:
    raw = np.frombuffer((text_block or "").encode("ascii"), dtype=f"S{_WIDTH}")
    if raw.size != rows:
        raise RuntimeError(f"complaint columns: {raw.size} moments for {rows} rows")
    us = raw.astype("datetime64[us]").astype(np.int64)
    us[us == _SQLITE_NULL_US] = NULL_TIME
    return us


_SQLITE_NULL_US = int(np.datetime64(SQLITE_NULL_TIME.replace(" ", "T"), "us").astype(np.int64))


def _arrays_of(row: tuple, dialect: str) -> dict[str, np.ndarray]:
    """A chunk's texts as columns."""
    ints, hours, *times = row[:-2]
    rows = int(row[-2] or 0)
    names = list(_int_parts(dialect, ()))
    block = np.fromstring(ints or "", dtype=np.int64, sep=",").reshape(rows, len(names))
    dtypes = dict(LAYOUT)
    out = {name: block[:, i].astype(dtypes[name]) for i, name in enumerate(names)}
    if dialect == "sqlite":
        for name, text_block in zip(TIMES, times, strict=True):
            out[name] = _sqlite_times(text_block, rows)
    else:
        for name in TIMES:
            out[name][out[name] == TEXT_NULL] = NULL_TIME
    out["hours"] = np.fromstring(hours or "", dtype=np.float64, sep=",")
    if out["hours"].size != rows:
        raise RuntimeError(f"complaint columns: {out['hours'].size} hours for {rows} rows")
    return out


def read_rows(
    conn: Connection, where: str, params: dict, kecamatan_codes: tuple[str, ...], by_rev: bool = False
) -> dict:
    """The rows matching `where` (SQL over complaint's columns), by id, in chunks of CHUNK."""
    sql = text(_chunk_sql(conn.dialect.name, where, kecamatan_codes, by_rev))
    dialect = conn.dialect.name
    parts, after = [], 0
    while True:
        row = conn.execute(sql, {**params, "after": after}).one()
        if not row[-2]:
            break
        parts.append(_arrays_of(tuple(row), dialect))
        after = row[-1]
        del row
        if len(parts) > 1:
            heap.give_back()  # the chunk's text (~11 MB), or the next chunk lands beside it
    if not parts:
        empty = ("", "", *([""] * len(TIMES) if dialect == "sqlite" else []), 0, None)
        return _arrays_of(empty, dialect)
    # Column by column, each chunk's piece dropped once joined: the read peaks at the columns plus
    # one column, not twice the columns (a web worker's peak memory is what the host must have).
    arrays = {}
    for name in NAMES:
        arrays[name] = np.concatenate([p.pop(name) for p in parts])
        heap.give_back()  # the pieces' pages, or the next column lands beside them
    ids = arrays["id"]
    if ids.size > 1 and not bool(np.all(ids[1:] > ids[:-1])):
        # SQLite's group_concat keeps the subquery's order in practice, not by promise.
        reorder(arrays, np.argsort(ids, kind="stable"))
    return arrays


def reorder(arrays: dict[str, np.ndarray], order: np.ndarray) -> None:
    """Every column taken in `order`, in place of the dict, one column at a time (peak memory)."""
    for name in list(arrays):
        arrays[name] = arrays[name][order]
