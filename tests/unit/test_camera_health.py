"""judge(): offline before dark before frozen; frozen only after FROZEN_AFTER identical frames."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from data_sources.camera_health import (
    COVERED_BRIGHTNESS,
    COVERED_SHARPNESS,
    DARK_BRIGHTNESS,
    FROZEN_AFTER,
    FROZEN_EPSILON,
    judge,
)
from data_sources.capture import CaptureResult


def result(ok=True, reason=None, brightness=110.0, sharpness=500.0, difference=6.0) -> CaptureResult:
    return CaptureResult(
        camera_id=1, code="c", ok=ok, reason=reason, detail=None if ok else "x",
        started_at=datetime.now(UTC), duration_ms=10, jpeg=b"j" if ok else None, thumb_jpeg=None,
        width=640 if ok else None, height=360 if ok else None,
        brightness=brightness if ok else None, sharpness=sharpness if ok else None,
        difference=difference if ok else None, signature=b"s" if ok else None,
    )  # fmt: skip


def test_a_live_frame_is_online_and_resets_the_identical_run():
    assert judge(result(), 2) == ("online", None, 0)


def test_a_failed_capture_is_offline_with_its_reason():
    assert judge(result(ok=False, reason="timeout"), 5) == ("offline", "timeout", 0)


def test_frozen_only_after_enough_identical_frames_in_a_row():
    identical, statuses = 0, []
    for _ in range(FROZEN_AFTER + 1):
        verdict = judge(result(difference=FROZEN_EPSILON / 2), identical)
        identical = verdict.identical_count
        statuses.append(verdict.status)
    assert statuses == ["online"] * (FROZEN_AFTER - 1) + ["frozen", "frozen"]
    assert judge(result(difference=FROZEN_EPSILON * 4), identical) == ("online", None, 0)


def test_no_previous_frame_is_not_identical():
    assert judge(result(difference=None), FROZEN_AFTER) == ("online", None, 0)


@pytest.mark.parametrize(
    "brightness,sharpness,reason",
    [
        (DARK_BRIGHTNESS - 1, 500.0, "dark"),  # black, whatever its edges (a burnt-in clock)
        (COVERED_BRIGHTNESS - 1, COVERED_SHARPNESS / 2, "covered"),  # dim and flat
    ],
)
def test_dark_and_covered(brightness, sharpness, reason):
    assert judge(result(brightness=brightness, sharpness=sharpness), 0) == ("dark", reason, 0)


def test_a_dim_scene_with_edges_is_online_and_a_bright_flat_one_too():
    assert (
        judge(result(brightness=COVERED_BRIGHTNESS - 1, sharpness=COVERED_SHARPNESS * 10), 0).status
        == "online"
    )
    assert judge(result(brightness=200.0, sharpness=0.5), 0).status == "online"


def test_dark_wins_over_frozen_but_the_identical_run_is_kept():
    verdict = judge(result(brightness=2.0, difference=0.0), FROZEN_AFTER)
    assert verdict == ("dark", "dark", FROZEN_AFTER + 1)
