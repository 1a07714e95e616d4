"""Read side of the Open311 GeoReport v2 output: public-safe service requests, newest first.

Privacy is decided here, in SQL, so that nothing unsafe ever reaches Python in the web process:
- Rahasia (confidential) complaints are never selected (`NOT confidential`: a NULL flag is
  treated as confidential too).
- Anonim complaints' coordinates are replaced in the SELECT by their kelurahan centroid, or
  the kecamatan centroid without a kelurahan; the exact point never leaves the database. A
  NULL anonymous flag is treated as anonymous.
- No reporter column (reporter_hash), no title, no tracking id is selected. The description is
  selected only when the caller asks for it (`with_text`), and the caller scrubs it again.

Every query is bounded by LIMIT and reaches rows through an index: the date window through
ix_complaint_day_kec (created_day, which is derived from created_at on write), ids through the
primary key. The exact created_at bounds are applied on top of the day range.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, case, func, not_, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from store.calendar import wib_day
from store.models import Agency, Category, Complaint, Kecamatan, Kelurahan
from store.vocab import UNKNOWN_CODE

C = Complaint
MAX_RESULTS = 1000
# Ids are the complaint table's primary key (BIGINT on PostgreSQL): anything longer is not one.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class RequestQuery:
    """A validated requests.json query: either ids, or a window with optional filters."""

    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()  # our status codes; empty = any
    service_codes: tuple[str, ...] = ()  # category codes; empty = any
    ids: tuple[int, ...] = field(default_factory=tuple)


def services(engine: Engine) -> list[dict[str, Any]]:
    """Every category with its default agency's names, ordered by category name."""
    agency = aliased(Agency)
    stmt = (
        select(Category.code, Category.name_id, Category.name_en, agency.name, agency.short_name)
        .outerjoin(agency, agency.code == Category.default_agency_code)
        .order_by(Category.name_id)
    )
    with engine.connect() as conn:
        return [
            {"code": code, "name_id": name_id, "name_en": name_en, "agency": ag_name, "agency_short": short}
            for code, name_id, name_en, ag_name, short in conn.execute(stmt)
        ]


def category_codes(engine: Engine) -> frozenset[str]:
    """The category codes known to the database (the valid service_code values)."""
    with engine.connect() as conn:
        return frozenset(conn.execute(select(Category.code)).scalars())


def _public_select(with_text: bool):
    kel, kec = aliased(Kelurahan), aliased(Kecamatan)
    # Anything but an explicit "not anonymous" gets the coarse point: fail closed.
    exact = C.anonymous == False  # noqa: E712  (SQL comparison, not Python truthiness)
    lat = case((exact, C.lat), else_=func.coalesce(kel.lat, kec.lat))
    lon = case((exact, C.lon), else_=func.coalesce(kel.lon, kec.lon))
    columns = [
        C.id,
        C.status,
        C.outcome,
        C.report_type,
        Category.code.label("category_code"),
        Category.name_id.label("category_name"),
        Agency.name.label("agency_name"),
        C.created_at,
        C.updated_at,
        C.closed_at,
        C.response_due_at,
        kel.name.label("kelurahan"),
        kec.common_name.label("kecamatan"),
        lat.label("lat"),
        lon.label("lon"),
    ]
    if with_text:
        columns.append(C.description)
    return (
        select(*columns)
        .select_from(C)
        .outerjoin(Category, Category.id == C.category_id)
        .outerjoin(Agency, Agency.id == C.agency_id)
        .outerjoin(kel, kel.code == C.kelurahan_code)
        .outerjoin(kec, kec.code == C.kecamatan_code)
        .where(not_(C.confidential))
    )


def _rows(engine: Engine, stmt) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(stmt).mappings()]


def find_requests(
    engine: Engine, q: RequestQuery, *, limit: int = MAX_RESULTS, with_text: bool = False
) -> list[dict[str, Any]]:
    """Public-safe requests matching `q`, newest first, at most `limit` (ids override the window)."""
    if not 0 < limit <= MAX_RESULTS:
        raise ValueError(f"limit must be 1..{MAX_RESULTS}")
    stmt = _public_select(with_text)
    if q.ids:
        stmt = stmt.where(C.id.in_(sorted(set(q.ids)))).order_by(C.created_at.desc(), C.id.desc())
    else:
        if q.start is None or q.end is None:
            raise ValueError("a request query needs ids or both start and end")
        stmt = stmt.where(
            C.created_day.between(wib_day(q.start), wib_day(q.end)),
            C.created_at.between(q.start, q.end),
        )
        sqlite = engine.dialect.name == "sqlite"
        if q.statuses:
            stmt = stmt.where(_unindexed(C.status, sqlite).in_(q.statuses))
        if q.service_codes:
            stmt = stmt.where(_category_condition(_unindexed(C.category_id, sqlite), q.service_codes))
        # created_day is the WIB day of created_at, so this is created_at order, led by the index.
        stmt = stmt.order_by(C.created_day.desc(), C.created_at.desc(), C.id.desc())
    return _rows(engine, stmt.limit(limit))


def _unindexed(column, sqlite: bool):
    """`column`, on SQLite with a unary "+" that keeps the planner off the column's own index.

    Walking the day index newest first lets the LIMIT stop the read after ~1,000 rows. Without
    statistics SQLite prefers an equality on ix_complaint_status or ix_complaint_category_id and
    then reads every open (or closed) complaint ever made and sorts them: 0.4-1.1 s instead of
    ~20 ms on 500,000 complaints. PostgreSQL chooses by its statistics and is left alone.
    """
    if not sqlite:
        return column
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _category_condition(column, codes: Collection[str]):
    ids = select(Category.id).where(Category.code.in_(sorted(codes))).scalar_subquery()
    cond = column.in_(ids)
    # A complaint without a category is published as the "unknown" service: it must filter as one.
    return or_(cond, column.is_(None)) if UNKNOWN_CODE in codes else cond


def get_request(engine: Engine, request_id: int, *, with_text: bool = False) -> dict[str, Any] | None:
    """One public-safe request by id; None when missing or confidential (indistinguishably)."""
    if not 0 < request_id <= MAX_ID:
        return None
    rows = _rows(engine, _public_select(with_text).where(C.id == request_id).limit(1))
    return rows[0] if rows else None
