"""The tile proxy (routes/tiles.py) against a real tile server on loopback, a refused port and a
port that listens but is never connected to.

The route runs on a bare Flask app with only its blueprint: who may fetch tiles in the real app
is test_security_routes.py's business, what the browser sees is tests/browser/test_tiles_offline.py's.
"""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np
import pytest
from flask import Flask
from PIL import Image

from components.map_layers import TILE_PATH
from config import get_settings
from routes import tiles
from routes.tiles import BLANK_CACHE, STALE_CACHE, TILE_CACHE, blank_png, cache_path


def png_tile(z: int, x: int, y: int, version: int) -> bytes:
    """A real 256 px PNG whose colour tells the tile and the server's version apart."""
    img = np.full((256, 256, 3), (z * 10 % 256, x % 256, (y + version * 50) % 256), dtype=np.uint8)
    ok, buf = cv2.imencode(".png", img)
    assert ok
    return buf.tobytes()


class TileServer:
    """`/{z}/{x}/{y}.png` answers png_tile(z, x, y, version); `mode` makes it answer 503, 404 or HTML."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        self.version = 1
        self.mode = "ok"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("User-Agent", "")))
                if server.mode == "503":
                    return self._send(503, "text/plain", b"busy")
                if server.mode == "404":
                    return self._send(404, "text/plain", b"no tile here")
                if server.mode == "html":
                    return self._send(200, "text/html", b"<html>Please log in to the Wi-Fi</html>")
                z, x, y = (int(p) for p in self.path.removesuffix(".png").strip("/").split("/"))
                self._send(200, "image/png", png_tile(z, x, y, server.version))

            def _send(self, code: int, ctype: str, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def tile_server() -> Iterator[TileServer]:
    server = TileServer()
    yield server
    server.close()


@pytest.fixture
def proxy(tmp_path, monkeypatch):
    """configure(TILE_URL) -> a test client of the tile route with DATA_DIR under tmp_path."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # a CI proxy must not see loopback requests
    tiles.upstream.reset()  # the quiet time after a failure is per process: none from other tests

    def configure(tile_url: str):
        monkeypatch.setenv("TILE_URL", tile_url)
        get_settings.cache_clear()
        app = Flask(__name__)
        app.register_blueprint(tiles.bp)
        return app.test_client()

    yield configure
    tiles.upstream.reset()
    get_settings.cache_clear()


def url(z: int, x: int, y: int) -> str:
    # The map's own tile URL template (components/map_layers.py), so the two cannot drift apart.
    return TILE_PATH.format(z=z, x=x, y=y)


def assert_blank(resp) -> None:
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert resp.headers["Cache-Control"] == BLANK_CACHE
    assert resp.data == blank_png()
    img = Image.open(io.BytesIO(resp.data))
    assert img.size == (256, 256)
    assert img.getchannel("A").getextrema() == (0, 0)  # fully transparent: the map shows through


@pytest.fixture
def refused_port() -> Iterator[socket.socket]:
    """A loopback socket bound but not listening: connections to its port are refused, and no other
    program can take the port while the test holds it. Call .listen() to make it accept."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock
    sock.close()


def no_connection_arrived(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        conn, _ = sock.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def test_a_tile_is_fetched_once_then_served_from_the_cache(proxy, tile_server, tmp_path):
    client = proxy(tile_server.url)
    first = client.get(url(12, 3276, 2067))
    assert first.status_code == 200 and first.mimetype == "image/png"
    assert first.data == png_tile(12, 3276, 2067, 1)
    assert first.headers["Cache-Control"] == TILE_CACHE and first.headers.get("ETag")
    assert [p for p, _ in tile_server.requests] == ["/12/3276/2067.png"]
    agent = tile_server.requests[0][1]
    assert agent.startswith("LawangJabo/") and "python-requests" not in agent  # who is asking, honestly

    path = cache_path(get_settings(), 12, 3276, 2067)
    assert path.is_relative_to(tmp_path / "data" / "tiles") and path.read_bytes() == first.data
    assert [p.name for p in path.parent.iterdir()] == ["2067.tile"]  # no temporary file left behind

    tile_server.version = 2  # the server has changed the tile: the cached one is still fresh
    second = client.get(url(12, 3276, 2067))
    assert second.status_code == 200 and second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Cache-Control"] == TILE_CACHE
    revalidated = client.get(url(12, 3276, 2067), headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.data == b""
    assert len(tile_server.requests) == 1


def test_another_tile_server_has_its_own_cache(proxy, tile_server):
    client = proxy(tile_server.url)
    client.get(url(5, 25, 15))
    other = get_settings().tile_url.replace("{z}/{x}/{y}", "v2/{z}/{x}/{y}")
    assert cache_path(get_settings(), 5, 25, 15).exists()
    proxy(other)
    assert not cache_path(get_settings(), 5, 25, 15).exists()


def test_a_refused_server_gives_a_blank_tile_then_is_left_alone_for_a_while(proxy, refused_port):
    port = refused_port.getsockname()[1]
    client = proxy(f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png")
    assert_blank(client.get(url(12, 3276, 2067)))
    assert tiles.upstream.is_down()
    assert not cache_path(get_settings(), 12, 3276, 2067).exists()  # a blank tile is never cached

    # Now the port accepts: a request that tried the server would show up as a connection.
    refused_port.listen(8)
    for x in range(3270, 3276):
        assert_blank(client.get(url(12, x, 2067)))
    assert no_connection_arrived(refused_port)


def test_the_server_is_asked_again_once_the_quiet_time_is_over(proxy, tile_server, monkeypatch):
    client = proxy(tile_server.url)
    tile_server.mode = "503"
    assert_blank(client.get(url(3, 1, 1)))
    assert_blank(client.get(url(3, 1, 2)))
    assert len(tile_server.requests) == 1  # the 503 silenced it

    tiles.upstream.reset()
    monkeypatch.setattr(tiles, "DOWN_FOR_S", 0.0)  # a failure now silences it for no time at all
    assert_blank(client.get(url(3, 1, 3)))
    tile_server.mode = "ok"
    resp = client.get(url(3, 1, 4))
    assert resp.status_code == 200 and resp.data == png_tile(3, 1, 4, 1)
    assert len(tile_server.requests) == 3


def test_a_stale_tile_is_served_while_the_server_fails_and_replaced_when_it_is_back(proxy, tile_server):
    client = proxy(tile_server.url)
    old = client.get(url(10, 818, 516)).data
    path = cache_path(get_settings(), 10, 818, 516)
    month_ago = time.time() - 31 * 86_400  # TILE_CACHE_DAYS is 30 by default
    os.utime(path, (month_ago, month_ago))

    tile_server.mode, tile_server.version = "503", 2
    stale = client.get(url(10, 818, 516))
    assert stale.status_code == 200 and stale.data == old
    assert stale.headers["Cache-Control"] == STALE_CACHE and stale.headers.get("ETag")
    assert path.read_bytes() == old  # a failure never throws the old tile away

    tiles.upstream.reset()
    tile_server.mode = "ok"
    fresh = client.get(url(10, 818, 516))
    assert fresh.data == png_tile(10, 818, 516, 2) != old
    assert fresh.headers["Cache-Control"] == TILE_CACHE
    assert path.read_bytes() == fresh.data and time.time() - path.stat().st_mtime < 86_400
    assert len(tile_server.requests) == 3


def test_a_missing_tile_is_blank_and_leaves_the_server_in_use(proxy, tile_server):
    client = proxy(tile_server.url)
    tile_server.mode = "404"
    assert_blank(client.get(url(18, 200_000, 130_000)))
    assert not tiles.upstream.is_down()
    tile_server.mode = "ok"
    assert client.get(url(18, 200_000, 130_001)).data == png_tile(18, 200_000, 130_001, 1)
    assert len(tile_server.requests) == 2


def test_a_page_that_is_not_an_image_is_never_served_as_a_tile(proxy, tile_server):
    client = proxy(tile_server.url)
    tile_server.mode = "html"  # a captive portal answers every URL with its login page
    assert_blank(client.get(url(4, 12, 7)))
    assert not cache_path(get_settings(), 4, 12, 7).exists()
    assert tiles.upstream.is_down()  # every tile would get the same page: stop asking


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/20/0/0.png",
        "/tiles/3/8/0.png",
        "/tiles/3/0/8.png",
        "/tiles/-1/0/0.png",
        "/tiles/0/-1/0.png",
        "/tiles/0/0/-1.png",
        "/tiles/0/1/0.png",
        "/tiles/99999999999999999999999/0/0.png",
        "/tiles/1/0/0.jpg",
        "/tiles/1/0/a.png",
    ],
)
def test_tiles_outside_the_pyramid_are_not_found(proxy, tile_server, tmp_path, path):
    client = proxy(tile_server.url)
    assert client.get(path).status_code == 404
    assert tile_server.requests == []
    assert not (tmp_path / "data" / "tiles").exists()


def test_the_deepest_corner_tile_is_served(proxy, tile_server):
    client = proxy(tile_server.url)
    last = 2**19 - 1
    assert client.get(url(19, last, last)).data == png_tile(19, last, last, 1)
    assert client.get(url(0, 0, 0)).data == png_tile(0, 0, 0, 1)
