"""Stream servers on loopback for tests and benchmarks, each a context manager yielding where it listens.

    rtsp_server()      gst-rtsp-server (Debian's /usr/bin/python3), yields rtsp://127.0.0.1:<port>/cam
    hls_server()       ffmpeg writing live HLS segments into a temp folder, served over HTTP
    camsim_server()    the demo camera simulator (MJPEG, JPEG, HLS, faulty behaviours)
    hang_server()      accepts and never answers
    garbage_server()   answers every connection with bytes that are no protocol at all
    refused_port()     a port where nothing listens (bound, not listening: connect is refused)
Each raises ToolMissing when the program it needs is not installed.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with python3-gi: the venv has no GObject bindings
START_TIMEOUT_S = 20.0


class ToolMissing(RuntimeError):
    """A program a stream server needs (ffmpeg, gst-rtsp-server) is not installed."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def rtsp_server(pattern: str = "smpte", mount: str = "/cam") -> Iterator[str]:
    """gst-rtsp-server with a moving test pattern; yields its URL."""
    if not Path(SYSTEM_PYTHON).exists():
        raise ToolMissing(f"{SYSTEM_PYTHON} (Debian python3 with python3-gi) not found")
    cmd = [SYSTEM_PYTHON, str(HERE / "rtsp_server.py"), f"--pattern={pattern}", f"--mount={mount}"]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        line = _first_line(proc, START_TIMEOUT_S)
        if not line.startswith("PORT "):
            err = proc.stderr.read().decode(errors="replace") if proc.poll() is not None else ""
            raise ToolMissing(f"gst-rtsp-server did not start ({line or 'no output'}): {err[-400:]}")
        yield f"rtsp://127.0.0.1:{int(line.split()[1])}{mount}"
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _first_line(proc: subprocess.Popen, timeout_s: float) -> str:
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if sel.select(timeout=0.2):
            return proc.stdout.readline().decode(errors="replace").strip()
        if proc.poll() is not None:
            return ""
    return ""


class _RecordingHandler(SimpleHTTPRequestHandler):
    seen: list[dict[str, str]]

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        super().do_GET()


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """Serve `folder` over HTTP on a free port; yields (base URL, the requests seen with their headers)."""
    seen: list[dict[str, str]] = []
    handler = partial(type("H", (_RecordingHandler,), {"seen": seen}), directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextlib.contextmanager
def hls_server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """Live HLS from ffmpeg's test source; yields (playlist URL, requests seen with their headers)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise ToolMissing("ffmpeg not installed")
    with tempfile.TemporaryDirectory(prefix="hls-test-") as tmp:
        folder = Path(tmp)
        playlist = folder / "index.m3u8"
        cmd = [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
            "-g", "10", "-threads", "1", "-f", "hls", "-hls_time", "1", "-hls_list_size", "4",
            "-hls_flags", "delete_segments+omit_endlist", str(playlist),
        ]  # fmt: skip
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not (playlist.exists() and ".ts" in playlist.read_text()):
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = (
                        proc.stderr.read().decode(errors="replace") if proc.poll() is not None else "timeout"
                    )
                    raise ToolMissing(f"ffmpeg wrote no HLS segment: {err[-400:]}")
                time.sleep(0.05)
            with serve_folder(folder) as (base, seen):
                yield f"{base}/index.m3u8", seen
        finally:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def camsim_server(cameras, *, hls: bool = True, **kwargs) -> Iterator[str]:
    """The demo camera simulator in this process; yields its base URL."""
    from demo.camsim import CameraSim, running

    with running(CameraSim(cameras, **kwargs), hls=hls) as base:
        yield base


class _Acceptor:
    """Accepts connections on a free port and hands each to `on_accept` in a thread."""

    def __init__(self, on_accept) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.on_accept = on_accept
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.held.append(conn)
            self.on_accept(conn)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        for conn in self.held:
            with contextlib.suppress(OSError):
                conn.close()
        self.sock.close()


@contextlib.contextmanager
def hang_server() -> Iterator[int]:
    """A port that accepts connections and never says a word; yields the port."""
    acceptor = _Acceptor(lambda conn: None)
    try:
        yield acceptor.port
    finally:
        acceptor.close()


GARBAGE = b"\x00\x13\x37garbage\xfe\xff" * 64 + os.urandom(1024)


@contextlib.contextmanager
def garbage_server() -> Iterator[int]:
    """A port that answers every connection with bytes of no protocol, then closes; yields the port."""

    def answer(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.sendall(GARBAGE)
            conn.shutdown(socket.SHUT_WR)

    acceptor = _Acceptor(answer)
    try:
        yield acceptor.port
    finally:
        acceptor.close()


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A port bound but not listening, so every connect is refused at once; yields the port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


if __name__ == "__main__":  # manual check: python -m tests.streams.servers
    with rtsp_server() as url:
        print(url, file=sys.stderr)
