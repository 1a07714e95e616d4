"""SQLAlchemy 2 typed models. Schema changes go through Alembic (store/migrations)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from store.types import UTCDateTime
from store.vocab import CHANNELS, OUTCOMES, REPORT_TYPES, STATUSES

# SQLite autoincrements only INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for a million+ rows.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    pass


class Kecamatan(Base):
    __tablename__ = "kecamatan"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # 16.71.xx
    name: Mapped[str] = mapped_column(String(64))  # Kepmendagri 2025
    common_name: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float] = mapped_column(Float)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)


class Kelurahan(Base):
    __tablename__ = "kelurahan"
    code: Mapped[str] = mapped_column(String(13), primary_key=True)  # 16.71.xx.xxxx
    kecamatan_code: Mapped[str] = mapped_column(ForeignKey("kecamatan.code"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class Agency(Base):
    """An OPD (organisasi perangkat daerah) that complaints are forwarded to."""

    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    short_name: Mapped[str] = mapped_column(String(48))


class Category(Base):
    __tablename__ = "category"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_id: Mapped[str] = mapped_column(String(96))
    name_en: Mapped[str] = mapped_column(String(96))
    default_agency_code: Mapped[str | None] = mapped_column(String(32))


class Complaint(Base):
    __tablename__ = "complaint"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_complaint_source_external"),
        CheckConstraint(_in("report_type", REPORT_TYPES), name="ck_complaint_report_type"),
        CheckConstraint(_in("channel", CHANNELS), name="ck_complaint_channel"),
        CheckConstraint(_in("status", STATUSES), name="ck_complaint_status"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="ck_complaint_outcome"),
        Index("ix_complaint_day_kec", "created_day", "kecamatan_code"),
        Index("ix_complaint_open", "closed_at", "status"),
        Index("ix_complaint_rev", "rev"),
        # The as-of time of every page (store.queries.as_of: max(updated_at)).
        Index("ix_complaint_updated_at", "updated_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    tracking_id: Mapped[str | None] = mapped_column(String(32))
    report_type: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    kecamatan_code: Mapped[str | None] = mapped_column(ForeignKey("kecamatan.code"))
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    channel: Mapped[str] = mapped_column(String(16))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # Salted hash of the reporter's identity at most (repeat-reporter counts); never clear text.
    reporter_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Derived on write (store.derive) so that both back ends group and compare with plain SQL.
    # Indexed by ix_complaint_day_kec, which starts with it: a second index only slows writes.
    created_day: Mapped[date] = mapped_column(Date)  # calendar day in WIB
    hours_to_resolve: Mapped[float | None] = mapped_column(Float)
    forward_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The data version (store.data_version) this row was last written under: statistics readers
    # holding version v read only rows with rev > v (store/stats_columns.py). 0 = bulk-loaded.
    rev: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class ComplaintEvent(Base):
    __tablename__ = "complaint_event"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Indexed by uq_complaint_event_change (complaint_id, to_status, at), see models_ingest.
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(200))


class RejectedRecord(Base):
    """An incoming record that failed validation, kept with its reason (quarantine)."""

    __tablename__ = "rejected_record"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32), index=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    field: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(Text)  # scrubbed of identity before storage
    job_run_id: Mapped[int | None] = mapped_column(ForeignKey("job_run.id"))


class Camera(Base):
    __tablename__ = "camera"
    __table_args__ = (
        CheckConstraint("kind IN ('rtsp', 'hls', 'mjpeg', 'jpeg')", name="ck_camera_kind"),
        CheckConstraint("scope IN ('publik', 'internal')", name="ck_camera_scope"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kecamatan_code: Mapped[str | None] = mapped_column(ForeignKey("kecamatan.code"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(8))
    url: Mapped[str] = mapped_column(String(500))
    scope: Mapped[str] = mapped_column(String(8))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    headers: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(300))
    external_id: Mapped[str | None] = mapped_column(String(64))  # a portal's cctv_id (migration 0003)
    registry_source: Mapped[str | None] = mapped_column(String(200))  # file or portal it came from
    # Fields an admin set on the admin page ("enabled,url"): a registry import keeps them (0006).
    admin_fields: Mapped[str | None] = mapped_column(String(64))


class JobRun(Base):
    __tablename__ = "job_run"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'ok', 'failed')", name="ck_job_run_status"),
        Index("ix_job_run_job_started", "job_id", "started_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(8))
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSON)


from store import (  # noqa: E402, F401  (register their tables)
    data_version,
    models_auth,
    models_cameras,
    models_ingest,
    models_reports,
)
