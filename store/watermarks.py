"""Sync watermarks: how far each source's sync has committed (sync_state), never moved back.

The watermark advances only past what was committed (store.ingest.write_batch runs first, in
its own transaction), so a sync stopped mid-page reads that page again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, delete, select

from store.db import dialect_insert
from store.models_ingest import SyncState


def get_watermark(engine: Engine, source: str) -> datetime | None:
    """How far the sync of `source` has committed, or None before its first sync."""
    with engine.connect() as conn:
        return conn.execute(select(SyncState.watermark).where(SyncState.source == source)).scalar()


def advance_watermark(engine: Engine, source: str, value: datetime) -> None:
    """Move the watermark of `source` to `value` if that is later than the stored one (never back)."""
    if value.tzinfo is None:
        raise ValueError("advance_watermark: value must be timezone-aware")
    table = SyncState.__table__
    with engine.begin() as conn:
        stmt = dialect_insert(conn, table).values(
            source=source, watermark=value, updated_at=datetime.now(UTC)
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["source"],
                set_={"watermark": stmt.excluded.watermark, "updated_at": stmt.excluded.updated_at},
                where=table.c.watermark.is_(None) | (stmt.excluded.watermark > table.c.watermark),
            )
        )


def reset_watermark(engine: Engine, source: str) -> None:
    """Forget the watermark of `source`: its next sync reads everything again (idempotently)."""
    with engine.begin() as conn:
        conn.execute(delete(SyncState).where(SyncState.source == source))
