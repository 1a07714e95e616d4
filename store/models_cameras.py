"""Tables of the camera side (migration 0003): capture state, snapshots, health checks, daily uptime.

Imported at the end of store.models so that Base.metadata (Alembic, tests) sees them. The camera
registry itself is `store.models.Camera`; 0003 adds its portal id and registry source.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base, BigId
from store.types import UTCDateTime

# online: a new, healthy frame this cycle; stale: no new frame for two intervals (set by the reader
# from last_success_at, and by the job when a camera was skipped); offline: the capture failed;
# frozen: frames identical to the previous ones; dark: too dark or covered.
CAMERA_STATUSES = ("online", "stale", "offline", "frozen", "dark", "unknown")
_STATUS_CHECK = "status IN ('online', 'stale', 'offline', 'frozen', 'dark', 'unknown')"


class CameraState(Base):
    """The latest known health of one camera: one row per camera, updated every cycle."""

    __tablename__ = "camera_state"
    __table_args__ = (CheckConstraint(_STATUS_CHECK, name="ck_camera_state_status"),)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(8), default="unknown")
    reason: Mapped[str | None] = mapped_column(String(200))  # failure reason: refused, timeout, stalled, ...
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last frame received
    status_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # backoff after failures
    last_snapshot_id: Mapped[int | None] = mapped_column(BigId)
    brightness: Mapped[float | None] = mapped_column(Float)
    sharpness: Mapped[float | None] = mapped_column(Float)
    difference: Mapped[float | None] = mapped_column(Float)
    identical_count: Mapped[int] = mapped_column(Integer, default=0)  # consecutive identical frames
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)  # small grey thumbnail for the diff
    # The last frame's HTTP validator ("ETag: ..." or "Last-Modified: ..."), sent back as
    # If-None-Match / If-Modified-Since so a camera with no new frame can say 304 (migration 0009).
    http_validator: Mapped[str | None] = mapped_column(String(300))


class Snapshot(Base):
    """One stored frame: a JPEG and its thumbnail under SNAPSHOT_DIR (paths relative to it)."""

    __tablename__ = "snapshot"
    __table_args__ = (Index("ix_snapshot_camera_taken", "camera_id", "taken_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id", ondelete="CASCADE"))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    path: Mapped[str] = mapped_column(String(300))
    thumb_path: Mapped[str] = mapped_column(String(300))
    bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(8))  # the health judged for this frame


class CameraCheck(Base):
    """One capture attempt and its health figures: the camera's health history (kept 30 days)."""

    __tablename__ = "camera_check"
    __table_args__ = (
        CheckConstraint(_STATUS_CHECK, name="ck_camera_check_status"),
        Index("ix_camera_check_camera_at", "camera_id", "at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(String(200))
    duration_ms: Mapped[int] = mapped_column(Integer)
    brightness: Mapped[float | None] = mapped_column(Float)
    sharpness: Mapped[float | None] = mapped_column(Float)
    difference: Mapped[float | None] = mapped_column(Float)


class CameraUptime(Base):
    """Per camera and WIB day: checks made and checks online (uptime % = online / checks)."""

    __tablename__ = "camera_uptime"
    __table_args__ = (UniqueConstraint("camera_id", "day", name="uq_camera_uptime_day"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    checks: Mapped[int] = mapped_column(Integer, default=0)
    online: Mapped[int] = mapped_column(Integer, default=0)
