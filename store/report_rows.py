"""Complaint rows for report exports, streamed in chunks; never the reporter's identity.

The export columns are listed here, explicitly: a new column in `complaint` (e.g. another
reporter field) never reaches a file unless someone adds it to EXPORT_COLUMNS. Rows come from a
server-side cursor (PostgreSQL named cursor via stream_results) in `yield_per` chunks, so a
million-row export holds one chunk in memory, not the result.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from store.filters import Filter, condition
from store.models import Agency, Category, Complaint, Kecamatan, Kelurahan
from store.queries import _beyond_sla_at, backlog_moment

C = Complaint
CHUNK_ROWS = 5000

# (column name in files, SQL expression). No reporter_hash, anonymous flag or description
# (free text that may quote a reporter); "confidential" is added only for staff exports.
EXPORT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("tracking_id", C.tracking_id),
    ("source", C.source),
    ("external_id", C.external_id),
    ("created_at", C.created_at),
    ("created_day", C.created_day),
    ("report_type", C.report_type),
    ("title", C.title),
    ("category", Category.name_id),
    ("agency", Agency.short_name),
    ("kecamatan", Kecamatan.common_name),
    ("kelurahan", Kelurahan.name),
    ("channel", C.channel),
    ("status", C.status),
    ("outcome", C.outcome),
    ("forwarded_at", C.forwarded_at),
    ("first_response_at", C.first_response_at),
    ("response_due_at", C.response_due_at),
    ("resolved_at", C.resolved_at),
    ("closed_at", C.closed_at),
    ("hours_to_resolve", C.hours_to_resolve),
)
FORBIDDEN_COLUMNS = frozenset({"reporter_hash", "anonymous", "description"})


def export_columns(staff: bool) -> list[str]:
    """Column names of exported complaint rows; staff exports add the Rahasia flag."""
    return [name for name, _ in EXPORT_COLUMNS] + (["confidential"] if staff else [])


def _select(f: Filter, staff: bool):
    cols = [expr.label(name) for name, expr in EXPORT_COLUMNS]
    if staff:
        cols.append(C.confidential.label("confidential"))
    stmt = (
        select(*cols)
        .outerjoin(Category, Category.id == C.category_id)
        .outerjoin(Agency, Agency.id == C.agency_id)
        .outerjoin(Kecamatan, Kecamatan.code == C.kecamatan_code)
        .outerjoin(Kelurahan, Kelurahan.code == C.kelurahan_code)
        .where(condition(f))
    )
    # Confidential (Rahasia) complaints are never in an export for anyone but staff.
    return stmt if staff else stmt.where(C.confidential.is_(False))


def count_rows(engine: Engine, f: Filter, staff: bool) -> int:
    """How many complaint rows an export of `f` holds."""
    stmt = select(func.count()).select_from(C).where(condition(f))
    if not staff:
        stmt = stmt.where(C.confidential.is_(False))
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def iter_row_chunks(
    engine: Engine, f: Filter, staff: bool, chunk_rows: int = CHUNK_ROWS
) -> Iterator[list[tuple]]:
    """The export rows of `f` in chunks of at most `chunk_rows` tuples (order: complaint id)."""
    stmt = _select(f, staff).order_by(C.id)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(stmt)
        for part in result.partitions(chunk_rows):
            yield [tuple(r) for r in part]


def open_beyond_sla(
    engine: Engine, f: Filter, limit: int = 25, now: datetime | None = None, lang: str = "id"
) -> list[dict[str, Any]]:
    """The oldest open complaints past their follow-up deadline (the kpis' open_beyond_sla set)."""
    at = backlog_moment(f, now)
    category = Category.name_en if lang == "en" else Category.name_id
    stmt = (
        select(
            C.tracking_id,
            C.external_id,
            C.title,
            C.created_at,
            C.response_due_at,
            C.confidential,
            category.label("category"),
            Agency.short_name.label("agency"),
            Kecamatan.common_name.label("kecamatan"),
        )
        .outerjoin(Category, Category.id == C.category_id)
        .outerjoin(Agency, Agency.id == C.agency_id)
        .outerjoin(Kecamatan, Kecamatan.code == C.kecamatan_code)
        .where(condition(f, with_dates=False), C.created_at <= at, _beyond_sla_at(at))
        .order_by(C.response_due_at, C.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
