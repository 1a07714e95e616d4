"""The data version: a token that changes whenever the complaint data changes (cache keys use it).

Writers call `bump(conn)` inside the transaction that writes complaints, as its last statement:
the new version becomes visible exactly when the rows do, and a rolled-back batch bumps nothing.
On PostgreSQL the bump holds the version row until commit, so two writers serialize only on
their final statement.

`current(engine)` never trusts the counter alone. It adds a fingerprint read from primary keys
and a tiny table (newest complaint id, newest status event id, newest feed watermark), so a
writer that does not bump yet (a bulk load, a new job) still changes the token whenever it adds
complaints, moves one to another status or advances a sync. An edit that does none of these and
does not bump shows once the cache entry expires (CACHE_TIMEOUT_S).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Connection, Engine, String, func, literal, select
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
