"""What the capture readers share: the failure they raise and the deadline they all count down."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

# The reasons a capture can fail, in the camera contract (docs: data_sources/capture.py).
REASONS = (
    "refused",  # nothing listens on the port (connection refused)
    "timeout",  # no connection or no answer within the timeout
    "stalled",  # the camera answered, then stopped before a whole frame arrived
    "decode_error",  # bytes arrived but are not a picture (or not the protocol asked for)
    "http_error",  # the server answered with an error status (HTTP 5xx, 401, 403, RTSP 4xx/5xx)
    "not_found",  # HTTP 404/410 or RTSP 404: the URL names nothing
    "invalid_url",  # the URL or kind cannot be used at all
    "error",  # anything else (connection reset, name resolution, a bug), detail says which
)
# Not among them: an HTTP 304 to a conditional GET. The camera answered, it just has no frame newer
# than the last one (CaptureResult.not_modified), so it is not offline; it turns stale with time.


class CaptureFailure(Exception):
    """A capture ended without a frame; `reason` is one of REASONS, `detail` is for people."""

    def __init__(self, reason: str, detail: str) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown capture failure reason {reason!r}")
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class Deadline:
    """A monotonic deadline `timeout_s` from now: every wait in a capture takes what is left of it."""

    timeout_s: float
    start: float = field(default_factory=time.monotonic)

    def remaining(self, floor: float = 0.05) -> float:
        """Seconds left, never below `floor` (socket timeouts of 0 mean non-blocking, not 'now')."""
        return max(floor, self.start + self.timeout_s - time.monotonic())

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.start + self.timeout_s
