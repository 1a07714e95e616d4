"""The report archive (migration 0004): one row per generated or queued report file.

Imported at the end of store.models so that Base.metadata (Alembic, tests) sees it. The file
itself lives under REPORT_DIR; `path` is relative to it and written only by the generator.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base, BigId
from store.types import UTCDateTime

REPORT_STATUSES = ("queued", "running", "done", "failed")
REPORT_FORMATS = ("pdf", "xlsx", "csv")
REPORT_KINDS = ("on_demand", "weekly", "monthly")
SCOPE_KINDS = ("city", "kecamatan", "agency")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ReportArchive(Base):
    """A report: what was asked (period, scope, language, format), its progress and its file."""

    __tablename__ = "report_archive"
    __table_args__ = (
        CheckConstraint(_in("status", REPORT_STATUSES), name="ck_report_archive_status"),
        CheckConstraint(_in("fmt", REPORT_FORMATS), name="ck_report_archive_fmt"),
        CheckConstraint(_in("kind", REPORT_KINDS), name="ck_report_archive_kind"),
        CheckConstraint(_in("scope_kind", SCOPE_KINDS), name="ck_report_archive_scope_kind"),
        Index("ix_report_archive_created", "created_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(12))
    # weekly/monthly runs: "weekly:2026-11-23:pdf:id"; unique, so a rerun or a second runner
    # finds the row instead of adding one. NULL (many allowed) for on-demand reports.
    schedule_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(8))
    progress: Mapped[int] = mapped_column(Integer, default=0)  # 0..100
    stage: Mapped[str | None] = mapped_column(String(32))
    fmt: Mapped[str] = mapped_column(String(4))
    lang: Mapped[str] = mapped_column(String(2))
    period_kind: Mapped[str] = mapped_column(String(8))  # week | month | quarter | custom
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    scope_kind: Mapped[str] = mapped_column(String(10))
    scope_code: Mapped[str | None] = mapped_column(String(32))
    confidential: Mapped[bool] = mapped_column(Boolean, default=True)  # staff export: Rahasia included
    requested_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pid: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str | None] = mapped_column(String(300))
    size_bytes: Mapped[int | None] = mapped_column(BigId)
    rows: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
