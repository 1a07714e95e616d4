"""Camera simulator: synthetic street scenes served the way city cameras serve them, faults included.

    python -m demo.camsim [--port 8061] [--cameras cameras.yaml] [--width 640 --height 360] [--fps 5]

Serves on 127.0.0.1 for every camera code:
    GET /cam/<code>/stream.mjpg     MJPEG (multipart/x-mixed-replace), --fps frames a second
    GET /cam/<code>/snapshot.jpg    one JPEG
    GET /cam/<code>/index.m3u8      live HLS (and its seg*.ts), for cameras of kind hls, when ffmpeg exists
    GET /health                     200 "ok" (for launchers)
Each camera behaves as BEHAVIOURS says, from demo/cameras.py BEHAVIOUR (or a `behaviour` key in
the --cameras file, for benchmarks): normal, dead (HTTP 503), closed (connection closed without an
answer), hang (accepts, never answers), stall (headers and half a frame, then nothing), frozen
(the same frame forever), dark (a black picture), stale (an NVR stuck on its last snapshot: the
same frame, whose snapshot.jpg carries an ETag and answers 304 Not Modified to a matching
If-None-Match, so a capture learns that nothing new came). Unknown codes get 404.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import logging
import re
import select
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import yaml

from demo.camsim_hls import HLS_HEIGHT, HLS_WIDTH, HlsStream, ffmpeg_path
from demo.camsim_scene import render, scene_for

log = logging.getLogger("demo.camsim")

BEHAVIOURS = ("normal", "dead", "closed", "hang", "stall", "frozen", "dark", "stale")
STILL = ("frozen", "stale")  # behaviours whose picture stopped when the simulator started
KINDS = ("mjpeg", "jpeg", "hls", "rtsp")
BOUNDARY = "lawangjabo-frame"
_PATH = re.compile(
    r"^/cam/(?P<code>[A-Za-z0-9_-]{1,64})/(?P<file>stream\.mjpg|snapshot\.jpg|index\.m3u8|seg\d{1,9}\.ts)$"
)
_KIND_OF_URL = (
    (".m3u8", "hls"),
    (".mjpg", "mjpeg"),
    (".mjpeg", "mjpeg"),
    (".jpg", "jpeg"),
    (".jpeg", "jpeg"),
)


@dataclass(frozen=True)
class SimCamera:
    code: str
    name: str
    kind: str = "mjpeg"
    behaviour: str = "normal"


def default_cameras() -> list[SimCamera]:
    """The 41 demo cameras of demo/cameras.py with their behaviours."""
    from demo.cameras import BEHAVIOUR, CCTV_2017, DEMO_CAMERAS

    return [
        SimCamera(c.code, c.name, c.kind, BEHAVIOUR.get(c.code, "normal"))
        for c in (*CCTV_2017, *DEMO_CAMERAS)
    ]


def load_cameras(path: Path) -> list[SimCamera]:
    """Cameras from a registry file (cameras.yaml: {cameras: [{code, name, kind or url, ...}]})."""
    from demo.cameras import BEHAVIOUR

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data.get("cameras", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of cameras (or {{cameras: [...]}})")
    cameras = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("code"):
            raise ValueError(f"{path}: camera #{i + 1} has no code")
        code = str(entry["code"])
        kind = entry.get("kind") or next(
            (k for suffix, k in _KIND_OF_URL if str(entry.get("url", "")).lower().endswith(suffix)), "mjpeg"
        )
        behaviour = entry.get("behaviour") or BEHAVIOUR.get(code, "normal")
        if kind not in KINDS or behaviour not in BEHAVIOURS:
            raise ValueError(f"{path}: camera {code}: kind {kind!r} or behaviour {behaviour!r} unknown")
        cameras.append(SimCamera(code, str(entry.get("name") or code), kind, behaviour))
    return cameras


class CameraSim:
    """The simulator's state: cameras, a shared frame cache, the HLS encoders."""

    def __init__(
        self, cameras: Iterable[SimCamera], *, width: int = 640, height: int = 360, fps: float = 5.0
    ):
        self.cameras = {c.code: c for c in cameras}
        self.width, self.height, self.fps = width, height, fps
        self.started = time.time()
        self.stop_event = threading.Event()
        self._scenes = {code: scene_for(code, c.name) for code, c in self.cameras.items()}
        self._cache: dict[tuple[str, int, int], bytes] = {}
        self._hls: dict[str, HlsStream] = {}
        self._hls_dir: tempfile.TemporaryDirectory | None = None

    # -- frames --------------------------------------------------------------------------------
    def frame(self, code: str, t: float, width: int | None = None, height: int | None = None):
        cam = self.cameras[code]
        if cam.behaviour in STILL:
            t = self.started  # the picture stopped when the camera did
        return render(
            self._scenes[code], t, width or self.width, height or self.height, dark=cam.behaviour == "dark"
        )

    def jpeg(self, code: str, t: float | None = None) -> bytes:
        """The camera's current frame as JPEG, shared by every client within one frame period."""
        t = time.time() if t is None else t
        cam = self.cameras[code]
        tick = 0 if cam.behaviour in STILL else int(t * self.fps)
        key = (code, tick, 0)
        data = self._cache.get(key)
        if data is None:
            _ok, buf = cv2.imencode(".jpg", self.frame(code, t), [cv2.IMWRITE_JPEG_QUALITY, 80])
            data = buf.tobytes()
            if len(self._cache) > 4 * len(self.cameras) + 16:
                self._cache.clear()
            self._cache[key] = data
        return data

    # -- HLS -----------------------------------------------------------------------------------
    def start_hls(self) -> int:
        """Start an encoder for every camera of kind hls that streams; returns how many started."""
        ffmpeg = ffmpeg_path()
        wanted = [
            c for c in self.cameras.values() if c.kind == "hls" and c.behaviour in ("normal", "dark", *STILL)
        ]
        if not ffmpeg or not wanted:
            if wanted:
                log.warning("ffmpeg not found: HLS cameras answer 503")
            return 0
        self._hls_dir = tempfile.TemporaryDirectory(prefix="camsim-hls-")
        for cam in wanted:
            stream = HlsStream(
                Path(self._hls_dir.name) / cam.code,
                lambda t, code=cam.code: self.frame(code, t, HLS_WIDTH, HLS_HEIGHT),
            )
            stream.start(ffmpeg)
            self._hls[cam.code] = stream
        return len(self._hls)

    def hls_ready(self) -> bool:
        """True once every encoder has written a playlist with at least one segment."""
        return all(s.playlist.exists() and ".ts" in s.playlist.read_text() for s in self._hls.values())

    def hls_file(self, code: str, name: str) -> Path | None:
        stream = self._hls.get(code)
        return stream.folder / name if stream is not None else None

    def close(self) -> None:
        self.stop_event.set()
        for stream in self._hls.values():
            stream.stop()
        self._hls.clear()
        if self._hls_dir is not None:
            self._hls_dir.cleanup()
            self._hls_dir = None


def etag_of(data: bytes) -> str:
    """A strong ETag for a JPEG: its content hash, so the same picture keeps the same tag."""
    return '"' + hashlib.sha1(data).hexdigest()[:20] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """True when an If-None-Match header names `etag` (weak comparison, RFC 9110 13.1.2) or is *."""
    if not if_none_match:
        return False
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _peer_gone(sock: socket.socket) -> bool:
    with contextlib.suppress(OSError):
        readable, _, _ = select.select([sock], [], [], 0)
        if readable:
            return sock.recv(1, socket.MSG_PEEK) == b""
    return False


class Handler(BaseHTTPRequestHandler):
    server_version = "LawangJaboCamSim/1.0"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, the body waits for the client's delayed
    # ACK (40 ms a request), which is most of what a capture from this simulator would cost.
    disable_nagle_algorithm = True
    sim: CameraSim  # set on the subclass made by make_server

    def log_message(self, fmt: str, *args) -> None:
        log.debug("%s " + fmt, self.address_string(), *args)

    def _hold(self) -> None:
        """Keep the connection open, saying nothing, until the client leaves or the server stops."""
        while not self.sim.stop_event.wait(0.5):
            if _peer_gone(self.connection):
                return
        self.close_connection = True

    def _send(
        self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/health":
            self._send(200, b"ok")
            return
        match = _PATH.match(path)
        cam = self.sim.cameras.get(match["code"]) if match else None
        if cam is None:
            self._send(404, b"no such camera")
            return
        behaviour, file = cam.behaviour, match["file"]
        if behaviour == "dead":
            self._send(503, b"camera offline", Retry_After="60")
        elif behaviour == "closed":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
        elif behaviour == "hang":
            self._hold()
        elif file == "stream.mjpg":
            self._mjpeg(cam.code, stall=behaviour == "stall")
        elif file == "snapshot.jpg" and behaviour == "stale":
            self._stuck_snapshot(cam.code)
        elif file == "snapshot.jpg":
            self._snapshot(cam.code, stall=behaviour == "stall")
        else:
            self._hls(cam.code, file, stall=behaviour == "stall")

    def _snapshot(self, code: str, *, stall: bool) -> None:
        data = self.sim.jpeg(code)
        if not stall:
            self._send(200, data, "image/jpeg")
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self._hold()

    def _stuck_snapshot(self, code: str) -> None:
        # An NVR whose recorder stopped: it still answers, always with the last picture it has,
        # and says so when asked conditionally (the ETag is that picture's hash).
        data = self.sim.jpeg(code)
        etag = etag_of(data)
        if etag_matches(self.headers.get("If-None-Match"), etag):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            return
        self._send(200, data, "image/jpeg", ETag=etag)

    def _mjpeg(self, code: str, *, stall: bool) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        period = 1.0 / self.sim.fps
        try:
            while not self.sim.stop_event.is_set():
                data = self.sim.jpeg(code)
                head = f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(data)}\r\n\r\n"
                if stall:
                    # A camera whose encoder dies mid-frame: the connection stays, the bytes stop.
                    self.wfile.write(head.encode() + data[: len(data) // 2])
                    self.wfile.flush()
                    self._hold()
                    return
                self.wfile.write(head.encode() + data + b"\r\n")
                self.wfile.flush()
                if self.sim.stop_event.wait(period):
                    return
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return  # the viewer left

    def _hls(self, code: str, file: str, *, stall: bool) -> None:
        if stall and file.endswith(".ts"):
            self._hold()  # the playlist comes, the segments never do
            return
        found = self.sim.hls_file(code, file)
        if found is None:
            self._send(404, b"no HLS for this camera")
            return
        try:
            body = found.read_bytes()
        except FileNotFoundError:
            # Before the first segment, or a segment already deleted by ffmpeg.
            status = 503 if file == "index.m3u8" else 404
            self._send(status, b"not ready")
            return
        ctype = "application/vnd.apple.mpegurl" if file.endswith(".m3u8") else "video/mp2t"
        self._send(200, body, ctype)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # benchmarks open hundreds of connections at once

    def handle_error(self, request, client_address) -> None:
        # A viewer that hangs up mid-request is normal for a camera, not worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


def make_server(sim: CameraSim, port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """An HTTP server for `sim` on host:port (port 0: a free one; read server.server_port)."""
    handler = type("BoundHandler", (Handler,), {"sim": sim})
    return _Server((host, port), handler)


@contextlib.contextmanager
def running(
    sim: CameraSim, port: int = 0, *, hls: bool = True, ready_timeout_s: float = 20.0
) -> Iterator[str]:
    """Serve `sim` in a background thread; yields the base URL; stops everything on exit."""
    server = make_server(sim, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    try:
        if hls and sim.start_hls():
            deadline = time.monotonic() + ready_timeout_s
            while not sim.hls_ready():
                if time.monotonic() > deadline:
                    raise TimeoutError("HLS encoders wrote no segment in time")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        sim.close()
        server.shutdown()
        server.server_close()
        thread.join(5.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.camsim", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8061)
    parser.add_argument(
        "--cameras", type=Path, help="registry file (default: the demo list, demo/cameras.py)"
    )
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=float, default=5.0)
    parser.add_argument("--no-hls", action="store_true", help="do not start ffmpeg for HLS cameras")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="camsim: %(message)s")
    try:
        cameras = load_cameras(args.cameras) if args.cameras else default_cameras()
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"camsim: cannot read cameras: {exc}", file=sys.stderr)
        return 2
    sim = CameraSim(cameras, width=args.width, height=args.height, fps=args.fps)
    try:
        server = make_server(sim, args.port)
    except OSError as exc:
        print(f"camsim: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    hls = 0 if args.no_hls else sim.start_hls()
    faulty = {c.code: c.behaviour for c in cameras if c.behaviour != "normal"}
    log.info(
        "%d cameras on http://127.0.0.1:%d (%d HLS); faults: %s", len(cameras), args.port, hls, faulty or "-"
    )
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        sim.close()
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
