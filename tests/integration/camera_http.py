"""A loopback HTTP server for camera tests: JPEG snapshots, failures, a hang, and any fixed body.

`/cam/<code>.jpg` answers a fresh JPEG (a moving bar, so consecutive frames differ);
`/status/<n>` answers HTTP n; `/hang` accepts and never answers; `/file/<name>` serves
`server.files[name]`. Each server binds port 0 and runs in a daemon thread.

`/still/<code>.jpg` is an NVR that only changes its picture when the test says so: frame number
`server.versions[code]` (0 by default) with an ETag naming it, 304 Not Modified to a matching
If-None-Match; `/dated/<code>.jpg` the same with a Last-Modified date and If-Modified-Since.
A code in `server.no_validators` gets its picture without ETag or Last-Modified.
`server.headers` holds every request's path and headers (lower-case names).
"""

from __future__ import annotations

import itertools
import socket
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np


def jpeg_frame(n: int, width: int = 640, height: int = 360) -> bytes:
    """A JPEG test picture: a grey gradient with a white bar at a position set by `n`."""
    img = np.tile(np.linspace(40, 200, width, dtype=np.uint8), (height, 1))
    img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    x = (n * 37) % (width - 40)
    img[:, x : x + 40] = 255
    cv2.putText(img, f"frame {n}", (20, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (0, 0, 255), 3)
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return buf.tobytes()


EPOCH = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)


def modified_at(version: int) -> datetime:
    """The Last-Modified of picture `version` of a /dated/ camera: an hour per version."""
    return EPOCH + timedelta(hours=version)


class CameraServer:
    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes]] = {}
        self.requests: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.versions: dict[str, int] = {}
        self.no_validators: set[str] = set()
        self._counter = itertools.count()
        self._release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                server.requests.append(self.path)
                server.headers.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                path = self.path.split("?")[0]
                if path.startswith(("/still/", "/dated/")) and path.endswith(".jpg"):
                    self._conditional(path.split("/")[1], path.split("/")[2][:-4])
                elif path.startswith("/cam/") and path.endswith(".jpg"):
                    self._send(200, "image/jpeg", jpeg_frame(next(server._counter)))
                elif path.startswith("/status/"):
                    self._send(int(path.rsplit("/", 1)[1]), "text/plain", b"no")
                elif path == "/hang":
                    server._release.wait(60)
                elif path.startswith("/file/") and path[6:] in server.files:
                    ctype, body = server.files[path[6:]]
                    self._send(200, ctype, body)
                else:
                    self._send(404, "text/plain", b"not found")

            def _conditional(self, style, code):
                version = server.versions.get(code, 0)
                etag, date = f'"{code}-v{version}"', modified_at(version)
                if code not in server.no_validators:
                    if style == "still" and self.headers.get("If-None-Match") == etag:
                        return self._send(304, None, b"", ETag=etag)
                    since = self.headers.get("If-Modified-Since")
                    if style == "dated" and since and parsedate_to_datetime(since) >= date:
                        return self._send(304, None, b"")
                validators = {}
                if code not in server.no_validators:
                    validators = (
                        {"ETag": etag} if style == "still" else {"Last-Modified": format_datetime(date, True)}
                    )
                self._send(200, "image/jpeg", jpeg_frame(version), **validators)

            def _send(self, code, ctype, body, **headers):
                self.send_response(code)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if code != 304:
                    self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def refused_url() -> str:
    """A loopback URL whose port was just free: connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/snapshot.jpg"
