"""Compiled bulk statements of the ingest write path (store.ingest): complaint upsert, status events.

A Core INSERT ... ON CONFLICT is compiled once per dialect and process (for_connection) and run
with executemany on parameters converted here, bypassing SQLAlchemy's per-row bind processing
(see BulkStatement).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Connection, Date

from store.db import dialect_insert
from store.models import Complaint, ComplaintEvent
from store.types import UTCDateTime

# Everything but the key and the id is overwritten by a newer version.
UPDATABLE = [c.name for c in Complaint.__table__.columns if c.name not in ("id", "source", "external_id")]
# Row layouts of execute_values, in the order store.ingest builds the values: a complaint's own
# fields (ComplaintRecord attributes of the same names), the looked-up ids, the derived fields,
# the stamp.
IDS = ["category_id", "agency_id"]
DERIVED = ["created_day", "hours_to_resolve", "forward_due_at", "response_due_at"]
STAMP = ["rev"]  # the data version the batch commits under (store.data_version.reserve)
RECORD_COLUMNS = ["source", "external_id", *(n for n in UPDATABLE if n not in (*IDS, *DERIVED, *STAMP))]
UPSERT_COLUMNS = [*RECORD_COLUMNS, *IDS, *DERIVED, *STAMP]
EVENT_COLUMNS = ["complaint_id", "at", "from_status", "to_status", "note"]


class BulkStatement:
    """A Core INSERT compiled once, run with executemany on pre-converted parameters.

    SQLAlchemy's per-row parameter processing costs ~30 us a row, more than the database's own
    work; converting the few typed columns here (UTCDateTime, Date, Boolean, exactly as their
    SQLAlchemy types store them) keeps bulk writes several times faster on both back ends.
    Rows come as dicts (`execute`) or as value lists in `names` order (`execute_values`, which
    skips building a dict per row).
    """

    def __init__(self, conn: Connection, stmt, names: list[str]) -> None:
        compiled = stmt.compile(dialect=conn.dialect, column_keys=names)
        self.sql = str(compiled)
        self.names = list(names)
        keys = list(compiled.positiontup) if compiled.positional else self.names
        pg = conn.dialect.name == "postgresql"
        self.converters = {n: _converter(stmt.table.c[n].type, pg) for n in self.names}
        # itemgetter picks a row's values in C; only the typed columns go through Python.
        self._get = itemgetter(*keys)
        self._convert = [(i, f) for i, f in enumerate(self.converters[k] for k in keys) if f is not None]
        self._keys = None if compiled.positional else keys
        # execute_values: value lists arrive in `names` order; the driver wants `keys` order.
        by_name = (self.converters[n] for n in self.names)
        self._by_name = [(i, f) for i, f in enumerate(by_name) if f is not None]
        self._reorder = None if keys == self.names else itemgetter(*(self.names.index(k) for k in keys))

    def _params(self, row: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        values = list(self._get(row))
        for i, convert in self._convert:
            values[i] = convert(values[i])
        return tuple(values) if self._keys is None else dict(zip(self._keys, values, strict=True))

    def _params_of_values(self, values: list[Any]) -> tuple[Any, ...] | dict[str, Any]:
        for i, convert in self._by_name:
            values[i] = convert(values[i])
        if self._keys is not None:
            return dict(zip(self.names, values, strict=True))
        return tuple(values) if self._reorder is None else self._reorder(values)

    def execute(self, conn: Connection, rows: list[dict[str, Any]]) -> int:
        """Run the statement for every row; returns the driver's row count (rows written)."""
        if not rows:
            return 0
        params = list(map(self._params, rows))
        return max(conn.exec_driver_sql(self.sql, params).rowcount or 0, 0)

    def execute_values(self, conn: Connection, rows: list[list[Any]]) -> int:
        """Like execute, for rows given as value lists in `names` order (the lists are converted in place)."""
        if not rows:
            return 0
        params = list(map(self._params_of_values, rows))
        return max(conn.exec_driver_sql(self.sql, params).rowcount or 0, 0)


class UpdateNewer:
    """UPDATE of stored complaints by key where the stored updated_at is older (SQLite).

    What the upsert's DO UPDATE does to a stored row, a third cheaper on SQLite with foreign
    keys on (16 against 23 us a row); rows come as for BulkStatement.execute_values.
    """

    def __init__(self, upsert: BulkStatement) -> None:
        names = upsert.names
        if names[:2] != ["source", "external_id"]:
            raise ValueError("the upsert's columns must start with the key")
        sets = ", ".join(f"{name} = ?" for name in names[2:])
        self.sql = f"UPDATE complaint SET {sets} WHERE source = ? AND external_id = ? AND updated_at < ?"
        self._convert = upsert._by_name
        self._at = names.index("updated_at")

    def execute_values(self, conn: Connection, rows: list[list[Any]]) -> int:
        """Run the update for every row (value lists in the upsert's `names` order, converted in place)."""
        if not rows:
            return 0
        params = []
        at = self._at
        for values in rows:
            for i, convert in self._convert:
                values[i] = convert(values[i])
            params.append((*values[2:], values[0], values[1], values[at]))
        return max(conn.exec_driver_sql(self.sql, params).rowcount or 0, 0)


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} given; pass an aware (UTC) datetime")
    return (value if value.tzinfo is UTC else value.astimezone(UTC)).replace(tzinfo=None)


# Aware datetime -> its SQLite text. A batch repeats its moments (a record's created_at is its
# first event, a deadline is shared by a day's reports, and parsed timestamps are shared objects
# whose hash is cached), so a lookup here replaces most isoformat calls. Emptied when full.
_SQLITE_TEXT: dict[datetime, str] = {}
_SQLITE_TEXT_MAX = 50_000


def _sqlite_datetime(value: datetime | None) -> str | None:
    # SQLAlchemy's SQLite DATETIME text form, always with microseconds, so comparisons with
    # values bound by SQLAlchemy elsewhere stay exact. Aware UTC (what validate makes) only
    # needs its "+00:00" cut off.
    if value is None:
        return None
    text = _SQLITE_TEXT.get(value)  # a naive value equals no key: it goes on to be refused
    if text is not None:
        return text
    if value.tzinfo is UTC:
        # The day's text and the time of day's text, each made once: a sync's moments share
        # a few hundred days and at most 86,400 whole seconds, and a lookup of each is ~4x
        # sooner than datetime.isoformat (same text: "YYYY-MM-DD HH:MM:SS.ffffff").
        day, clock = value.date(), value.time()
        text = _DAY_TEXT.get(day)
        if text is None:
            text = _remember(_DAY_TEXT, day, day.isoformat() + " ")
        part = _CLOCK_TEXT.get(clock)
        if part is None:
            part = _remember(_CLOCK_TEXT, clock, clock.isoformat("microseconds"), _CLOCK_TEXT_MAX)
        text += part
    else:
        text = _naive_utc(value).isoformat(" ", "microseconds")
    return _remember(_SQLITE_TEXT, value, text)


_DAY_TEXT: dict[date, str] = {}
_CLOCK_TEXT: dict[time, str] = {}
_CLOCK_TEXT_MAX = 100_000  # every whole second of a day fits


def _remember(cache: dict, key: Any, text: str, most: int = _SQLITE_TEXT_MAX) -> str:
    if len(cache) >= most:
        cache.clear()
    cache[key] = text
    return text


def _sqlite_date(value) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_bool(value) -> int | None:
    return None if value is None else int(bool(value))


def _converter(type_, pg: bool):
    if isinstance(type_, UTCDateTime):
        return _naive_utc if pg else _sqlite_datetime
    if isinstance(type_, Date) and not pg:
        return _sqlite_date
    if isinstance(type_, Boolean) and not pg:
        return _sqlite_bool
    return None


# Compiling both statements costs ~15 ms, paid once per dialect and driver instead of once per
# batch. The SQL names no schema (PostgreSQL's search_path picks it), so one entry serves them all.
_COMPILED: dict[tuple, UpsertStatements] = {}


class UpsertStatements:
    """The upsert and event statements of one connection's dialect."""

    @classmethod
    def for_connection(cls, conn: Connection) -> UpsertStatements:
        """The (cached) statements for `conn`'s dialect and driver."""
        dialect = conn.dialect
        key = (type(dialect), dialect.paramstyle, dialect.positional, dialect.server_version_info)
        statements = _COMPILED.get(key)
        if statements is None:
            statements = _COMPILED[key] = cls(conn)
        return statements

    def __init__(self, conn: Connection) -> None:
        table = Complaint.__table__
        stmt = dialect_insert(conn, table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["source", "external_id"],
            set_={name: stmt.excluded[name] for name in UPDATABLE},
            # The condition, not the pre-check below, is what keeps an older delivery out.
            where=stmt.excluded.updated_at > table.c.updated_at,
        )
        self.upsert = BulkStatement(conn, stmt, UPSERT_COLUMNS)
        # For keys not stored yet. On SQLite with foreign keys on, a DO UPDATE that sets
        # foreign-key columns costs ~12 us a row even when every row is an insert: twice the
        # insert itself. A row that meets a key stored meanwhile is left for `upsert`.
        fresh = dialect_insert(conn, table).on_conflict_do_nothing(index_elements=["source", "external_id"])
        self.insert = BulkStatement(conn, fresh, UPSERT_COLUMNS)
        # Stored keys with an older version: PostgreSQL takes the upsert as it is.
        self.update = UpdateNewer(self.upsert) if conn.dialect.name == "sqlite" else self.upsert
        events = dialect_insert(conn, ComplaintEvent.__table__).on_conflict_do_nothing(
            index_elements=["complaint_id", "to_status", "at"]
        )
        self.events = BulkStatement(conn, events, EVENT_COLUMNS)
        # The stored version of rows by key, read in the driver's own types (see store.ingest).
        if conn.dialect.name == "postgresql":
            self.stored_sql = (
                "SELECT external_id, id, status, updated_at FROM complaint "
                "WHERE source = %s AND external_id = ANY(%s)"
            )
        elif conn.dialect.name == "sqlite":
            self.stored_sql = (
                "SELECT external_id, id, status, updated_at FROM complaint "
                "WHERE source = ? AND external_id IN "
            )
        else:
            self.stored_sql = None
