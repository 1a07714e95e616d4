"""Judge a camera's health from one capture result and how many identical frames came before.

    judge(result, identical_before) -> Judgement(status, reason, identical_count)

status is online | offline | frozen | dark. "stale" (no new frame for two snapshot intervals) is
judged from time by the job and the readers, not from one capture; a capture that brought no new
frame (HTTP 304, result.not_modified) has nothing to judge and the job keeps the status. Order of
precedence: a failed capture is offline; a frame too dark (or covered) is dark; a run of identical
frames is frozen.

The figures come from data_sources/image.py, measured at a fixed width so the thresholds below
hold for every resolution.
"""

from __future__ import annotations

from typing import NamedTuple

from data_sources.capture import CaptureResult

# Frozen: the mean absolute difference of two 32x18 grey signatures is exactly 0 when an encoder
# or NVR repeats a frame, and stays well above 1 grey level with traffic moving through the picture.
# A still night scene can dip below 1 now and then, which is why one identical pair is not enough:
# FROZEN_AFTER identical comparisons in a row (3 minutes at the default 60 s interval) are.
FROZEN_EPSILON = 0.5
FROZEN_AFTER = 3

# Dark: the mean grey level of a black or lens-capped picture is a few levels; a street at night
# with lamps and headlights sits around 30-60. Below DARK_BRIGHTNESS the picture shows nothing.
DARK_BRIGHTNESS = 18.0

# Covered: a cloth, a bag or a wall pressed against the lens gives a dim AND flat picture. Flat
# means the Laplacian variance (edge energy) is near zero: a real scene, even at night, has edges
# (lane lines, lamps, signs) worth tens to hundreds.
COVERED_BRIGHTNESS = 60.0
COVERED_SHARPNESS = 8.0

STATUSES = ("online", "offline", "frozen", "dark")


class Judgement(NamedTuple):
    status: str  # online | offline | frozen | dark
    reason: str | None  # the capture's failure reason when offline; "dark", "covered" or "frozen"
    identical_count: int  # identical comparisons in a row, for camera_state.identical_count


def is_identical(difference: float | None) -> bool:
    """True when the frame is indistinguishable from the previous one."""
    return difference is not None and difference < FROZEN_EPSILON


def judge(result: CaptureResult, identical_before: int) -> Judgement:
    """The health status of a camera after one capture (pure)."""
    if not result.ok:
        # The run of identical frames is broken by a gap: a camera that comes back is compared afresh.
        return Judgement("offline", result.reason or "error", 0)
    identical = identical_before + 1 if is_identical(result.difference) else 0
    if result.brightness is not None:
        if result.brightness < DARK_BRIGHTNESS:
            return Judgement("dark", "dark", identical)
        if (
            result.brightness < COVERED_BRIGHTNESS
            and result.sharpness is not None
            and result.sharpness < COVERED_SHARPNESS
        ):
            return Judgement("dark", "covered", identical)
    if identical >= FROZEN_AFTER:
        return Judgement("frozen", "frozen", identical)
    return Judgement("online", None, identical)
