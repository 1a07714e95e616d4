"""Bulk write helpers for loaders and the demo seeder: chunked inserts without the ORM.

Callers that insert many related rows (complaints and their events) assign the ids themselves:
asking the database for each new id (RETURNING) would cost a round trip per chunk and tie the
event rows to the insert order. `sync_id_sequence` then moves PostgreSQL's sequence past them.

At a million rows SQLAlchemy's per-value bind processing costs more than the insert itself, so
`insert_columns` takes data column by column (lists or numpy arrays), converts the hot types in
bulk to exactly what SQLAlchemy would store (checked once per load) and hands plain tuples to
the driver: executemany on SQLite, COPY on PostgreSQL. Tables with other column types (JSON),
other drivers, and Python-side defaults left out go through a Core INSERT instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import cache
from itertools import chain
from typing import Any

import numpy as np
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    Engine,
    Float,
    Integer,
    String,
    Table,
    func,
    insert,
    select,
    text,
)

from store.data_version import bump
from store.models import Agency, Category
from store.types import UTCDateTime

DEFAULT_CHUNK = 20_000
_LOAD_CACHE_KIB = 256 * 1024
_SQLITE_MAX_VARIABLES = 999
_PLAIN_TYPES = (Integer, String, Float, Boolean)  # the drivers store these as SQLAlchemy would

Column = Sequence[Any] | np.ndarray


@contextmanager
def bulk_load(engine: Engine) -> Iterator[Connection]:
    """One transaction for a bulk load; on SQLite with synchronous=OFF and a big page cache meanwhile."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
            # The load is one transaction, rolled back on failure: an fsync per page buys nothing.
            # The cache keeps the indexes' pages in memory while a million rows go in.
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql(f"PRAGMA cache_size=-{_LOAD_CACHE_KIB}")
            conn.commit()
        try:
            with conn.begin():
                yield conn
                # Last in the transaction: the loaded rows and the new version commit together,
                # and PostgreSQL's lock on the version row is held only for this final step.
                bump(conn)
            # Fresh planner statistics: PostgreSQL's autovacuum analyses a big new table only
            # later, and until then plans for an empty one (Open311 output took 0.3-1.2 s instead
            # of 3 ms after a million-row load). SQLite plans from its indexes without this.
            if not sqlite:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        finally:
            if sqlite:
                # Pooled connections are reused by the app: put back what store.db (and SQLite) set.
                conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
                conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_size)}")
                conn.commit()


@contextmanager
def deferred_indexes(conn: Connection, table: Table) -> Iterator[None]:
    """Drop `table`'s secondary indexes for a bulk load and recreate them, as they were, after it."""
    # Building an index once from sorted data is several times cheaper than updating it a
    # million times; the definitions come from the database itself, so nothing is lost.
    if conn.dialect.name == "sqlite":
        found = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
            ),
            {"t": table.name},
        ).all()
    elif conn.dialect.name == "postgresql":
        # Indexes that back a constraint (primary key, unique) stay: they guard the load.
        found = conn.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = :t AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(:t))"
            ),
            {"t": table.name},
        ).all()
    else:
        found = []
    prep = conn.dialect.identifier_preparer
    for name, _ddl in found:
        conn.exec_driver_sql(f"DROP INDEX {prep.quote(name)}")
    yield
    for _name, ddl in found:
        conn.exec_driver_sql(ddl)


@contextmanager
def deferred_foreign_keys(conn: Connection, table: Table) -> Iterator[None]:
    """On PostgreSQL, drop `table`'s foreign keys for a bulk load and add them back (checked) after it."""
    # Row-by-row foreign-key triggers double the time of a million-row COPY; adding the
    # constraint afterwards checks every row in one join. SQLite cannot switch its checks off
    # inside a transaction, and they cost it little: nothing to do there.
    if conn.dialect.name != "postgresql":
        yield
        return
    found = conn.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = to_regclass(:t)"
        ),
        {"t": table.name},
    ).all()
    prep = conn.dialect.identifier_preparer
    target = prep.format_table(table)
    for name, _definition in found:
        conn.exec_driver_sql(f"ALTER TABLE {target} DROP CONSTRAINT {prep.quote(name)}")
    yield
    for name, definition in found:
        conn.exec_driver_sql(f"ALTER TABLE {target} ADD CONSTRAINT {prep.quote(name)} {definition}")


def count_rows(conn: Connection, table: Table) -> int:
    """Number of rows in `table`."""
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def max_id(conn: Connection, table: Table) -> int:
    """Largest `id` in `table`, 0 when it is empty."""
    return conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()


def reference_ids(conn: Connection) -> tuple[dict[str, int], dict[str, int]]:
    """Category ids and agency ids, each keyed by code."""
    categories = dict(conn.execute(select(Category.code, Category.id)).all())
    agencies = dict(conn.execute(select(Agency.code, Agency.id)).all())
    return categories, agencies


def sync_id_sequence(conn: Connection, table: Table) -> None:
    """After rows were inserted with explicit ids, make PostgreSQL hand out ids above them."""
    if conn.dialect.name != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY continues from max(rowid) by itself
    top = func.max(table.c.id)
    conn.execute(
        select(
            func.setval(
                func.pg_get_serial_sequence(table.name, "id"),
                func.coalesce(top, 1),
                # is_called=false on an empty table, so the next id is 1 and not 2.
                top.isnot(None),
            )
        )
    )


def insert_rows(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], chunk: int = DEFAULT_CHUNK
) -> int:
    """INSERT rows (mappings with the same keys) in chunks; returns how many were written."""
    if not rows:
        return 0
    return insert_columns(conn, table, {k: [row[k] for row in rows] for k in rows[0]}, chunk)


def insert_columns(
    conn: Connection, table: Table, columns: Mapping[str, Column], chunk: int = DEFAULT_CHUNK
) -> int:
    """INSERT rows given column by column, in chunks; returns how many were written.

    Each column is a list (values as the models take them: aware datetimes, dates, ...) or a
    numpy array: datetime64 arrays are UTC (numpy has no time zones) with NaT for NULL, NaN in
    float arrays is NULL.
    """
    names = list(columns)
    sizes = {len(values) for values in columns.values()}
    if len(sizes) != 1:
        raise ValueError(f"columns of different lengths: {sorted(sizes)}")
    n = sizes.pop()
    load = _fast_loader(conn, table, names) or _core_loader(conn, table, names)
    for start in range(0, n, chunk):
        load([columns[name][start : start + chunk] for name in names])
    return n


# ------------------------------------------------------------------------- converters ----


def utc_text(value: datetime | None) -> str | None:
    """An aware datetime as the naive-UTC text UTCDateTime stores on SQLite; naive ones are refused."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given; pass an aware (UTC) datetime")
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _memo(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    # Derived columns (deadlines, days) repeat a few hundred values over a million rows.
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        out = seen.get(value)
        if out is None and value is not None:
            out = seen[value] = fn(value)
        return out

    return convert


@cache
def _time_of_day_text() -> np.ndarray:
    """' HH:MM:SS.000000' for each second of a day (built on first use)."""
    iso = np.datetime_as_string(np.arange(86_400).astype("datetime64[s]"), unit="us")
    return np.array([" " + stamp[11:] for stamp in iso.tolist()])


def _datetime64_text(values: np.ndarray, unit: str) -> list[str | None]:
    missing = np.isnat(values)
    if unit == "D":
        iso = np.datetime_as_string(values, unit="D")
    else:
        micros = values.astype(np.int64)
        seconds = micros // 1_000_000
        days = seconds // 86_400
        first, last = (int(days[~missing].min()), int(days[~missing].max())) if (~missing).any() else (0, 0)
        if (micros[~missing] % 1_000_000).any() or last - first > 200_000:
            iso = np.datetime_as_string(values, unit="us")
            # ISO 'T' to the ' ' SQLAlchemy writes, in place on the UCS-4 code points.
            iso.view(np.uint32).reshape(iso.size, -1)[:, 10] = ord(" ")
        else:
            # Whole seconds (the common case in bulk loads): a day's text plus a second's text
            # from lookup tables, three times faster than formatting each value.
            day_text = np.datetime_as_string(np.arange(first, last + 1).astype("datetime64[D]"))
            offset = np.where(missing, 0, days - first)
            iso = np.strings.add(
                day_text[offset], _time_of_day_text()[np.where(missing, 0, seconds - days * 86_400)]
            )
    out = iso.astype(object)
    out[missing] = None
    return out.tolist()


def _array_values(values: np.ndarray, col_type: Any) -> list[Any]:
    if values.dtype.kind == "M":
        if isinstance(col_type, UTCDateTime):
            return _datetime64_text(values.astype("datetime64[us]"), "us")
        if isinstance(col_type, Date):
            return _datetime64_text(values.astype("datetime64[D]"), "D")
        raise TypeError(f"datetime64 values for a {col_type!r} column")
    if values.dtype.kind == "f":
        out = values.astype(object)
        out[np.isnan(values)] = None
        return out.tolist()
    return values.tolist()


def _supported(col_type: Any) -> bool:
    return isinstance(col_type, (UTCDateTime, Date, *_PLAIN_TYPES))


def _list_converter(col_type: Any, dialect_name: str) -> Callable | None:
    if isinstance(col_type, UTCDateTime):
        return _memo(utc_text) if dialect_name == "sqlite" else utc_text
    if isinstance(col_type, Date) and dialect_name == "sqlite":
        return _memo(_date_text)
    return None


def _check(
    conn: Connection, table: Table, names: list[str], chunk: list[list[Any]], raw: list[Column]
) -> None:
    # The stored text must be what SQLAlchemy writes, or range filters on SQLite (text
    # comparison) would silently miss rows: compare one value per column per load.
    dialect = conn.dialect
    for name, values, original in zip(names, chunk, raw, strict=True):
        col_type = table.c[name].type
        if not isinstance(col_type, (UTCDateTime, Date)):
            continue
        proc = col_type.dialect_impl(dialect).bind_processor(dialect)
        for ours, source in zip(values, original, strict=True):
            if ours is None:
                continue
            if isinstance(source, np.datetime64):
                source = _python_values(np.array([source]), col_type)[0]
            theirs = proc(source) if proc else source
            if dialect.name != "sqlite" and isinstance(theirs, datetime):
                ours = datetime.fromisoformat(ours)
            if str(ours) != str(theirs):
                raise RuntimeError(
                    f"{name}: fast insert would store {ours!r} where SQLAlchemy stores {theirs!r}"
                )
            break


def _fast_loader(conn: Connection, table: Table, names: list[str]) -> Callable | None:
    dialect = conn.dialect
    if len(names) < 2 or not all(_supported(table.c[name].type) for name in names):
        return None
    if any(col.default is not None for col in table.columns if col.name not in names):
        return None  # a Python-side default for a column left out: only Core applies those
    if dialect.name == "sqlite":
        compiled = insert(table).compile(dialect=dialect, column_keys=names)
        position = [names.index(name) for name in compiled.positiontup]
        sql = str(compiled)
        head, _, one_row = sql.partition(" VALUES ")
        # Many rows per statement: one step/reset round and one Python call for dozens of rows
        # halved the CPU per row here. 999 is the smallest variable limit SQLite builds use.
        per = max(1, min(_SQLITE_MAX_VARIABLES // len(names), 100))
        sql_many = f"{head} VALUES {', '.join([one_row] * per)}"
    elif dialect.name == "postgresql" and dialect.driver == "psycopg":
        position = list(range(len(names)))
        prep = dialect.identifier_preparer
        sql = f"COPY {prep.format_table(table)} ({', '.join(prep.quote(n) for n in names)}) FROM STDIN"
    else:
        return None
    convert = [_list_converter(table.c[name].type, dialect.name) for name in names]
    checked = False

    def load(raw: list[Column]) -> None:
        nonlocal checked
        cols = []
        for name, values, fn in zip(names, raw, convert, strict=True):
            if isinstance(values, np.ndarray):
                cols.append(_array_values(values, table.c[name].type))
            else:
                cols.append(list(map(fn, values)) if fn else values)
        if not checked:
            _check(conn, table, names, cols, raw)
            checked = True
        rows = zip(*(cols[j] for j in position), strict=True)
        if dialect.name == "sqlite":
            flat = tuple(chain.from_iterable(rows))  # slices of a tuple are the tuples SQLAlchemy wants
            step = per * len(names)
            whole = len(flat) // step * step
            if whole:
                conn.exec_driver_sql(sql_many, [flat[i : i + step] for i in range(0, whole, step)])
            if whole < len(flat):
                width = len(names)
                conn.exec_driver_sql(sql, [flat[i : i + width] for i in range(whole, len(flat), width)])
            return
        with conn.connection.driver_connection.cursor() as cur, cur.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    return load


def _python_values(values: Column, col_type: Any) -> list[Any]:
    """Values as the models take them (aware datetimes, dates, None for NULL)."""
    if not isinstance(values, np.ndarray):
        return list(values)
    if values.dtype.kind == "M" and isinstance(col_type, Date):
        return values.astype("datetime64[D]").astype(object).tolist()  # NaT -> None
    if values.dtype.kind == "M":
        as_dt = values.astype("datetime64[us]").astype(object).tolist()
        return [None if v is None else v.replace(tzinfo=UTC) for v in as_dt]
    return _array_values(values, col_type)


def _core_loader(conn: Connection, table: Table, names: list[str]) -> Callable:
    types = [table.c[name].type for name in names]

    def load(raw: list[Column]) -> None:
        cols = [_python_values(values, col_type) for values, col_type in zip(raw, types, strict=True)]
        conn.execute(insert(table), [dict(zip(names, row, strict=True)) for row in zip(*cols, strict=True)])

    return load
