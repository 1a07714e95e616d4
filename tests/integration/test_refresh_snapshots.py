"""The snapshot job end to end: real HTTP cameras on loopback, the real capture pool and health judge."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from config import load
from data_sources.boundaries import make_locator
from data_sources.capture import capture_many
from jobs.import_cameras import import_cameras
from jobs.refresh_snapshots import refresh_snapshots
from store.models import Camera, JobRun
from store.models_cameras import CameraCheck, CameraState, CameraUptime, Snapshot
from tests.integration.camera_http import CameraServer, refused_url

TIMEOUT_S = 10.0  # generous: a loaded machine (load 200 seen here) is slow to start the capture workers


@pytest.fixture
def server():
    s = CameraServer()
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path):
    return load(
        {
            "DATA_DIR": str(tmp_path / "data"),
            "SNAPSHOT_DIR": str(tmp_path / "snapshots"),
            "SNAPSHOT_INTERVAL_S": "60",
            "CAMERA_TIMEOUT_S": str(TIMEOUT_S),
            "CAMERA_WORKERS": "3",
        }
    )


def _register(engine, tmp_path, cameras: dict[str, tuple[str, str]]) -> dict[str, int]:
    lines = [
        f"- {{code: {code}, name: {code}, lat: -2.97, lon: 104.75, kind: {kind}, url: '{url}'}}"
        for code, (kind, url) in cameras.items()
    ]
    registry = tmp_path / "cameras.yaml"
    registry.write_text("\n".join(lines) + "\n")
    report = import_cameras(engine, registry, locate=make_locator(None))
    assert report.errors == [] and report.inserted == len(cameras)
    with engine.connect() as conn:
        return dict(conn.execute(select(Camera.code, Camera.id)).all())


def _states(engine, ids: dict[str, int]) -> dict[str, CameraState]:
    with engine.connect() as conn:
        rows = {r.camera_id: r for r in conn.execute(select(CameraState))}
    return {code: rows.get(i) for code, i in ids.items()}


def test_one_cycle_captures_judges_stores_and_records(engine, server, settings, tmp_path):
    base = server.base_url
    ids = _register(
        engine,
        tmp_path,
        {
            "good-1": ("jpeg", f"{base}/cam/good-1.jpg"),
            "good-2": ("mjpeg", f"{base}/cam/good-2.jpg"),  # one JPEG is a valid (short) MJPEG answer
            "dead": ("jpeg", f"{base}/status/503"),
            "hang": ("jpeg", f"{base}/hang"),
            "refused": ("jpeg", refused_url()),
            "nostore": ("jpeg", f"{base}/cam/nostore.jpg"),
        },
    )
    settings.snapshot_dir.mkdir(parents=True, exist_ok=True)
    (settings.snapshot_dir / "nostore").write_text("a file where the camera's folder should be")

    result = refresh_snapshots(engine, settings)

    assert result["status"] == "ok", result
    assert (result["fetched"], result["inserted"], result["rejected"]) == (6, 2, 3)
    detail = result["detail"]
    assert detail["status"] == {"online": 3, "offline": 3}
    assert detail["reasons"] == {"http_error": 1, "timeout": 1, "refused": 1, "frame_not_stored": 1}
    states = _states(engine, ids)
    assert {c: (s.status, s.reason) for c, s in states.items()} == {
        "good-1": ("online", None),
        "good-2": ("online", None),
        "nostore": ("online", None),
        "dead": ("offline", "http_error"),
        "hang": ("offline", "timeout"),
        "refused": ("offline", "refused"),
    }
    assert states["nostore"].last_snapshot_id is None and states["nostore"].last_success_at is not None
    assert states["hang"].consecutive_failures == 1 and states["hang"].next_attempt_at is not None
    with engine.connect() as conn:
        snaps = conn.execute(select(Snapshot)).all()
        run = conn.execute(select(JobRun).where(JobRun.job_id == "refresh_snapshots")).one()
        checks = conn.execute(select(CameraCheck.duration_ms, CameraCheck.status)).all()
        uptime = conn.execute(select(CameraUptime.checks, CameraUptime.online)).all()
    assert sorted(s.camera_id for s in snaps) == sorted((ids["good-1"], ids["good-2"]))
    for snap in snaps:
        frame = settings.snapshot_dir / snap.path
        assert (
            hashlib.sha1(frame.read_bytes()).hexdigest() == snap.etag
            and frame.read_bytes()[:2] == b"\xff\xd8"
        )
        assert (settings.snapshot_dir / snap.thumb_path).stat().st_size > 0
        assert (snap.width, snap.height, snap.status) == (640, 360, "online")
        assert states["good-1"].last_snapshot_id in {s.id for s in snaps}
    assert sorted(status for _ms, status in checks) == ["offline"] * 3 + ["online"] * 3
    assert sorted(tuple(u) for u in uptime) == [(1, 0)] * 3 + [(1, 1)] * 3
    assert (run.job_id, run.status, run.fetched, run.inserted, run.rejected) == (
        "refresh_snapshots",
        "ok",
        6,
        2,
        3,
    )

    # The next cycle right away: the failed cameras wait out their backoff, the good ones go again.
    hangs = server.requests.count("/hang")
    second = refresh_snapshots(engine, settings)
    assert (second["fetched"], second["inserted"], second["rejected"]) == (3, 2, 0)
    assert server.requests.count("/hang") == hangs
    states = _states(engine, ids)
    assert states["hang"].status == "offline" and states["good-1"].last_snapshot_id not in {
        s.id for s in snaps
    }

    # Two intervals later the failed ones are due again.
    later = refresh_snapshots(engine, settings, now=lambda: datetime.now(UTC) + timedelta(seconds=125))
    assert later["fetched"] == 6 and _states(engine, ids)["hang"].consecutive_failures == 2


def test_a_stop_request_ends_the_cycle_before_capturing(engine, server, settings, tmp_path):
    _register(engine, tmp_path, {"good": ("jpeg", f"{server.base_url}/cam/good.jpg")})
    result = refresh_snapshots(engine, settings, should_stop=lambda: True)
    assert (result["status"], result["fetched"], result["detail"]["stopped"]) == ("ok", 0, True)
    assert server.requests == []


def test_without_enabled_cameras_nothing_runs_and_no_run_is_recorded(engine, settings):
    result = refresh_snapshots(engine, settings)
    assert result["status"] == "ok" and result.get("idle")
    with engine.connect() as conn:
        assert conn.execute(select(JobRun.job_id)).scalars().all() == []


def test_retention_runs_in_the_cycle(engine, server, settings, tmp_path):
    ids = _register(engine, tmp_path, {"good": ("jpeg", f"{server.base_url}/cam/good.jpg")})
    first = refresh_snapshots(engine, settings)
    with engine.connect() as conn:
        (old,) = conn.execute(select(Snapshot)).all()
    # Ten days on, the first frame is beyond SNAPSHOT_RETENTION_DAYS (7) and no longer the latest.
    later = refresh_snapshots(engine, settings, now=lambda: datetime.now(UTC) + timedelta(days=10))
    assert first["inserted"] == later["inserted"] == 1
    assert later["detail"]["snapshots_purged"] == 1 and later["detail"]["files_deleted"] == 2
    assert not Path(settings.snapshot_dir / old.path).exists()
    with engine.connect() as conn:
        (kept,) = conn.execute(select(Snapshot)).all()
    assert kept.id == _states(engine, ids)["good"].last_snapshot_id


def test_a_camera_with_no_new_frame_is_asked_conditionally_and_turns_stale(
    engine, server, settings, tmp_path
):
    base = server.base_url
    ids = _register(
        engine,
        tmp_path,
        {"nvr": ("jpeg", f"{base}/still/nvr.jpg"), "live": ("jpeg", f"{base}/cam/live.jpg")},
    )
    start = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)

    def cycle(seconds: float) -> dict:
        # The real capture pool; each result's clock moved to the cycle's, so time is the test's.
        moment = start + timedelta(seconds=seconds)

        def capture(targets, timeout_s, workers):
            return [replace(r, started_at=moment) for r in capture_many(targets, timeout_s, workers)]

        return refresh_snapshots(engine, settings, now=lambda: moment, capture=capture)

    def nvr_requests() -> list[dict[str, str]]:
        return [h for h in server.headers if h["path"] == "/still/nvr.jpg"]

    def snapshots() -> int:
        with engine.connect() as conn:
            return len(conn.execute(select(Snapshot.id).where(Snapshot.camera_id == ids["nvr"])).all())

    first = cycle(0)
    assert (first["status"], first["inserted"], first["detail"]["no_new_frame"]) == ("ok", 2, 0)
    state = _states(engine, ids)["nvr"]
    assert (state.status, state.http_validator) == ("online", 'ETag: "nvr-v0"')
    assert _states(engine, ids)["live"].http_validator is None  # no ETag sent: plain GETs stay
    good_frame, good_at = state.last_snapshot_id, state.last_success_at

    # One interval later: asked with its ETag, it answers 304. No snapshot, no failure, no stale yet.
    second = cycle(60)
    assert nvr_requests()[-1]["if-none-match"] == '"nvr-v0"'
    assert "if-none-match" not in [h for h in server.headers if h["path"] == "/cam/live.jpg"][-1]
    assert (second["fetched"], second["inserted"], second["rejected"]) == (2, 1, 0)
    assert second["detail"]["no_new_frame"] == 1 and second["detail"]["stale"] == 0
    state = _states(engine, ids)["nvr"]
    assert (state.status, state.last_success_at, state.last_snapshot_id) == ("online", good_at, good_frame)
    assert state.consecutive_failures == 0 and state.next_attempt_at is None and snapshots() == 1

    # Two intervals (and a little) after its last frame: stale, its last good frame kept.
    third = cycle(125)
    assert third["detail"]["no_new_frame"] == 1 and third["detail"]["stale"] == 1
    states = _states(engine, ids)
    assert (states["nvr"].status, states["nvr"].reason) == ("stale", "no_new_frame")
    assert (states["nvr"].last_success_at, states["nvr"].last_snapshot_id) == (good_at, good_frame)
    assert states["live"].status == "online" and snapshots() == 1

    # The recorder moves on: a new frame, a new ETag, online again.
    server.versions["nvr"] = 1
    fourth = cycle(185)
    assert fourth["detail"]["no_new_frame"] == 0
    state = _states(engine, ids)["nvr"]
    assert (state.status, state.http_validator) == ("online", 'ETag: "nvr-v1"')
    assert state.last_success_at == start + timedelta(seconds=185) and good_at == start
    assert state.last_snapshot_id != good_frame and snapshots() == 2
