"""Pure image functions for camera frames: decode, encode, thumbnail and the health figures.

Frames are BGR uint8 ndarrays as OpenCV returns them. Nothing here does I/O. The health figures are
measured on a grey copy scaled to a fixed width, so one threshold fits cameras of any resolution.
"""

from __future__ import annotations

import cv2
import numpy as np

MEASURE_WIDTH = 320  # health figures are computed at this width, whatever the camera sends
THUMB_WIDTH = 320
SIGNATURE_SIZE = (32, 18)  # (width, height): 576 bytes, enough to see a frozen or changed scene
JPEG_QUALITY = 85
THUMB_QUALITY = 75


def decode_jpeg(data: bytes) -> np.ndarray | None:
    """Decode JPEG (or any OpenCV-readable image) bytes into a BGR frame; None when they are not an image."""
    if not data:
        return None
    frame = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if frame is None or frame.size == 0:
        return None
    return frame


def encode_jpeg(frame: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    """Encode a frame as JPEG bytes at the given quality (1..100)."""
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError("frame could not be encoded as JPEG")
    return buf.tobytes()


def resize_to_width(frame: np.ndarray, width: int) -> np.ndarray:
    """The frame scaled to `width` pixels wide, aspect kept; never enlarged."""
    h, w = frame.shape[:2]
    if w <= width:
        return frame
    height = max(1, round(h * width / w))
    return cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)


def thumbnail(frame: np.ndarray, width: int = THUMB_WIDTH) -> np.ndarray:
    """A thumbnail `width` pixels wide (smaller frames are kept as they are)."""
    return resize_to_width(frame, width)


def grey(frame: np.ndarray) -> np.ndarray:
    """A single-channel grey copy of the frame (grey frames are returned as they are)."""
    if frame.ndim == 2:
        return frame
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def _measure_grey(frame: np.ndarray) -> np.ndarray:
    return grey(resize_to_width(frame, MEASURE_WIDTH))


def brightness(frame: np.ndarray) -> float:
    """Mean grey level, 0 (black) .. 255 (white)."""
    return float(np.mean(_measure_grey(frame)))


def sharpness(frame: np.ndarray) -> float:
    """Variance of the Laplacian of the grey frame at MEASURE_WIDTH: near 0 for a flat or blurred image."""
    lap = cv2.Laplacian(_measure_grey(frame), cv2.CV_64F)
    return float(lap.var())


def signature(frame: np.ndarray, size: tuple[int, int] = SIGNATURE_SIZE) -> bytes:
    """A tiny grey thumbnail (SIGNATURE_SIZE, uint8) as bytes, compared with `difference` next time."""
    small = cv2.resize(grey(frame), size, interpolation=cv2.INTER_AREA)
    return small.astype(np.uint8).tobytes()


def difference(a: bytes | None, b: bytes | None) -> float | None:
    """Mean absolute difference of two signatures, 0..255; None when either is missing or sizes differ."""
    if not a or not b or len(a) != len(b):
        return None
    x = np.frombuffer(a, dtype=np.uint8).astype(np.int16)
    y = np.frombuffer(b, dtype=np.uint8).astype(np.int16)
    return float(np.mean(np.abs(x - y)))
