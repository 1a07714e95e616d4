"""store.cameras on SQLite and PostgreSQL: cycle state transitions, backoff, uptime per WIB day, retention."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from data_sources.boundaries import make_locator
from data_sources.camera_registry import parse_yaml
from store import cameras as cam
from store import snapshot_files
from store.models import Camera
from store.models_cameras import CameraCheck, CameraState, CameraUptime, Snapshot

INTERVAL = 60.0
T0 = datetime(2026, 11, 28, 16, 58, tzinfo=UTC)  # 23:58 WIB


def _register(engine, n=2) -> list[int]:
    text = "".join(
        f"- {{code: c{i}, name: Kamera {i}, lat: -2.97, lon: 104.75, url: 'http://127.0.0.1:9/c{i}.jpg'}}\n"
        for i in range(n)
    )
    report = parse_yaml(text, "t.yaml", make_locator(None))
    with engine.begin() as conn:
        cam.upsert_cameras(conn, report.specs, "t.yaml")
        return list(conn.execute(select(Camera.id).order_by(Camera.code)).scalars())


def _frame(tmp_path, code, at, payload=b"jpeg"):
    stored = snapshot_files.write_frame(tmp_path, code, at, b"\xff\xd8" + payload, b"\xff\xd8t")
    return {
        "path": stored.path,
        "thumb_path": stored.thumb_path,
        "bytes": stored.bytes,
        "etag": stored.etag,
        "width": 640,
        "height": 360,
    }


def _ok(camera_id, at, frame, status="online", identical=0, validator=None):
    return cam.CheckOutcome(
        camera_id,
        at,
        status,
        None if status == "online" else status,
        120,
        100.0,
        50.0,
        3.0,
        b"sig-" + at.isoformat().encode(),
        identical,
        frame,
        validator,
    )


def _fail(camera_id, at, reason="timeout"):
    return cam.CheckOutcome(camera_id, at, "offline", reason, 5000)


def _state(engine, camera_id):
    with engine.connect() as conn:
        return conn.execute(select(CameraState).where(CameraState.camera_id == camera_id)).one()


def test_offline_keeps_the_last_good_frame_and_backs_off(engine, tmp_path):
    a, b = _register(engine)
    with engine.begin() as conn:
        assert [d.camera_id for d in cam.due_targets(conn, T0)] == [a, b]
        cam.record_cycle(conn, [_ok(a, T0, _frame(tmp_path, "c0", T0)), _fail(b, T0, "refused")], INTERVAL)
    good = _state(engine, a)
    assert (good.status, good.consecutive_failures, good.next_attempt_at) == ("online", 0, None)
    first_snapshot, signature = good.last_snapshot_id, good.signature
    assert first_snapshot is not None and good.last_success_at == T0 and good.status_since == T0
    bad = _state(engine, b)
    assert (bad.status, bad.reason, bad.consecutive_failures) == ("offline", "refused", 1)
    assert bad.next_attempt_at == T0 + timedelta(seconds=INTERVAL) and bad.last_snapshot_id is None

    # Camera a goes down: its last snapshot, signature and figures stay; failures grow the wait.
    waits = []
    at = T0
    for n in range(1, 7):
        at = at + timedelta(seconds=INTERVAL)
        with engine.begin() as conn:
            due = {d.camera_id for d in cam.due_targets(conn, at, slack_s=INTERVAL / 4)}
            if a in due:
                cam.record_cycle(conn, [_fail(a, at)], INTERVAL)
        if a in due:
            waits.append((_state(engine, a).next_attempt_at - at).total_seconds() / INTERVAL)
        if n == 1:
            assert a in due
    state = _state(engine, a)
    assert (state.status, state.reason, state.status_since) == (
        "offline",
        "timeout",
        T0 + timedelta(seconds=60),
    )
    assert state.last_snapshot_id == first_snapshot and state.signature == signature
    assert state.last_success_at == T0 and state.brightness == 100.0
    assert waits == [1, 2, 4]  # tried at +1, +2 and +4 intervals; the next try is 4 intervals later
    assert cam.backoff_s(4, INTERVAL) == 8 * INTERVAL and cam.backoff_s(30, INTERVAL) == 10 * INTERVAL

    # Back online: failures reset, a new snapshot becomes the latest.
    back = T0 + timedelta(minutes=20)
    with engine.begin() as conn:
        assert a in {d.camera_id for d in cam.due_targets(conn, back)}
        cam.record_cycle(conn, [_ok(a, back, _frame(tmp_path, "c0", back))], INTERVAL)
    state = _state(engine, a)
    assert (state.status, state.consecutive_failures, state.next_attempt_at) == ("online", 0, None)
    assert state.last_snapshot_id != first_snapshot and state.status_since == back


def test_uptime_is_counted_per_wib_day_across_midnight_wib(engine, tmp_path):
    (a,) = _register(engine, 1)
    # 16:58, 16:59 UTC are 23:58, 23:59 WIB on the 28th; 17:00 and 17:01 UTC are the 29th in WIB.
    moments = [T0 + timedelta(minutes=m) for m in range(4)]
    outcomes = [
        _ok(a, moments[0], _frame(tmp_path, "c0", moments[0])),
        _fail(a, moments[1]),
        _ok(a, moments[2], _frame(tmp_path, "c0", moments[2])),
        _ok(a, moments[3], _frame(tmp_path, "c0", moments[3]), status="frozen", identical=3),
    ]
    for o in outcomes:
        with engine.begin() as conn:
            cam.record_cycle(conn, [o], INTERVAL)
    with engine.connect() as conn:
        days = conn.execute(
            select(CameraUptime.day, CameraUptime.checks, CameraUptime.online).order_by(CameraUptime.day)
        ).all()
        checks = conn.execute(select(CameraCheck.status).order_by(CameraCheck.at)).scalars().all()
        snapshots = conn.execute(select(Snapshot.status).order_by(Snapshot.taken_at)).scalars().all()
    assert [tuple(d) for d in days] == [(date(2026, 11, 28), 2, 1), (date(2026, 11, 29), 2, 1)]
    assert checks == ["online", "offline", "online", "frozen"]
    assert snapshots == ["online", "online", "frozen"]  # a frame for every received picture
    assert _state(engine, a).identical_count == 3


def test_stale_marks_cameras_without_a_frame_for_two_intervals(engine, tmp_path):
    a, b, c = _register(engine, 3)
    with engine.begin() as conn:
        cam.record_cycle(
            conn,
            [
                _ok(a, T0, _frame(tmp_path, "c0", T0)),
                _fail(b, T0),
                _ok(c, T0, _frame(tmp_path, "c2", T0), status="dark"),
            ],
            INTERVAL,
        )
        assert cam.mark_stale(conn, T0 + timedelta(seconds=2 * INTERVAL), INTERVAL) == 0
        assert cam.mark_stale(conn, T0 + timedelta(seconds=2 * INTERVAL + 1), INTERVAL) == 2
        assert cam.mark_stale(conn, T0 + timedelta(seconds=3 * INTERVAL), INTERVAL) == 0
    assert [_state(engine, i).status for i in (a, b, c)] == ["stale", "offline", "stale"]
    assert _state(engine, a).last_snapshot_id is not None


def test_no_new_frame_keeps_status_and_last_frame_until_two_intervals_make_it_stale(engine, tmp_path):
    a, b = _register(engine)
    tag = 'ETag: "v0"'
    with engine.begin() as conn:
        cam.record_cycle(conn, [_ok(a, T0, _frame(tmp_path, "c0", T0), validator=tag)], INTERVAL)
    first = _state(engine, a)
    assert first.http_validator == tag
    with engine.connect() as conn:
        due = {d.camera_id: d for d in cam.due_targets(conn, T0 + timedelta(seconds=INTERVAL))}
    assert due[a].validator == tag and due[b].validator is None

    # One interval later the camera answers 304: a check, no snapshot, last_success_at stays.
    t1 = T0 + timedelta(seconds=INTERVAL)
    with engine.begin() as conn:
        written = cam.record_cycle(conn, [cam.no_new_frame(a, t1, 40, tag)], INTERVAL)
        assert cam.mark_stale(conn, t1 + timedelta(seconds=1), INTERVAL) == 0
    assert written == {"snapshots": 0, "checks": 1}
    state = _state(engine, a)
    assert (state.status, state.reason, state.status_since) == ("online", None, T0)
    assert (state.last_success_at, state.last_attempt_at) == (T0, t1)
    assert (state.last_snapshot_id, state.signature, state.brightness) == (
        first.last_snapshot_id,
        first.signature,
        100.0,
    )
    assert (state.consecutive_failures, state.next_attempt_at, state.http_validator) == (0, None, tag)

    # Two intervals after the last frame: stale, with its last good frame kept; more 304s keep it so.
    t2 = T0 + timedelta(seconds=2 * INTERVAL)
    with engine.begin() as conn:
        cam.record_cycle(conn, [cam.no_new_frame(a, t2, 40, tag)], INTERVAL)
        assert cam.mark_stale(conn, t2 + timedelta(seconds=1), INTERVAL) == 1
        t3 = T0 + timedelta(seconds=3 * INTERVAL)
        cam.record_cycle(conn, [cam.no_new_frame(a, t3, 40, 'ETag: "v0b"')], INTERVAL)
        assert cam.mark_stale(conn, t3 + timedelta(seconds=1), INTERVAL) == 0
    state = _state(engine, a)
    assert (state.status, state.reason, state.status_since) == (
        "stale",
        "no_new_frame",
        t2 + timedelta(seconds=1),
    )
    assert state.last_success_at == T0 and state.last_snapshot_id == first.last_snapshot_id
    assert state.http_validator == 'ETag: "v0b"'  # a 304 may carry a fresher validator
    with engine.connect() as conn:
        checks = conn.execute(
            select(CameraCheck.at, CameraCheck.status, CameraCheck.reason)
            .where(CameraCheck.camera_id == a)
            .order_by(CameraCheck.at)
        ).all()
        snapshots = conn.execute(select(func.count()).select_from(Snapshot)).scalar_one()
        uptime = conn.execute(select(CameraUptime.checks, CameraUptime.online)).all()
    assert [tuple(c) for c in checks] == [
        (T0, "online", None),
        (t1, "online", "no_new_frame"),
        (t2, "online", "no_new_frame"),
        (t3, "stale", "no_new_frame"),
    ]
    assert snapshots == 1 and sum(u.checks for u in uptime) == 4

    # A new frame brings it back; one without a validator forgets the old one (plain GETs again).
    t4 = T0 + timedelta(seconds=4 * INTERVAL)
    with engine.begin() as conn:
        cam.record_cycle(conn, [_ok(a, t4, _frame(tmp_path, "c0", t4))], INTERVAL)
    state = _state(engine, a)
    assert (state.status, state.last_success_at, state.http_validator) == ("online", t4, None)
    assert state.last_snapshot_id != first.last_snapshot_id


def test_a_failure_keeps_the_validator_and_a_304_after_it_is_stale_at_once(engine, tmp_path):
    (a,) = _register(engine, 1)
    tag = "Last-Modified: Sat, 28 Nov 2026 00:00:00 GMT"
    t1, t2 = T0 + timedelta(seconds=INTERVAL), T0 + timedelta(seconds=2 * INTERVAL)
    with engine.begin() as conn:
        cam.record_cycle(conn, [_ok(a, T0, _frame(tmp_path, "c0", T0), validator=tag)], INTERVAL)
        cam.record_cycle(conn, [_fail(a, t1)], INTERVAL)
    assert (_state(engine, a).status, _state(engine, a).http_validator) == ("offline", tag)
    with engine.begin() as conn:
        cam.record_cycle(conn, [cam.no_new_frame(a, t2, 30, None)], INTERVAL)
    state = _state(engine, a)
    # It answers, so it is not offline; what it has is the frame from before the outage.
    assert (state.status, state.reason, state.status_since) == ("stale", "no_new_frame", t2)
    assert (state.consecutive_failures, state.next_attempt_at) == (0, None)
    assert (state.last_success_at, state.http_validator) == (T0, tag)


def test_a_new_url_forgets_the_validator(engine, tmp_path):
    (a,) = _register(engine, 1)
    with engine.begin() as conn:
        cam.record_cycle(conn, [_ok(a, T0, _frame(tmp_path, "c0", T0), validator='ETag: "x"')], INTERVAL)
    same = parse_yaml(
        "- {code: c0, name: Kamera baru, lat: -2.97, lon: 104.75, url: 'http://127.0.0.1:9/c0.jpg'}\n",
        "t.yaml",
        make_locator(None),
    )
    with engine.begin() as conn:
        assert cam.upsert_cameras(conn, same.specs, "t.yaml").updated == 1
    assert _state(engine, a).http_validator == 'ETag: "x"'  # a new name is the same camera
    moved = parse_yaml(
        "- {code: c0, name: Kamera baru, lat: -2.97, lon: 104.75, url: 'http://127.0.0.1:9/lain.jpg'}\n",
        "t.yaml",
        make_locator(None),
    )
    with engine.begin() as conn:
        assert cam.upsert_cameras(conn, moved.specs, "t.yaml").updated == 1
    assert _state(engine, a).http_validator is None


def test_disabled_cameras_are_not_due(engine):
    a, b = _register(engine)
    with engine.begin() as conn:
        conn.execute(Camera.__table__.update().where(Camera.id == b).values(enabled=False))
        assert [d.camera_id for d in cam.due_targets(conn, T0)] == [a]
        assert cam.enabled_count(conn) == 1


def test_retention_by_age_and_size_keeps_each_cameras_latest_frame(engine, tmp_path):
    a, b = _register(engine)
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    frames = {}
    # Camera a: one frame a day for 10 days; camera b: one frame 9 days ago, then offline.
    for days_ago in range(10, 0, -1):
        at = now - timedelta(days=days_ago)
        with engine.begin() as conn:
            f = _frame(tmp_path, "c0", at, b"x" * 1000)
            cam.record_cycle(conn, [_ok(a, at, f)], INTERVAL)
            frames[days_ago] = f
    old_b = now - timedelta(days=9)
    with engine.begin() as conn:
        cam.record_cycle(conn, [_ok(b, old_b, _frame(tmp_path, "c1", old_b, b"y" * 1000))], INTERVAL)
        cam.record_cycle(conn, [_fail(b, now - timedelta(days=8))], INTERVAL)
        cam.record_cycle(
            conn, [cam.CheckOutcome(a, now - timedelta(days=31), "offline", "timeout", 1)], INTERVAL
        )
    size = frames[1]["bytes"]
    with engine.begin() as conn:
        checks, days = cam.purge_history(conn, now)
        expired = cam.take_expired_snapshots(conn, now, retention_days=7, max_bytes=int(size * 3.5))
    assert (checks, days) == (1, 1)
    deleted, _ = snapshot_files.delete_files(tmp_path, [p for pair in expired for p in pair])
    with engine.connect() as conn:
        left = conn.execute(select(Snapshot.camera_id, Snapshot.taken_at).order_by(Snapshot.taken_at)).all()
    # Age: a's frames of 10..8 days ago go; b's only frame (9 days old) stays as its last good one.
    # Size: of the frames inside the age limit (a's 7..1 days old) only the newest three fit.
    assert [(cid, (now - t).days) for cid, t in left] == [(b, 9), (a, 3), (a, 2), (a, 1)]
    assert deleted == 2 * (len(frames) - 3)
    assert not (tmp_path / frames[5]["path"]).exists() and (tmp_path / frames[1]["thumb_path"]).exists()
    with engine.begin() as conn:
        assert cam.take_expired_snapshots(conn, now, retention_days=7, max_bytes=int(size * 3.5)) == []


@pytest.mark.parametrize("field", ["url", "name"])
def test_upsert_counts_inserted_updated_unchanged(engine, field):
    text = "- {code: x, name: X, lat: -2.97, lon: 104.75, url: 'http://h/x.jpg'}\n"
    specs = parse_yaml(text, "t.yaml", make_locator(None)).specs
    with engine.begin() as conn:
        assert vars(cam.upsert_cameras(conn, specs, "t.yaml")) == {
            "inserted": 1,
            "updated": 0,
            "unchanged": 0,
            "kept": 0,
        }
        assert vars(cam.upsert_cameras(conn, specs, "t.yaml")) == {
            "inserted": 0,
            "updated": 0,
            "unchanged": 1,
            "kept": 0,
        }
    changed = text.replace("x.jpg" if field == "url" else "name: X", "y.jpg" if field == "url" else "name: Y")
    specs = parse_yaml(changed, "t.yaml", make_locator(None)).specs
    with engine.begin() as conn:
        assert vars(cam.upsert_cameras(conn, specs, "t.yaml")) == {
            "inserted": 0,
            "updated": 1,
            "unchanged": 0,
            "kept": 0,
        }
        row = conn.execute(select(Camera.url, Camera.name)).one()
    assert row == (("http://h/y.jpg", "X") if field == "url" else ("http://h/x.jpg", "Y"))
