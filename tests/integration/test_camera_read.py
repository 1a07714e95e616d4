"""Read side of the camera pages on the configured back end: status as shown, frames, history, points."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from store.camera_read import (
    MAX_RAW_POINTS,
    cameras,
    complaint_points,
    effective_status,
    health_history,
    kecamatan_figures,
    latest_snapshot_file,
    recent_frames,
    uptime_days,
)
from store.filters import Filter
from store.models import Complaint
from store.models_cameras import CameraState
from tests.fixtures import cameras_world

NOW = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)


@pytest.fixture
def world(engine, tmp_path):
    return cameras_world.build(engine, tmp_path / "snapshots", NOW)


def test_shown_status_matches_every_case(engine, world):
    frame = cameras(engine, NOW, cameras_world.INTERVAL_S * 10)
    shown = dict(zip(frame["code"], frame["status"], strict=True))
    assert shown == world.expected_status
    offline = frame.set_index("code").loc["cam-offline"]
    assert offline["reason"] == "timeout"
    assert int(offline["snapshot_id"]) == world.latest["cam-offline"]  # the last good frame is kept
    assert frame.set_index("code").loc["cam-unknown"]["snapshot_id"] is None


def test_a_stopped_scheduler_turns_fresh_cameras_stale_but_offline_stays_offline(engine, world):
    later = NOW + timedelta(minutes=45)
    shown = dict(cameras(engine, later, 600)[["code", "status"]].itertuples(index=False))
    assert shown["cam-online-a"] == "stale"
    assert shown["cam-frozen"] == "stale"
    assert shown["cam-offline"] == "offline"
    assert shown["cam-unknown"] == "unknown"


def test_effective_status_rules():
    t0 = NOW - timedelta(minutes=5)
    assert effective_status(None, None, None, t0) == "unknown"
    assert effective_status("online", NOW, NOW, t0) == "online"
    assert effective_status("online", NOW, t0 - timedelta(seconds=1), t0) == "stale"
    assert effective_status("dark", NOW, None, t0) == "stale"
    assert effective_status("offline", NOW, None, t0) == "offline"


def test_filters_by_kecamatan_status_and_scope(engine, world):
    assert set(cameras(engine, NOW, 600, kecamatan=("16.71.11",))["code"]) == {
        "cam-stale",
        "cam-dark",
        "cam-unknown",
    }
    assert list(cameras(engine, NOW, 600, status=("offline",))["code"]) == ["cam-offline"]
    assert set(cameras(engine, NOW, 600, scope=("internal",))["code"]) == {"cam-offline", "cam-dark"}
    assert cameras(engine, NOW, 600, kecamatan=("16.71.01",)).empty


def test_disabled_cameras_are_not_shown(engine, world):
    from store.models import Camera

    with engine.begin() as conn:
        conn.execute(update(Camera).where(Camera.code == "cam-dark").values(enabled=False))
    assert "cam-dark" not in set(cameras(engine, NOW, 600)["code"])


def test_last_12_frames_newest_first(engine, world):
    frames = recent_frames(engine, world.ids["cam-online-a"], 12)
    assert len(frames) == 12
    assert frames["id"].iloc[0] == world.latest["cam-online-a"]
    assert frames["taken_at"].is_monotonic_decreasing


def test_health_history_covers_24_hours_and_uptime_30_wib_days(engine, world):
    hist = health_history(engine, world.ids["cam-offline"], NOW)
    assert len(hist) == 96
    assert (hist["status"] == "offline").sum() == 6
    assert hist["at"].min() >= NOW - timedelta(hours=24)
    days = uptime_days(engine, world.ids["cam-offline"], NOW)
    assert len(days) == 30
    assert days["day"].iloc[-1] == date(2026, 3, 10)  # 05:00 UTC is 12:00 WIB the same day
    assert days["pct"].iloc[-1] == 100.0 and days["pct"].iloc[-2] < 100.0


def test_latest_snapshot_falls_back_to_the_newest_row_without_state(engine, world):
    cid = world.ids["cam-online-b"]
    with engine.begin() as conn:
        conn.execute(update(CameraState).where(CameraState.camera_id == cid).values(last_snapshot_id=None))
    assert latest_snapshot_file(engine, cid).id == world.latest["cam-online-b"]


def test_points_are_raw_below_the_limit_and_grid_binned_above(engine):
    from demo.seed import seed

    seed(engine, complaints=1200, days=30, seed=3)
    with engine.connect() as conn:
        from sqlalchemy import func, select

        lo, hi = conn.execute(select(func.min(Complaint.created_day), func.max(Complaint.created_day))).one()
    f = Filter(start=lo, end=hi)
    raw = complaint_points(engine, f)
    assert not raw.binned and raw.total == len(raw.lat) == sum(raw.count)
    assert raw.total <= MAX_RAW_POINTS
    binned = complaint_points(engine, f, max_raw=100, cell_deg=0.01)
    assert binned.binned
    assert sum(binned.count) == raw.total  # every complaint lands in exactly one cell
    assert len(binned.count) < raw.total
    # A cell's mean position is inside the city.
    assert all(-3.2 < y < -2.8 for y in binned.lat) and all(104.6 < x < 104.95 for x in binned.lon)


def test_kecamatan_figures_give_all_18_with_density_and_resolved(engine):
    from demo.seed import seed

    seed(engine, complaints=800, days=60, seed=5)
    f = Filter(start=NOW.date() - timedelta(days=3650), end=NOW.date() + timedelta(days=3650))
    figures = kecamatan_figures(engine, f, datetime.now(UTC))
    assert len(figures) == 18
    assert figures["complaints"].sum() == 800
    row = figures.sort_values("complaints").iloc[-1]
    assert row["per_km2"] == pytest.approx(row["complaints"] / row["area_km2"], abs=0.06)
    assert 0 <= row["resolved_pct"] <= 100
