"""Read side of the camera pages and the map: cameras with their health, frames, history, points.

Status as shown: the stored camera_state.status, except "stale" when the last frame is older than
two SNAPSHOT_INTERVAL_S and the camera is not already offline (a stopped scheduler must show as
stale cameras, not as a wall of green), and "unknown" when the camera was never tried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Float, Integer, and_, cast, func, select

from store.calendar import wib_day
from store.filters import Filter, condition
from store.models import Camera, Complaint, Kecamatan
from store.models_cameras import CameraCheck, CameraState, CameraUptime, Snapshot
from store.reference_data import KECAMATAN
from store.stats_fast import breakdown

STATUSES = ("online", "stale", "offline", "frozen", "dark", "unknown")
SCOPES = ("publik", "internal")
# Below this many complaint points the map gets each point; above it, counts per grid cell.
MAX_RAW_POINTS = 5000
CELL_DEG = 0.005  # about 550 m at Palembang's latitude


def effective_status(
    status: str | None, last_attempt_at: datetime | None, last_success_at: datetime | None, stale_before
) -> str:
    """The status to show: stored status, "stale" for an old last frame, "unknown" if never tried."""
    if status is None or (last_attempt_at is None and last_success_at is None):
        return "unknown"
    if status in ("offline", "unknown"):
        return status
    if last_success_at is None or last_success_at < stale_before:
        return "stale"
    return status


def cameras(
    engine: Engine,
    now: datetime,
    interval_s: int,
    kecamatan: tuple[str, ...] = (),
    status: tuple[str, ...] = (),
    scope: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Enabled cameras with their effective status, reason and latest snapshot (id, taken_at)."""
    latest = Snapshot.__table__.alias("latest")
    stmt = (
        select(
            Camera.id,
            Camera.code,
            Camera.name,
            Camera.kecamatan_code,
            Kecamatan.common_name.label("kecamatan_name"),
            Camera.lat,
            Camera.lon,
            Camera.kind,
            Camera.scope,
            CameraState.status.label("stored_status"),
            CameraState.reason,
            CameraState.last_attempt_at,
            CameraState.last_success_at,
            CameraState.status_since,
            latest.c.id.label("snapshot_id"),
            latest.c.taken_at,
        )
        .outerjoin(Kecamatan, Kecamatan.code == Camera.kecamatan_code)
        .outerjoin(CameraState, CameraState.camera_id == Camera.id)
        .outerjoin(latest, latest.c.id == CameraState.last_snapshot_id)
        .where(Camera.enabled.is_(True))
        .order_by(Camera.kecamatan_code, Camera.name)
    )
    if kecamatan:
        stmt = stmt.where(Camera.kecamatan_code.in_(kecamatan))
    if scope:
        stmt = stmt.where(Camera.scope.in_(scope))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=list(stmt.selected_columns.keys()))
    stale_before = now - timedelta(seconds=2 * interval_s)
    frame["status"] = [
        effective_status(s, a, ok, stale_before)
        for s, a, ok in zip(
            frame["stored_status"], frame["last_attempt_at"], frame["last_success_at"], strict=True
        )
    ]
    # Plain ints and None (not a nullable pandas dtype): the pages put them straight into URLs.
    frame["snapshot_id"] = pd.Series(
        [None if pd.isna(v) else int(v) for v in frame["snapshot_id"]], index=frame.index, dtype=object
    )
    if status:
        frame = frame[frame["status"].isin(status)].reset_index(drop=True)
    return frame.drop(columns=["stored_status"])


def camera_by_code(engine: Engine, code: str) -> dict[str, Any] | None:
    """One camera's registry row as a dict, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(Camera.id, Camera.code, Camera.name).where(Camera.code == code)).first()
    return dict(row._mapping) if row else None


def recent_frames(engine: Engine, camera_id: int, n: int = 12) -> pd.DataFrame:
    """The camera's newest n snapshots, newest first: id, taken_at, status."""
    stmt = (
        select(Snapshot.id, Snapshot.taken_at, Snapshot.status)
        .where(Snapshot.camera_id == camera_id)
        .order_by(Snapshot.taken_at.desc(), Snapshot.id.desc())
        .limit(n)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=["id", "taken_at", "status"])


def health_history(engine: Engine, camera_id: int, now: datetime, hours: int = 24) -> pd.DataFrame:
    """The camera's checks of the last `hours`: at, status, reason, brightness, sharpness, difference."""
    stmt = (
        select(
            CameraCheck.at,
            CameraCheck.status,
            CameraCheck.reason,
            CameraCheck.duration_ms,
            CameraCheck.brightness,
            CameraCheck.sharpness,
            CameraCheck.difference,
        )
        .where(CameraCheck.camera_id == camera_id, CameraCheck.at >= now - timedelta(hours=hours))
        .order_by(CameraCheck.at)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=list(stmt.selected_columns.keys()))


def uptime_days(engine: Engine, camera_id: int, now: datetime, days: int = 30) -> pd.DataFrame:
    """Uptime per WIB day for the last `days` days (today included): day, checks, online, pct."""
    today = wib_day(now)
    first = today - timedelta(days=days - 1)
    stmt = select(CameraUptime.day, CameraUptime.checks, CameraUptime.online).where(
        CameraUptime.camera_id == camera_id, CameraUptime.day.between(first, today)
    )
    with engine.connect() as conn:
        rows = {d: (c, o) for d, c, o in conn.execute(stmt).all()}
    all_days: list[date] = [first + timedelta(days=i) for i in range(days)]
    checks = [rows.get(d, (0, 0))[0] for d in all_days]
    online = [rows.get(d, (0, 0))[1] for d in all_days]
    pct = [round(100.0 * o / c, 1) if c else None for c, o in zip(checks, online, strict=True)]
    return pd.DataFrame({"day": all_days, "checks": checks, "online": online, "pct": pct})


def latest_check_at(engine: Engine) -> datetime | None:
    """When any camera was last tried: the as-of time of the camera figures."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(CameraState.last_attempt_at))).scalar_one_or_none()


@dataclass(frozen=True)
class Points:
    """Complaint locations for the map: raw points (count 1 each) or grid cells with counts."""

    binned: bool
    total: int
    lat: list[float]
    lon: list[float]
    count: list[int]


def _cell(engine: Engine, column, origin: float, cell_deg: float):
    # PostgreSQL rounds on a cast to integer; floor() keeps cells aligned on both back ends.
    scaled = (column - origin) / cell_deg
    if engine.dialect.name == "postgresql":
        return cast(func.floor(scaled), Integer)
    return cast(scaled, Integer)  # SQLite truncates, and the value is never negative here


def complaint_points(
    engine: Engine, f: Filter, max_raw: int = MAX_RAW_POINTS, cell_deg: float = CELL_DEG
) -> Points:
    """Located complaints of the filter; grid-binned (mean position, count) above max_raw points."""
    located = and_(condition(f), Complaint.lat.isnot(None), Complaint.lon.isnot(None))
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).where(located)).scalar_one()
        if total <= max_raw:
            rows = conn.execute(select(Complaint.lat, Complaint.lon).where(located)).all()
            return Points(False, total, [r[0] for r in rows], [r[1] for r in rows], [1] * len(rows))
        # Origin below and left of any Indonesian coordinate, so cell numbers are never negative.
        gy = _cell(engine, Complaint.lat, -12.0, cell_deg).label("gy")
        gx = _cell(engine, Complaint.lon, 94.0, cell_deg).label("gx")
        rows = conn.execute(
            select(cast(func.avg(Complaint.lat), Float), cast(func.avg(Complaint.lon), Float), func.count())
            .where(located)
            .group_by(gy, gx)
        ).all()
    return Points(
        True, total, [float(r[0]) for r in rows], [float(r[1]) for r in rows], [int(r[2]) for r in rows]
    )


def kecamatan_figures(engine: Engine, f: Filter, now: datetime, lang: str = "id") -> pd.DataFrame:
    """Per kecamatan (all 18): complaints, per km², resolved %, with centroid and area."""
    kec = breakdown(engine, f, "kecamatan", now, lang).set_index("key")
    rows = []
    for ref in KECAMATAN:
        complaints = int(kec["complaints"].get(ref.code, 0))
        resolved_pct = kec["resolved_pct"].get(ref.code)
        rows.append(
            {
                "code": ref.code,
                "name": ref.common_name,
                "lat": ref.lat,
                "lon": ref.lon,
                "area_km2": ref.area_km2,
                "complaints": complaints,
                "per_km2": round(complaints / ref.area_km2, 1) if ref.area_km2 else None,
                "resolved_pct": None
                if resolved_pct is None or pd.isna(resolved_pct)
                else float(resolved_pct),
                "open_beyond_sla": int(kec["open_beyond_sla"].get(ref.code, 0)),
            }
        )
    return pd.DataFrame(rows)


def kecamatan_names() -> dict[str, str]:
    """Every spelling of a kecamatan name we know (official, common, aliases), lower-cased, to its code."""
    out: dict[str, str] = {}
    for ref in KECAMATAN:
        for name in (ref.name, ref.common_name, *ref.aliases):
            out[name.strip().lower()] = ref.code
    return out


@dataclass(frozen=True)
class SnapshotFile:
    """Where a stored frame lives (relative to SNAPSHOT_DIR) and its validator."""

    id: int
    path: str
    thumb_path: str
    etag: str
    taken_at: datetime
    scope: str  # the camera's: "publik" frames may be shown to anyone, "internal" to staff only


def _snapshot_file(row) -> SnapshotFile | None:
    return SnapshotFile(row.id, row.path, row.thumb_path, row.etag, row.taken_at, row.scope) if row else None


_FILE_COLS = (Snapshot.id, Snapshot.path, Snapshot.thumb_path, Snapshot.etag, Snapshot.taken_at, Camera.scope)


def snapshot_file(engine: Engine, snapshot_id: int) -> SnapshotFile | None:
    """The snapshot row with this id, or None."""
    stmt = select(*_FILE_COLS).join(Camera, Camera.id == Snapshot.camera_id).where(Snapshot.id == snapshot_id)
    with engine.connect() as conn:
        return _snapshot_file(conn.execute(stmt).first())


def latest_snapshot_file(engine: Engine, camera_id: int) -> SnapshotFile | None:
    """The camera's latest frame: camera_state.last_snapshot_id, else its newest snapshot row."""
    with engine.connect() as conn:
        row = conn.execute(
            select(*_FILE_COLS)
            .join(Camera, Camera.id == Snapshot.camera_id)
            .join(CameraState, CameraState.last_snapshot_id == Snapshot.id)
            .where(CameraState.camera_id == camera_id)
        ).first()
        if row is None:
            row = conn.execute(
                select(*_FILE_COLS)
                .join(Camera, Camera.id == Snapshot.camera_id)
                .where(Snapshot.camera_id == camera_id)
                .order_by(Snapshot.taken_at.desc(), Snapshot.id.desc())
                .limit(1)
            ).first()
    return _snapshot_file(row)
