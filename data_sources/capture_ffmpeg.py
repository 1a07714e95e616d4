"""One frame from an RTSP or HLS stream with OpenCV's FFmpeg backend, with hard timeouts.

FFmpeg alone reports every failure as "could not open", and a server that accepts and never
answers holds it until its timeout. So a cheap probe goes first and names the failure: for RTSP an
OPTIONS on a plain socket (refused, no answer, not RTSP, 404, ...), for HLS a GET of the playlist
(HTTP status, not a playlist). Only a stream that passes the probe is opened with OpenCV, with the
open and read timeouts passed in the constructor (DESIGN.md: set afterwards they are ignored).

FFmpeg options come from OPENCV_FFMPEG_CAPTURE_OPTIONS, which OpenCV reads at every open: the
probing limits take an RTSP open from ~3 s to ~0.4 s; request headers for HLS go there too.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit, urlunsplit

import cv2
import numpy as np

from data_sources.capture_base import CaptureFailure, Deadline
from data_sources.capture_http import failure_from_exception, fetch_jpeg

FFMPEG_OPTIONS = "rtsp_transport;tcp|analyzeduration;200000|probesize;32768"
FFMPEG_OPTIONS_ENV = "OPENCV_FFMPEG_CAPTURE_OPTIONS"
MAX_HLS_PLAYLIST = 1024 * 1024
RTSP_DEFAULT_PORT = 554
MAX_READS = 30  # reads tried after a successful open before giving up on a decodable frame


def ffmpeg_options(headers: dict[str, str] | None) -> str:
    """The OPENCV_FFMPEG_CAPTURE_OPTIONS value for a stream, with its request headers if any."""
    options = FFMPEG_OPTIONS
    usable = {k: v for k, v in (headers or {}).items() if not any(c in k + v for c in "|;\r\n")}
    if usable:
        # The variable's syntax is "key;value|key;value": values holding | or ; cannot be passed.
        options += "|headers;" + "".join(f"{k}: {v}\r\n" for k, v in usable.items())
    return options


def _recv_line(sock: socket.socket, deadline: Deadline, limit: int = 4096) -> bytes:
    buf = b""
    while b"\n" not in buf and len(buf) < limit:
        sock.settimeout(deadline.remaining())
        data = sock.recv(limit)
        if not data:
            break
        buf += data
    return buf.split(b"\n", 1)[0].strip()


def _rtsp_status(url: str, method: str, deadline: Deadline) -> int:
    """Send one RTSP request on a plain socket and return the status code; raises CaptureFailure."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or RTSP_DEFAULT_PORT
    # Credentials stay out of the probe; a 401 is fine here (FFmpeg authenticates with them).
    netloc = f"{host}:{port}" if ":" not in (host or "") else f"[{host}]:{port}"
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    request = f"{method} {bare} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: LawangJabo/1.0\r\n"
    if method == "DESCRIBE":
        request += "Accept: application/sdp\r\n"
    try:
        with socket.create_connection((host, port), timeout=deadline.remaining()) as sock:
            sock.sendall((request + "\r\n").encode("latin-1", "replace"))
            line = _recv_line(sock, deadline)
    except CaptureFailure:
        raise
    except OSError as exc:
        raise failure_from_exception(exc, deadline.timeout_s) from exc
    if not line:
        raise CaptureFailure("error", "koneksi ditutup tanpa jawaban RTSP (connection closed)")
    words = line.split()
    if not line.startswith(b"RTSP/") or len(words) < 2 or not words[1].isdigit():
        raise CaptureFailure("decode_error", "jawaban bukan RTSP (not an RTSP answer)")
    return int(words[1])


def _raise_for_rtsp_status(code: int) -> None:
    if code == 404:
        raise CaptureFailure("not_found", "RTSP 404")
    if code >= 400 and code != 401:
        raise CaptureFailure("http_error", f"RTSP {code}")


def probe_rtsp(url: str, deadline: Deadline) -> None:
    """OPTIONS on a plain socket: raise CaptureFailure unless an RTSP server answers.

    OPTIONS, not DESCRIBE: a DESCRIBE makes a server prepare the media, and some (gst-rtsp-server
    with shared media) refuse the next DESCRIBE with 503 while they tear it down again.
    """
    _raise_for_rtsp_status(_rtsp_status(url, "OPTIONS", deadline))


def explain_rtsp_failure(url: str, deadline: Deadline) -> None:
    """After FFmpeg failed to open: DESCRIBE once to name why (404, 503, ...); raises CaptureFailure."""
    _raise_for_rtsp_status(_rtsp_status(url, "DESCRIBE", deadline))


def probe_hls(url: str, headers: dict[str, str] | None, deadline: Deadline) -> None:
    """GET the HLS playlist and raise CaptureFailure unless it is one."""
    body = fetch_jpeg(url, headers, deadline)  # the same deadline-bound HTTP reader; any body type
    if not body.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"#EXTM3U"):
        raise CaptureFailure("decode_error", "bukan playlist HLS (no #EXTM3U)")


def read_frame(url: str, headers: dict[str, str] | None, deadline: Deadline) -> np.ndarray:
    """Open the stream with OpenCV (timeouts in the constructor), read one frame, always release."""
    os.environ[FFMPEG_OPTIONS_ENV] = ffmpeg_options(headers)
    wait_ms = int(deadline.remaining(floor=0.2) * 1000)
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, wait_ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, wait_ms]
    cap = None
    try:
        cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
        if not cap.isOpened():
            if deadline.expired or deadline.elapsed() >= 0.9 * deadline.timeout_s:
                raise CaptureFailure("timeout", f"aliran tidak terbuka dalam {deadline.timeout_s:g} dtk")
            if urlsplit(url).scheme.lower().startswith("rtsp") and not deadline.expired:
                explain_rtsp_failure(url, deadline)
            raise CaptureFailure("decode_error", "FFmpeg tidak dapat membuka aliran (could not open)")
        # Some streams start with frames that do not decode yet (waiting for a key frame): read
        # again until one decodes, the stream ends, or the time is up.
        for _ in range(MAX_READS):
            ok, frame = cap.read()
            if ok and frame is not None and frame.size:
                return frame
            if deadline.expired:
                break
        if deadline.elapsed() >= 0.9 * deadline.timeout_s:
            raise CaptureFailure("stalled", f"aliran terbuka tanpa frame dalam {deadline.timeout_s:g} dtk")
        raise CaptureFailure("decode_error", "tidak ada frame yang bisa didekode (no frame decoded)")
    except CaptureFailure:
        raise
    except cv2.error as exc:
        raise CaptureFailure("decode_error", f"OpenCV: {str(exc).strip()[:200]}") from exc
    finally:
        if cap is not None:
            cap.release()
