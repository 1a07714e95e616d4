"""Write side of ingestion: complaint upserts with their status events, and write_batch, which
commits a page's records and its quarantined rejections (store/quarantine.py) together.

Everything here is idempotent and conditional, so a re-delivered page, a second runner or a
re-imported file changes nothing:
- complaints are upserted by (source, external_id), applied only when the incoming updated_at
  is newer: per chunk of 1,000, one read of the stored versions, then executemany of INSERT
  ... ON CONFLICT DO NOTHING for new keys and of an UPDATE (SQLite; the upsert on PostgreSQL)
  for older stored versions, and the INSERT ... ON CONFLICT DO UPDATE for any row another
  writer changed in between;
- status events are inserted with ON CONFLICT DO NOTHING on (complaint_id, to_status, at);
- the quarantine keeps one row per rejected record (its external id, else a content hash),
  updated with the latest reason; a record later accepted leaves the quarantine;
- a watermark only moves forward (store/watermarks.py).
Counts (inserted / updated / unchanged) are exact on SQLite and PostgreSQL: a second read tells
which rows now hold what was sent; a key stored at the first read was updated, the others were
inserted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any

from sqlalchemy import Connection, Engine, delete, exists, select

from data_sources.checks import STATUS_TIME as _STATUS_TIME
from data_sources.records import ComplaintRecord, Rejection
from data_sources.validate import NormalizeContext
from store.bulk_upsert import RECORD_COLUMNS, UPSERT_COLUMNS, UpsertStatements
from store.calendar import WorkCalendar
from store.data_version import bump, reserve
from store.derive import derived_values
from store.models import Agency, Category, Complaint, Kecamatan, Kelurahan, RejectedRecord
from store.models_ingest import AgencyAlias, CategoryAlias
from store.quarantine import quarantine_records
from store.vocab import STATUSES, UNKNOWN_CODE

CHUNK = 1000  # records per round: one indexed read of their stored versions, one executemany
_ORDER = {s: i for i, s in enumerate(STATUSES)}
_NOTE_MAX = 200


@dataclass
class UpsertResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0  # status events newly written

    def add(self, other: UpsertResult) -> None:
        """Add `other`'s counts to these."""
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.events += other.events


@lru_cache(maxsize=8)
def calendar_for(cuti_bersama: tuple[date, ...]) -> WorkCalendar:
    """A (cached) working-day calendar with these extra cuti bersama days."""
    return WorkCalendar(cuti_bersama)


def _default_calendar() -> WorkCalendar:
    from config import get_settings

    return calendar_for(tuple(get_settings().cuti_bersama))


# ------------------------------------------------------------------------ upsert ----


def status_events(record: ComplaintRecord, stored_status: str | None) -> list[dict[str, Any]]:
    """The status changes of `record` as event rows (without complaint_id), oldest first.

    The source's history when it has one, else the changes its lifecycle timestamps show; plus
    the change from the stored status to the new one when the history does not end there.
    """
    return [
        {"at": at, "from_status": previous, "to_status": status, "note": note}
        for at, previous, status, note in _event_steps(record, stored_status)
    ]


def _event_steps(
    record: ComplaintRecord, stored_status: str | None
) -> list[tuple[datetime, str | None, str, str | None]]:
    # status_events as (at, from_status, to_status, note) tuples: the write path's form.
    history = record.history
    if history:
        steps = list(history)  # StatusChanges are (at, status, note) tuples
        for step in steps:
            if step[1] == "baru":
                break
        else:
            steps.insert(0, (record.created_at, "baru", None))
    else:
        steps = []
        for status in STATUSES:
            moment = getattr(record, _STATUS_TIME[status])
            # "ditutup" is its own step only when that is where the report ended.
            if moment is not None and (status != "ditutup" or record.status == "ditutup"):
                steps.append((moment, status, None))
    if record.status != stored_status and (not steps or steps[-1][1] != record.status):
        moment = getattr(record, _STATUS_TIME[record.status]) or record.updated_at
        steps.append((moment, record.status, None))
    steps.sort(key=_step_order)
    out: list[tuple[datetime, str | None, str, str | None]] = []
    seen: set[tuple[datetime, str]] = set()
    previous: str | None = None
    for at, status, note in steps:
        if (at, status) in seen:
            continue
        seen.add((at, status))
        if note and len(note) > _NOTE_MAX:
            note = note[: _NOTE_MAX - 1] + "…"
        out.append((at, previous, status, note))
        previous = status
    return out


def _step_order(step: tuple[datetime, str, str | None]) -> tuple[datetime, int]:
    return step[0], _ORDER[step[1]]


def _row(
    record: ComplaintRecord, category_ids: dict, agency_ids: dict, cal: WorkCalendar, rev: int = 0
) -> dict:
    """The complaint row of `record` as a dict of column values (see _values for the write path)."""
    return dict(zip(UPSERT_COLUMNS, _values(record, category_ids, agency_ids, cal, rev), strict=True))


# A record's own columns, read in one C call (the names are ComplaintRecord attributes).
_record_values = attrgetter(*RECORD_COLUMNS)


def _values(
    record: ComplaintRecord, category_ids: dict, agency_ids: dict, cal: WorkCalendar, rev: int
) -> list:
    # The row in UPSERT_COLUMNS order: the record's fields, the ids, the derived fields, the stamp.
    values = list(_record_values(record))
    values.append(category_ids.get(record.category_code, category_ids.get(UNKNOWN_CODE)))
    values.append(agency_ids.get(record.agency_code, agency_ids.get(UNKNOWN_CODE)))
    values.extend(
        derived_values(record.created_at, record.forwarded_at, record.resolved_at, record.outcome, cal)
    )
    values.append(rev)
    return values


def _latest(records: Iterable[ComplaintRecord]) -> tuple[dict[tuple[str, str], ComplaintRecord], int]:
    # One statement cannot touch a row twice (PostgreSQL refuses): the newest delivery wins.
    best: dict[tuple[str, str], ComplaintRecord] = {}
    n = 0
    for rec in records:
        n += 1
        key = (rec.source, rec.external_id)
        kept = best.get(key)
        if kept is None or rec.updated_at >= kept.updated_at:
            best[key] = rec
    return best, n - len(best)


def _code_ids(conn: Connection) -> tuple[dict[str, int], dict[str, int]]:
    categories = dict(conn.execute(select(Category.code, Category.id)).all())
    agencies = dict(conn.execute(select(Agency.code, Agency.id)).all())
    return categories, agencies


def upsert_records(
    conn: Connection,
    records: Sequence[ComplaintRecord],
    calendar: WorkCalendar | None = None,
    rev: int = 0,
) -> UpsertResult:
    """upsert_complaints inside the caller's transaction (see there).

    `rev` stamps the written rows (complaint.rev): the version from store.data_version.reserve,
    which the caller bumps to before committing; 0 leaves them for the readers' fingerprint.
    """
    cal = calendar or _default_calendar()
    best, duplicates = _latest(records)
    result = UpsertResult(unchanged=duplicates)
    if not best:
        return result
    if conn.dialect.name == "sqlite":
        # The default 2 MB page cache thrashes once complaint's eight indexes outgrow it; 64 MB
        # makes bulk upserts about twice as fast. Per connection, harmless for readers.
        conn.exec_driver_sql("PRAGMA cache_size=-65536")
    category_ids, agency_ids = _code_ids(conn)
    statements = UpsertStatements.for_connection(conn)
    by_source: dict[str, list[ComplaintRecord]] = {}
    for (source, _), rec in best.items():
        by_source.setdefault(source, []).append(rec)
    for source, recs in by_source.items():
        if len(source) > 32:
            raise ValueError(f"source name {source!r} is longer than 32 characters")
        for start in range(0, len(recs), CHUNK):
            chunk = recs[start : start + CHUNK]
            _upsert_chunk(conn, source, chunk, statements, cal, (category_ids, agency_ids, rev), result)
    return result


def _stored(
    conn: Connection, source: str, ids: list[str], statements: UpsertStatements | None = None
) -> dict[str, tuple[int, str, Any]]:
    """external_id -> (id, status, updated_at) of the stored rows among `ids`.

    updated_at comes in the driver's own form (SQLite: the stored text; PostgreSQL: a naive UTC
    datetime), to be compared with `stamp(record.updated_at)`: no result processing per row,
    and the comparison is the one the upsert's WHERE makes.
    """
    sql = statements.stored_sql if statements is not None else None
    if sql is None:
        rows = conn.execute(
            select(Complaint.external_id, Complaint.id, Complaint.status, Complaint.updated_at).where(
                Complaint.source == source, Complaint.external_id.in_(ids)
            )
        )
        return {ext: (cid, status, updated) for ext, cid, status, updated in rows}
    # The driver's own cursor, in the same transaction: its rows are plain tuples, read in C,
    # where a SQLAlchemy result makes a Row per fetchone call (a third of this read's time).
    cursor = conn.connection.cursor()
    try:
        if conn.dialect.name == "sqlite":
            cursor.execute(f"{sql}({','.join('?' * len(ids))})", (source, *ids))
        else:
            cursor.execute(sql, (source, ids))
        return {row[0]: row[1:] for row in cursor.fetchall()}
    finally:
        cursor.close()


def _upsert_chunk(conn, source, chunk, statements, cal, lookups, result) -> None:
    category_ids, agency_ids, rev = lookups
    before = _stored(conn, source, [r.external_id for r in chunk], statements)
    stamp = statements.upsert.converters["updated_at"] if statements.stored_sql else _same
    # Only what is new or newer is sent: a re-delivered page costs one indexed read.
    send: list[tuple[ComplaintRecord, Any]] = []
    fresh: list[list[Any]] = []
    newer: list[list[Any]] = []
    for rec in chunk:
        at = stamp(rec.updated_at)
        stored = before.get(rec.external_id)
        if stored is None:
            fresh.append(_values(rec, category_ids, agency_ids, cal, rev))
        elif at > stored[2]:
            newer.append(_values(rec, category_ids, agency_ids, cal, rev))
        else:
            continue
        send.append((rec, at))
    result.unchanged += len(chunk) - len(send)
    if not send:
        return
    statements.insert.execute_values(conn, fresh)
    statements.update.execute_values(conn, newer)
    # What the database holds now tells which rows were written (exact on both back ends, also
    # when another writer got in between the read above and the write).
    after = _stored(conn, source, [r.external_id for r, _ in send], statements)
    # A key another writer stored (or removed) after our read: the upsert decides, as it would
    # have for the whole chunk; a newer version stored meanwhile stays.
    raced = [r for r, at in send if _stamp(after, r) != at]
    if raced:
        again = [_values(r, category_ids, agency_ids, cal, rev) for r in raced]
        statements.upsert.execute_values(conn, again)
        after.update(_stored(conn, source, [r.external_id for r in raced], statements))
    events: list[list[Any]] = []
    written: list[str] = []
    for rec, at in send:
        now_stored = after.get(rec.external_id)
        if now_stored is None or now_stored[2] != at:
            result.unchanged += 1
            continue
        written.append(rec.external_id)
        previous = before.get(rec.external_id)
        if previous is None:
            result.inserted += 1
        else:
            result.updated += 1
        complaint_id = now_stored[0]
        for step in _event_steps(rec, previous[1] if previous else None):
            events.append([complaint_id, *step])
    result.events += statements.events.execute_values(conn, events)
    # A record accepted now no longer needs its quarantine entry (e.g. a fixed file row).
    if written and conn.execute(select(exists().where(RejectedRecord.source == source))).scalar():
        conn.execute(
            delete(RejectedRecord).where(
                RejectedRecord.source == source, RejectedRecord.record_key.in_(written)
            )
        )


def _stamp(stored: dict[str, tuple[int, str, Any]], record: ComplaintRecord) -> Any:
    row = stored.get(record.external_id)
    return None if row is None else row[2]


def _same(value: Any) -> Any:
    return value


def upsert_complaints(
    engine: Engine, records: Sequence[ComplaintRecord], calendar: WorkCalendar | None = None
) -> UpsertResult:
    """Upsert `records` by (source, external_id) in one transaction, with their status events.

    A stored complaint changes only when the incoming updated_at is newer. Returns exact
    inserted / updated / unchanged counts (a record delivered twice in `records` counts once
    as unchanged). `calendar` defaults to the working days with the CUTI_BERSAMA setting.
    """
    with engine.begin() as conn:
        rev = reserve(conn)
        result = upsert_records(conn, records, calendar, rev)
        if result.inserted or result.updated:
            bump(conn)
        return result


def write_batch(
    engine: Engine,
    records: Sequence[ComplaintRecord],
    rejections: Sequence[Rejection],
    job_run_id: int | None = None,
    calendar: WorkCalendar | None = None,
) -> tuple[UpsertResult, int]:
    """Upsert `records` and quarantine `rejections` in ONE transaction: the batch is in or out whole."""
    with engine.begin() as conn:
        # First: the batch's rows are stamped with the version it commits as (see reserve).
        rev = reserve(conn)
        result = upsert_records(conn, records, calendar, rev)
        quarantined = quarantine_records(conn, rejections, job_run_id)
        if result.inserted or result.updated:
            # Last in the transaction: the new figures and the new cache version commit together.
            bump(conn)
        return result, quarantined


# ------------------------------------------------------------- normalise context ----


def load_normalize_context(engine: Engine, *, salt: str | None = None, **options: Any) -> NormalizeContext:
    """The lookups validate() needs, read from the reference and mapping tables."""
    if salt is None:
        from config import get_settings

        salt = get_settings().reporter_hash_salt
    with engine.connect() as conn:
        kecamatan = [
            (code, [code, name, common, *(aliases or [])])
            for code, name, common, aliases in conn.execute(
                select(Kecamatan.code, Kecamatan.name, Kecamatan.common_name, Kecamatan.aliases)
            )
        ]
        kelurahan = [
            tuple(r)
            for r in conn.execute(
                select(Kelurahan.code, Kelurahan.kecamatan_code, Kelurahan.name, Kelurahan.lat, Kelurahan.lon)
            )
        ]
        categories = [
            (code, [code, a, b])
            for code, a, b in conn.execute(select(Category.code, Category.name_id, Category.name_en))
        ]
        agencies = [
            (code, [code, a, b])
            for code, a, b in conn.execute(select(Agency.code, Agency.name, Agency.short_name))
        ]
        category_aliases = [
            tuple(r) for r in conn.execute(select(CategoryAlias.alias, CategoryAlias.category_code))
        ]
        agency_aliases = [tuple(r) for r in conn.execute(select(AgencyAlias.alias, AgencyAlias.agency_code))]
    return NormalizeContext.build(
        kecamatan=kecamatan,
        kelurahan=kelurahan,
        categories=categories,
        agencies=agencies,
        category_aliases=sorted(category_aliases),
        agency_aliases=sorted(agency_aliases),
        salt=salt,
        **options,
    )
