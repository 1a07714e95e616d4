"""The data version: a token that changes whenever the complaint data changes (cache keys use it).

Writers call `bump(conn)` inside the transaction that writes complaints, as its last statement:
the new version becomes visible exactly when the rows do, and a rolled-back batch bumps nothing.
Ingest also stamps the rows it writes with that version (complaint.rev): it calls `reserve`
first, which holds the version row for the whole transaction, so stamping writers serialize.
Bulk loads only insert and bump at the end (readers find their rows by id).

`current(engine)` never trusts the counter alone. It adds a fingerprint read from primary keys
and a tiny table (newest complaint id, newest status event id, newest feed watermark), so a
writer that does not bump yet (a bulk load, a new job) still changes the token whenever it adds
complaints, moves one to another status or advances a sync. An edit that does none of these and
does not bump shows once the cache entry expires (CACHE_TIMEOUT_S).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import BigInteger, Connection, Engine, String, func, literal, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from store.db import dialect_insert
from store.models import Base, Complaint, ComplaintEvent
from store.models_ingest import SyncState
from store.types import UTCDateTime

COMPLAINTS = "complaints"


class DataVersion(Base):
    """One counter per data domain, bumped by the writers of that domain (migration 0007)."""

    __tablename__ = "data_version"
    domain: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


def bump(conn: Connection, domain: str = COMPLAINTS, now: datetime | None = None) -> None:
    """Advance `domain`'s version inside the caller's transaction (call it after the writes)."""
    stmt = dialect_insert(conn, DataVersion.__table__).values(
        domain=domain, version=1, changed_at=now or datetime.now(UTC)
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["domain"],
            set_={"version": DataVersion.version + 1, "changed_at": stmt.excluded.changed_at},
        )
    )


def reserve(conn: Connection, domain: str = COMPLAINTS, now: datetime | None = None) -> int:
    """Take `domain`'s write lock for the caller's transaction; returns the version it will commit as.

    The first statement of a writer that stamps rows (complaint.rev): it writes the version row,
    so SQLite takes its write lock and PostgreSQL locks the row until commit. No other stamping
    writer can commit in between, so after `bump` the committed version equals the returned
    value and every row stamped with it is visible together with it. Nothing changes if the
    writer ends up writing nothing (it then does not bump).
    """
    ensure = dialect_insert(conn, DataVersion.__table__).values(
        domain=domain, version=0, changed_at=now or datetime.now(UTC)
    )
    conn.execute(ensure.on_conflict_do_nothing(index_elements=["domain"]))
    held = conn.execute(
        update(DataVersion)
        .where(DataVersion.domain == domain)
        .values(version=DataVersion.version)
        .returning(DataVersion.version)
    ).scalar_one()
    return int(held) + 1


def _fingerprint_columns() -> list:
    # Each is answered from an index (primary keys) or a table of a few rows: no scan at any size.
    return [
        select(func.max(Complaint.id)).scalar_subquery(),
        select(func.max(ComplaintEvent.id)).scalar_subquery(),
        select(func.max(SyncState.updated_at)).scalar_subquery(),
    ]


def current(engine: Engine, domain: str = COMPLAINTS) -> str:
    """A token equal for equal data: the bumped counter plus the fingerprint (see the module doc)."""
    counter = select(DataVersion.version).where(DataVersion.domain == domain).scalar_subquery()
    with engine.connect() as conn:
        try:
            row = conn.execute(select(counter, *_fingerprint_columns())).one()
        except DBAPIError:
            # A database not yet at migration 0007 has no counter: the fingerprint still works.
            conn.rollback()
            row = conn.execute(select(literal(None), *_fingerprint_columns())).one()
    version, complaint_id, event_id, synced = row
    synced_text = synced.isoformat() if isinstance(synced, datetime) else synced
    return f"{version or 0}.{complaint_id or 0}.{event_id or 0}.{synced_text or '-'}"


def _engine_id(engine: Engine) -> str:
    # Two databases may share one Redis (staging beside production, test schemas).
    url = engine.url.render_as_string(hide_password=True)
    return hashlib.sha256(url.encode()).hexdigest()[:12]


def for_request(engine: Engine) -> str:
    """`current(engine)`, read once per web request: every figure of a page shares one read."""
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover - Flask is always installed with Dash
        return current(engine)
    if not has_request_context():
        return current(engine)
    memo = g.setdefault("lawangjabo_data_versions", {})
    key = _engine_id(engine)
    if key not in memo:
        memo[key] = current(engine)
    return memo[key]
