"""Camera write side: the registry upsert, the capture cycle's state, checks and uptime, retention.

SQLAlchemy Core statements, each function on a connection the caller owns, so a registry import
or one capture cycle is one transaction: all of it is in, or none of it. Writes are idempotent
or conditional (upsert by camera code, by camera id, by camera and WIB day), so a second runner
cannot corrupt anything.

Backoff: a camera that failed n times in a row is next tried after min(2**(n-1), 10) intervals;
its first failure costs nothing extra, a camera that is down for hours costs one try per ten.

No new frame: a snapshot camera asked with its last frame's validator may answer 304 Not
Modified. That attempt is recorded (a check, the attempt time, no backoff) but it is not a
success: last_success_at stays, so after two intervals mark_stale turns the camera stale while
its last good frame stays on the tiles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update

from store.calendar import wib_day
from store.db import dialect_insert
from store.models import Agency, Camera
from store.models_cameras import CameraCheck, CameraState, CameraUptime, Snapshot
from store.models_ingest import AgencyAlias

MAX_BACKOFF_INTERVALS = 10
NO_NEW_FRAME = "no_new_frame"  # the reason of a stale camera, and of a check that got an HTTP 304
HISTORY_DAYS = 30  # camera_check and camera_uptime are kept this long
_CHUNK = 500
# Registry fields compared to tell an updated camera from an unchanged one.
_FIELDS = (
    "name",
    "kecamatan_code",
    "lat",
    "lon",
    "kind",
    "url",
    "scope",
    "agency_id",
    "enabled",
    "is_demo",
    "headers",
    "note",
    "external_id",
    "registry_source",
)


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # cameras whose admin-edited fields differ from the registry's and were kept


ADMIN_EDITABLE = frozenset({"name", "url", "scope", "enabled"})


def admin_field_set(raw: str | None) -> set[str]:
    """The fields an admin edited, from camera.admin_fields ("enabled,url")."""
    return {f for f in (raw or "").split(",") if f in ADMIN_EDITABLE}


def agency_names(conn: Connection) -> tuple[list[tuple[str, list[str]]], list[tuple[str, str]]]:
    """(code, [code, name, short name]) per agency and (alias, code) per alias row."""
    agencies = [
        (c, [c, n, s]) for c, n, s in conn.execute(select(Agency.code, Agency.name, Agency.short_name))
    ]
    aliases = [tuple(r) for r in conn.execute(select(AgencyAlias.alias, AgencyAlias.agency_code))]
    return agencies, sorted(aliases)


def upsert_cameras(conn: Connection, specs: Sequence[Any], registry_source: str) -> UpsertCounts:
    """Insert new cameras and update changed ones by code (specs: CameraSpec-like objects)."""
    agency_ids = dict(conn.execute(select(Agency.code, Agency.id)).all())
    rows = {}
    for s in specs:
        rows[s.code] = {
            "code": s.code,
            "name": s.name,
            "kecamatan_code": s.kecamatan_code,
            "lat": s.lat,
            "lon": s.lon,
            "kind": s.kind,
            "url": s.url,
            "scope": s.scope,
            "agency_id": agency_ids.get(s.agency_code, agency_ids.get("tidak_diketahui")),
            "enabled": s.enabled,
            "is_demo": s.is_demo,
            "headers": s.headers or None,
            "note": s.note,
            "external_id": s.external_id,
            "registry_source": registry_source[:200],
        }
    counts = UpsertCounts()
    if not rows:
        return counts
    t = Camera.__table__
    stored: dict[str, dict] = {}
    codes = list(rows)
    for i in range(0, len(codes), _CHUNK):
        part = codes[i : i + _CHUNK]
        for r in conn.execute(
            select(t.c.code, t.c.admin_fields, *(t.c[f] for f in _FIELDS)).where(t.c.code.in_(part))
        ).mappings():
            stored[r["code"]] = dict(r)
    # What an admin set on the admin page wins over the registry file: an import must not quietly
    # re-enable a camera someone switched off, or put back a URL someone corrected.
    for code, r in rows.items():
        if code not in stored:
            continue
        edited = admin_field_set(stored[code]["admin_fields"])
        if any(r[f] != stored[code][f] for f in edited):
            counts.kept += 1
        for f in edited:
            r[f] = stored[code][f]
    new = [r for code, r in rows.items() if code not in stored]
    changed = [
        r for code, r in rows.items() if code in stored and any(r[f] != stored[code][f] for f in _FIELDS)
    ]
    counts.inserted, counts.updated = len(new), len(changed)
    counts.unchanged = len(rows) - len(new) - len(changed)
    if new:
        stmt = dialect_insert(conn, t)
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["code"], set_={f: stmt.excluded[f] for f in _FIELDS}),
            new,
        )
    if changed:
        conn.execute(
            update(t).where(t.c.code == bindparam("b_code")).values({f: bindparam(f) for f in _FIELDS}),
            [{**{f: r[f] for f in _FIELDS}, "b_code": r["code"]} for r in changed],
        )
        moved = [r["code"] for r in changed if r["url"] != stored[r["code"]]["url"]]
        if moved:
            forget_validators(conn, select(t.c.id).where(t.c.code.in_(moved)))
    return counts


def forget_validators(conn: Connection, camera_ids: Any) -> None:
    """Drop the HTTP validator of these cameras (ids, or a select of ids), e.g. when their URL changed:
    another URL's ETag or date must not let a different camera answer 304 for a frame we never had."""
    s = CameraState.__table__
    conn.execute(update(s).where(s.c.camera_id.in_(camera_ids)).values(http_validator=None))


def enabled_count(conn: Connection) -> int:
    """How many cameras are enabled for capture."""
    return conn.execute(select(func.count()).select_from(Camera).where(Camera.enabled.is_(True))).scalar_one()


class DueCamera(NamedTuple):
    camera_id: int
    code: str
    kind: str
    url: str
    headers: dict | None
    signature: bytes | None
    identical_count: int
    consecutive_failures: int
    validator: str | None  # camera_state.http_validator, for a conditional GET


def due_targets(conn: Connection, now: datetime, slack_s: float = 0.0) -> list[DueCamera]:
    """Enabled cameras to capture this cycle: never tried, or their backoff ended (within slack_s)."""
    c, s = Camera.__table__, CameraState.__table__
    limit = now + timedelta(seconds=slack_s)
    rows = conn.execute(
        select(
            c.c.id,
            c.c.code,
            c.c.kind,
            c.c.url,
            c.c.headers,
            s.c.signature,
            func.coalesce(s.c.identical_count, 0),
            func.coalesce(s.c.consecutive_failures, 0),
            s.c.http_validator,
        )
        .select_from(c.outerjoin(s, s.c.camera_id == c.c.id))
        .where(c.c.enabled.is_(True), or_(s.c.next_attempt_at.is_(None), s.c.next_attempt_at <= limit))
        .order_by(c.c.id)
    )
    return [DueCamera(*r) for r in rows]


def backoff_s(failures: int, interval_s: float) -> float:
    """Seconds until the next try after `failures` failures in a row (0 failures: one interval)."""
    return interval_s * min(2 ** max(failures - 1, 0), MAX_BACKOFF_INTERVALS)


@dataclass(frozen=True)
class CheckOutcome:
    """One capture attempt as judged: what record_cycle writes."""

    camera_id: int
    at: datetime  # aware UTC, when the capture started
    # online | offline | frozen | dark; None: the camera answered with no new frame (HTTP 304),
    # record_cycle keeps its status (see no_new_frame).
    status: str | None
    reason: str | None
    duration_ms: int
    brightness: float | None = None
    sharpness: float | None = None
    difference: float | None = None
    signature: bytes | None = None
    identical_count: int = 0
    # A received frame stored by store.snapshot_files: path, thumb_path, bytes, etag, width, height.
    frame: dict[str, Any] | None = None
    # The answer's HTTP validator: kept with a frame (None forgets it: the camera stopped sending
    # one), refreshed by a 304 that carries one, left alone by a failure.
    validator: str | None = None

    @property
    def no_new_frame(self) -> bool:
        return self.status is None


def no_new_frame(camera_id: int, at: datetime, duration_ms: int, validator: str | None) -> CheckOutcome:
    """The outcome of an attempt that the camera answered with "nothing newer" (HTTP 304)."""
    return CheckOutcome(camera_id, at, None, NO_NEW_FRAME, duration_ms, validator=validator)


def _no_new_frame_status(prev: Any) -> tuple[str, str | None]:
    """(status, reason) after a 304: the camera's status stays (mark_stale turns it stale in time),
    except that a camera that answers is not offline: it has no frame newer than before its
    outage, at least an interval old, so it is stale at once."""
    if prev is not None and prev.status not in ("offline", "unknown"):
        return prev.status, prev.reason
    return "stale", NO_NEW_FRAME


def record_cycle(conn: Connection, outcomes: Sequence[CheckOutcome], interval_s: float) -> dict[str, int]:
    """Write one cycle: snapshot rows for frames, camera_state, a camera_check each, uptime per WIB day.

    A failed capture keeps the camera's last snapshot, signature and figures (the last good
    frame stays on the tiles) and pushes its next attempt back; a frame resets the failures. An
    answer with no new frame (status None) resets the failures too but is not a success: the
    status, last_success_at, the snapshot and the figures stay.
    """
    if not outcomes:
        return {"snapshots": 0, "checks": 0}
    s = CameraState.__table__
    ids = sorted({o.camera_id for o in outcomes})
    previous = {r.camera_id: r for r in conn.execute(select(s).where(s.c.camera_id.in_(ids)))}
    snapshots = 0
    statuses: list[str] = []
    for o in outcomes:
        prev = previous.get(o.camera_id)
        status, reason = _no_new_frame_status(prev) if o.no_new_frame else (o.status, o.reason)
        statuses.append(status)
        values: dict[str, Any] = {"status": status, "reason": reason, "last_attempt_at": o.at}
        values["status_since"] = prev.status_since if prev is not None and prev.status == status else o.at
        if o.no_new_frame:
            # The camera answered: no backoff. Nothing else moves, last_success_at above all.
            values.update(consecutive_failures=0, next_attempt_at=None)
            if o.validator:
                values["http_validator"] = o.validator
        # A received frame counts as a success even when it could not be stored (a full disk is
        # not the camera's fault); offline is the one status without a frame.
        elif status != "offline":
            values.update(
                last_success_at=o.at,
                consecutive_failures=0,
                next_attempt_at=None,
                brightness=o.brightness,
                sharpness=o.sharpness,
                difference=o.difference,
                identical_count=o.identical_count,
                signature=o.signature,
                http_validator=o.validator,
            )
        if o.frame is not None and not o.no_new_frame:
            snapshot_id = conn.execute(
                insert(Snapshot)
                .values(
                    camera_id=o.camera_id,
                    taken_at=o.at,
                    status=status,
                    **{k: o.frame[k] for k in ("path", "thumb_path", "bytes", "etag", "width", "height")},
                )
                .returning(Snapshot.id)
            ).scalar_one()
            snapshots += 1
            values["last_snapshot_id"] = snapshot_id
        if status == "offline":
            failures = (prev.consecutive_failures if prev is not None else 0) + 1
            values.update(
                consecutive_failures=failures,
                identical_count=0,
                next_attempt_at=o.at + timedelta(seconds=backoff_s(failures, interval_s)),
            )
        stmt = dialect_insert(conn, s).values(camera_id=o.camera_id, **values)
        conn.execute(stmt.on_conflict_do_update(index_elements=["camera_id"], set_=values))
        # Two outcomes of one camera in a cycle (a retried write) chain like consecutive cycles.
        previous[o.camera_id] = _Prev(
            values["status"], values["status_since"], values["consecutive_failures"], values["reason"]
        )
    conn.execute(
        insert(CameraCheck),
        [
            {
                "camera_id": o.camera_id,
                "at": o.at,
                "status": status,
                "reason": o.reason,
                "duration_ms": max(0, int(o.duration_ms)),
                "brightness": o.brightness,
                "sharpness": o.sharpness,
                "difference": o.difference,
            }
            for o, status in zip(outcomes, statuses, strict=True)
        ],
    )
    _add_uptime(conn, [(o.camera_id, o.at, status) for o, status in zip(outcomes, statuses, strict=True)])
    return {"snapshots": snapshots, "checks": len(outcomes)}


class _Prev(NamedTuple):
    status: str
    status_since: datetime
    consecutive_failures: int
    reason: str | None


def _add_uptime(conn: Connection, checks: Iterable[tuple[int, datetime, str]]) -> None:
    # One row per (camera, day) per statement: PostgreSQL refuses to update a row twice in one
    # ON CONFLICT statement.
    totals: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for camera_id, at, status in checks:
        cell = totals[(camera_id, wib_day(at))]
        cell[0] += 1
        cell[1] += status == "online"
    u = CameraUptime.__table__
    stmt = dialect_insert(conn, u)
    stmt = stmt.on_conflict_do_update(
        index_elements=["camera_id", "day"],
        set_={"checks": u.c.checks + stmt.excluded.checks, "online": u.c.online + stmt.excluded.online},
    )
    for (camera_id, day), (checks, online) in sorted(totals.items()):
        conn.execute(stmt.values(camera_id=camera_id, day=day, checks=checks, online=online))


def mark_stale(conn: Connection, now: datetime, interval_s: float) -> int:
    """Cameras with no new frame for two intervals (and not offline) become stale; returns how many."""
    s = CameraState.__table__
    return conn.execute(
        update(s)
        .where(
            s.c.last_success_at < now - timedelta(seconds=2 * interval_s),
            s.c.status.notin_(("offline", "stale")),
        )
        .values(status="stale", status_since=now, reason=NO_NEW_FRAME)
    ).rowcount


def purge_history(conn: Connection, now: datetime, keep_days: int = HISTORY_DAYS) -> tuple[int, int]:
    """Delete camera_check rows and uptime days older than `keep_days`; returns (checks, days) deleted."""
    checks = conn.execute(
        delete(CameraCheck).where(CameraCheck.at < now - timedelta(days=keep_days))
    ).rowcount
    days = conn.execute(
        delete(CameraUptime).where(CameraUptime.day < wib_day(now) - timedelta(days=keep_days))
    ).rowcount
    return checks, days


def take_expired_snapshots(
    conn: Connection, now: datetime, retention_days: int, max_bytes: int
) -> list[tuple[str, str]]:
    """Delete snapshot rows older than `retention_days` or beyond `max_bytes` (oldest first) and
    return their (path, thumb_path) for the caller to delete once this transaction commits.

    Each camera's latest snapshot (camera_state.last_snapshot_id) is kept whatever its age, so an
    offline camera's tile still shows its last good frame.
    """
    t, s = Snapshot.__table__, CameraState.__table__
    keep = select(s.c.last_snapshot_id).where(s.c.last_snapshot_id.isnot(None))
    cutoff = now - timedelta(days=retention_days)
    old = conn.execute(
        select(t.c.id, t.c.path, t.c.thumb_path).where(t.c.taken_at < cutoff, t.c.id.notin_(keep))
    )
    expired = {r.id: (r.path, r.thumb_path) for r in old}
    total = conn.execute(
        select(func.coalesce(func.sum(t.c.bytes), 0)).where(t.c.taken_at >= cutoff)
    ).scalar_one()
    if total > max_bytes:
        running = (
            select(
                t.c.id,
                t.c.path,
                t.c.thumb_path,
                func.sum(t.c.bytes).over(order_by=(t.c.taken_at.desc(), t.c.id.desc())).label("running"),
            )
            .where(t.c.taken_at >= cutoff)
            .subquery()
        )
        over = select(running.c.id, running.c.path, running.c.thumb_path).where(
            and_(running.c.running > max_bytes, running.c.id.notin_(keep))
        )
        expired.update({r.id: (r.path, r.thumb_path) for r in conn.execute(over)})
    ids = sorted(expired)
    for i in range(0, len(ids), _CHUNK):
        conn.execute(delete(t).where(t.c.id.in_(ids[i : i + _CHUNK])))
    return [expired[i] for i in ids]


def utc_now() -> datetime:
    """Now, aware UTC."""
    return datetime.now(UTC)
