"""Tables of the ingestion side (migration 0002): sync watermarks and the editable mapping tables.

Imported at the end of store.models so that Base.metadata (Alembic, tests) sees them. Also adds
two things to tables defined there: the unique index that makes status events idempotent, and
the quarantine's record key (one row per rejected record, updated on re-delivery).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base, ComplaintEvent, RejectedRecord
from store.types import UTCDateTime


class SyncState(Base):
    """Per source, how far the incremental sync has committed (only ever moves forward)."""

    __tablename__ = "sync_state"
    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CategoryAlias(Base):
    """Another name for a category ("Jalan Berlubang" -> jalan_rusak); matched ignoring case and spaces."""

    __tablename__ = "category_alias"
    alias: Mapped[str] = mapped_column(String(160), primary_key=True)
    # No foreign key: the category rows are upserted after the migrations run (store.migrate).
    category_code: Mapped[str] = mapped_column(String(32), index=True)


class AgencyAlias(Base):
    """Another name for an agency ("Dinas PU" -> pupr); matched ignoring case and spaces."""

    __tablename__ = "agency_alias"
    alias: Mapped[str] = mapped_column(String(160), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(32), index=True)


# A status change is stored once however often the feed re-delivers it.
Index(
    "uq_complaint_event_change",
    ComplaintEvent.complaint_id,
    ComplaintEvent.to_status,
    ComplaintEvent.at,
    unique=True,
)

# The quarantine keeps one row per rejected record: its external id, or for a record without one
# a hash of its content. Nullable so that rows written without a key (older code) stay valid.
RejectedRecord.record_key = mapped_column(String(96), nullable=True)
Index("uq_rejected_record_key", RejectedRecord.source, RejectedRecord.record_key, unique=True)
