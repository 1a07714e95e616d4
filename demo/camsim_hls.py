"""Live HLS for the camera simulator: an ffmpeg process per camera encoding the rendered scene.

Kept cheap on purpose (a command center demo runs on a laptop): small frames, a low frame rate,
one-second segments, four in the playlist, old ones deleted by ffmpeg itself.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

log = logging.getLogger("demo.camsim")

HLS_WIDTH, HLS_HEIGHT = 320, 180
HLS_FPS = 2


def ffmpeg_path() -> str | None:
    """The ffmpeg executable, or None when it is not installed (HLS is then not served)."""
    return shutil.which("ffmpeg")


class HlsStream:
    """Encode frames from `frame_at(t)` into `folder`/index.m3u8 until stopped."""

    def __init__(self, folder: Path, frame_at: Callable[[float], np.ndarray], fps: int = HLS_FPS) -> None:
        self.folder = folder
        self.frame_at = frame_at
        self.fps = fps
        self._stop = threading.Event()
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None

    @property
    def playlist(self) -> Path:
        return self.folder / "index.m3u8"

    def start(self, ffmpeg: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        cmd = [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{HLS_WIDTH}x{HLS_HEIGHT}", "-r", str(self.fps),
            "-i", "-",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
            "-g", str(self.fps), "-keyint_min", str(self.fps), "-sc_threshold", "0", "-threads", "1",
            "-f", "hls", "-hls_time", "1", "-hls_list_size", "4",
            "-hls_flags", "delete_segments+omit_endlist+independent_segments",
            "-hls_segment_filename", str(self.folder / "seg%06d.ts"), str(self.playlist),
        ]  # fmt: skip
        # ffmpeg ends at the end of its input, so it dies with the simulator that feeds it.
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        self._thread = threading.Thread(target=self._feed, name=f"hls-{self.folder.name}", daemon=True)
        self._thread.start()

    def _feed(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        period = 1.0 / self.fps
        next_at = time.monotonic()
        while not self._stop.is_set():
            frame = self.frame_at(time.time())
            try:
                self._proc.stdin.write(np.ascontiguousarray(frame).tobytes())
                self._proc.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                log.warning("ffmpeg for %s stopped", self.folder.name)
                return
            next_at += period
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        if self._proc is not None:
            with contextlib.suppress(OSError, ValueError):
                self._proc.stdin.close()
            try:
                self._proc.wait(3.0)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
