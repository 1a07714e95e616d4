"""Capture one frame per camera, with hard timeouts, and the health figures of that frame.

    capture_one(target, timeout_s) -> CaptureResult         one camera, in this process; never raises
    capture_many(targets, timeout_s, workers) -> [results]  a cycle, in a bounded process pool

Kinds: "jpeg" and "mjpeg" are read over HTTP with requests (data_sources/capture_http.py); "rtsp"
and "hls" with OpenCV's FFmpeg backend after a cheap probe that names failures
(data_sources/capture_ffmpeg.py). Every attempt holds to one deadline of `timeout_s` and ends in
a CaptureResult: a frame with its figures, a failure reason from REASONS, or (a snapshot URL
asked with the validator of its previous frame, answering 304) "no new frame": not_modified.

Why a process pool: FFmpeg-backend opens serialise inside one process (DESIGN.md), and a worker
stuck in native code can only be stopped by killing it (data_sources/capture_pool.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from data_sources import image
from data_sources.capture_base import REASONS, CaptureFailure, Deadline
from data_sources.capture_ffmpeg import probe_hls, probe_rtsp, read_frame
from data_sources.capture_http import fetch_image
from data_sources.capture_pool import run_pool

__all__ = ["KINDS", "REASONS", "CaptureResult", "CaptureTarget", "capture_many", "capture_one"]

log = logging.getLogger("data_sources.capture")

KINDS = ("rtsp", "hls", "mjpeg", "jpeg")
_SCHEMES = {
    "rtsp": ("rtsp", "rtsps"),
    "hls": ("http", "https"),
    "mjpeg": ("http", "https"),
    "jpeg": ("http", "https"),
}


@dataclass(frozen=True)
class CaptureTarget:
    """One camera to capture: what and where, plus the signature of its previous frame."""

    camera_id: int
    code: str
    kind: str  # rtsp | hls | mjpeg | jpeg
    url: str
    headers: dict[str, str] | None = None
    previous_signature: bytes | None = None  # camera_state.signature
    validator: str | None = None  # camera_state.http_validator: ask the camera for a newer frame only


@dataclass(frozen=True)
class CaptureResult:
    """The outcome of one attempt: a frame with its health figures, a failure reason, or no new frame.

    not_modified: the camera answered 304 to the target's validator. It is there (ok, no reason)
    but sent nothing new, so there is no jpeg and no figure, and nothing for the health judge.
    """

    camera_id: int
    code: str
    ok: bool
    reason: str | None  # None when ok; else one of REASONS
    detail: str | None  # human text for the reason (e.g. "HTTP 503")
    started_at: datetime  # aware UTC
    duration_ms: int
    jpeg: bytes | None  # the frame, JPEG-encoded
    thumb_jpeg: bytes | None  # thumbnail JPEG, 320 px wide
    width: int | None
    height: int | None
    brightness: float | None  # mean grey level 0..255
    sharpness: float | None  # variance of the Laplacian
    difference: float | None  # mean abs difference to previous_signature, 0..255; None without one
    signature: bytes | None  # tiny grey thumbnail (32x18 uint8) for the next difference
    # Defaults keep the results of callers that predate conditional GETs valid.
    not_modified: bool = False  # HTTP 304: no new frame since target.validator
    validator: str | None = None  # ETag / Last-Modified of this answer, for the next capture


def _frameless(target: CaptureTarget, started_at: datetime, duration_ms: int, **outcome) -> CaptureResult:
    """A result that carries no frame (a failure, or "not modified"); `outcome` sets the rest."""
    empty = dict.fromkeys(
        ("jpeg", "thumb_jpeg", "width", "height", "brightness", "sharpness", "difference", "signature")
    )
    return CaptureResult(
        camera_id=target.camera_id,
        code=target.code,
        started_at=started_at,
        duration_ms=max(0, int(duration_ms)),
        **empty,
        **outcome,
    )


def failed(
    target: CaptureTarget, reason: str, detail: str, started_at: datetime, duration_ms: int
) -> CaptureResult:
    """A failure result for `target` (reason one of REASONS)."""
    reason = reason if reason in REASONS else "error"
    return _frameless(target, started_at, duration_ms, ok=False, reason=reason, detail=detail)


def no_new_frame(
    target: CaptureTarget, validator: str | None, started_at: datetime, duration_ms: int
) -> CaptureResult:
    """The camera answered "not modified": it is up, but has no frame newer than the last one."""
    return _frameless(
        target,
        started_at,
        duration_ms,
        ok=True,
        reason=None,
        detail=None,
        not_modified=True,
        validator=validator,
    )


def _check_target(target: CaptureTarget) -> None:
    if target.kind not in KINDS:
        raise CaptureFailure(
            "invalid_url", f"jenis kamera tidak dikenal: {target.kind!r} (harus salah satu {KINDS})"
        )
    try:
        parts = urlsplit(target.url or "")
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise CaptureFailure("invalid_url", f"URL tidak valid: {exc}") from exc
    if parts.scheme.lower() not in _SCHEMES[target.kind] or not parts.hostname:
        wanted = "/".join(f"{s}://" for s in _SCHEMES[target.kind])
        raise CaptureFailure(
            "invalid_url", f"URL {target.kind} harus diawali {wanted} dan punya host: {target.url!r}"
        )


def _frame(target: CaptureTarget, deadline: Deadline) -> tuple[object | None, bytes | None, str | None]:
    """The decoded frame, its original bytes when the camera sent JPEG (kept: no re-encoding), and
    its HTTP validator; the frame is None when the camera has nothing newer than target.validator."""
    if target.kind in ("jpeg", "mjpeg"):
        got = fetch_image(target.url, target.headers, deadline, target.validator)
        if got.body is None:
            return None, None, got.validator
        data = got.body
        frame = image.decode_jpeg(data)
        if frame is None:
            raise CaptureFailure("decode_error", f"bukan gambar ({len(data)} byte, awal {data[:8]!r})")
        return frame, data if data[:2] == b"\xff\xd8" else None, got.validator
    if target.kind == "rtsp":
        probe_rtsp(target.url, deadline)
    else:
        probe_hls(target.url, target.headers, deadline)
    return read_frame(target.url, target.headers, deadline), None, None


def capture_one(target: CaptureTarget, timeout_s: float) -> CaptureResult:
    """One frame from one camera within about `timeout_s`; never raises."""
    started_at = datetime.now(UTC)
    deadline = Deadline(timeout_s)
    try:
        _check_target(target)
        frame, original, validator = _frame(target, deadline)
        if frame is None:
            return no_new_frame(target, validator, started_at, deadline.elapsed() * 1000)
        jpeg = original if original is not None else image.encode_jpeg(frame)
        sig = image.signature(frame)
        height, width = frame.shape[:2]
        return CaptureResult(
            camera_id=target.camera_id,
            code=target.code,
            ok=True,
            reason=None,
            detail=None,
            started_at=started_at,
            duration_ms=int(deadline.elapsed() * 1000),
            jpeg=jpeg,
            thumb_jpeg=image.encode_jpeg(image.thumbnail(frame), image.THUMB_QUALITY),
            width=int(width),
            height=int(height),
            brightness=image.brightness(frame),
            sharpness=image.sharpness(frame),
            difference=image.difference(target.previous_signature, sig),
            signature=sig,
            validator=validator,
        )
    except CaptureFailure as exc:
        return failed(target, exc.reason, exc.detail, started_at, deadline.elapsed() * 1000)
    except Exception as exc:  # the contract: a result, never an exception into the scheduler
        log.exception("capture of %s failed unexpectedly", target.code)
        return failed(
            target, "error", f"{type(exc).__name__}: {exc}"[:300], started_at, deadline.elapsed() * 1000
        )


def _timed_out(target: CaptureTarget, elapsed_s: float) -> CaptureResult:
    started = datetime.now(UTC) - timedelta(seconds=elapsed_s)
    detail = f"tidak selesai dalam {elapsed_s:.1f} dtk; proses penangkap dihentikan"
    return failed(target, "timeout", detail, started, elapsed_s * 1000)


def _crashed(target: CaptureTarget, elapsed_s: float, detail: str) -> CaptureResult:
    return failed(target, "error", detail, datetime.now(UTC) - timedelta(seconds=elapsed_s), elapsed_s * 1000)


def capture_many(targets: Sequence[CaptureTarget], timeout_s: float, workers: int) -> list[CaptureResult]:
    """Capture every target in a pool of at most `workers` processes; results in input order; never raises."""
    targets = list(targets)
    if not targets:
        return []
    try:
        return run_pool(capture_one, targets, timeout_s, workers, _timed_out, _crashed)
    except Exception:  # no pool (no processes allowed here): capture serially instead
        log.exception("capture pool failed; capturing %d cameras serially", len(targets))
        return [capture_one(t, timeout_s) for t in targets]
