"""The map's tile proxy: /tiles/<z>/<x>/<y>.png from a disk cache, filled from TILE_URL.

Why a proxy: the browser asks only this server for tiles. With no network the maps still work
and the browser logs nothing (an image it cannot load is one console error per tile, about 40 a
map); a tile seen once is served from the cache for TILE_CACHE_DAYS, so a Command Center that
loses its uplink keeps the streets it has shown; and the tile server sees one client with an
honest User-Agent and a cache, as OpenStreetMap's tile usage policy asks, not every screen.

For one tile: a fresh cached file; else the tile server, unless it failed in this process less
than DOWN_FOR_S ago (an offline server must not hold a web thread for the timeout on every
tile); else the stale cached file; else a blank transparent tile with a short max-age. A valid
tile never gets an error status: the browser would log each one. The cache path is built from the
three validated integers and the configured TILE_URL only, never from request text. Public: the
anonymous Transparansi page shows a map, and tiles hold no data of ours.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import struct
import tempfile
import threading
import time
import zlib
from contextlib import suppress
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, request

from config import Settings, get_settings
from data_sources.tiles import TileUnavailable, fetch_tile, image_type

log = logging.getLogger("lawangjabo.tiles")

bp = Blueprint("tiles", __name__)

MAX_ZOOM = 19  # the TileLayer's maxZoom (components/map_layers.py)
FETCH_TIMEOUT_S = 3.0
DOWN_FOR_S = 60.0
# A tile changes rarely: a day in the browser, revalidated with the ETag after that.
TILE_CACHE = "public, max-age=86400"
# A stale tile (the server failed): shown, and asked again soon in case the server is back.
STALE_CACHE = "public, max-age=300"
# The blank stand-in: the browser asks again after a minute, when the server may answer.
BLANK_CACHE = "public, max-age=60"


class UpstreamState:
    """This process's memory of a tile server failure: until when the server is not asked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down_until = 0.0

    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def failed(self, reason: str) -> None:
        with self._lock:
            first = not self.is_down()
            self._down_until = time.monotonic() + DOWN_FOR_S
        if first:  # once per outage, not once per tile
            log.warning("tile server failed (%s); serving cached or blank tiles for %g s", reason, DOWN_FOR_S)

    def reset(self) -> None:
        with self._lock:
            self._down_until = 0.0


upstream = UpstreamState()


@cache
def blank_png() -> bytes:
    """A 256x256 fully transparent PNG (grey + alpha, all zero), built once."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 256, 256, 8, 4, 0, 0, 0)  # 8-bit grey + alpha
    rows = (b"\x00" + b"\x00\x00" * 256) * 256  # filter byte 0, then transparent pixels
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def cache_root(settings: Settings) -> Path:
    """The cache folder of the configured tile server: a changed TILE_URL starts a new cache."""
    host = re.sub(r"[^a-z0-9.-]", "_", (urlsplit(settings.tile_url).hostname or "tiles").lower())
    digest = hashlib.sha256(settings.tile_url.encode()).hexdigest()[:12]
    return settings.data_dir / "tiles" / f"{host}-{digest}"


def cache_path(settings: Settings, z: int, x: int, y: int) -> Path:
    """Where tile z/x/y is kept (the caller has validated the three integers)."""
    return cache_root(settings) / str(int(z)) / str(int(x)) / f"{int(y)}.tile"


def _read(path: Path) -> tuple[bytes, float] | None:
    """The cached image and its age in seconds, or None (absent, unreadable or not an image)."""
    try:
        with path.open("rb") as f:
            data = f.read()
            age = time.time() - os.fstat(f.fileno()).st_mtime
    except OSError:
        return None
    return (data, age) if image_type(data) else None


def _store(path: Path, data: bytes) -> None:
    # Written beside, then renamed: a reader in another thread or worker sees the old tile or the
    # new one, never half of one. A full or read-only disk costs the cache, not the answer.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        log.warning("tile cache: cannot write %s (%s)", path, exc.strerror or exc)


def _image(data: bytes, cache_control: str) -> Response:
    etag = hashlib.blake2b(data, digest_size=12).hexdigest()
    if request.if_none_match.contains(etag):
        resp = Response(status=304)
    else:
        resp = Response(data, mimetype=image_type(data))
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = cache_control
    return resp


def _blank() -> Response:
    resp = Response(blank_png(), mimetype="image/png")
    resp.headers["Cache-Control"] = BLANK_CACHE
    return resp


@bp.get("/tiles/<int(signed=True):z>/<int(signed=True):x>/<int(signed=True):y>.png")
def tile(z: int, x: int, y: int) -> Response:
    # z is checked first: 1 << z of a huge z from the URL would take the worker's memory.
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 1 << z and 0 <= y < 1 << z):
        abort(404)
    settings = get_settings()
    path = cache_path(settings, z, x, y)
    cached = _read(path)
    if cached is not None and cached[1] < settings.tile_cache_days * 86_400:
        return _image(cached[0], TILE_CACHE)
    if not upstream.is_down():
        try:
            data = fetch_tile(settings.tile_url, z, x, y, FETCH_TIMEOUT_S)
        except TileUnavailable as exc:
            if exc.server_down:
                upstream.failed(str(exc))
            else:
                log.info("tile %d/%d/%d: %s", z, x, y, exc)
        else:
            _store(path, data)
            return _image(data, TILE_CACHE)
    if cached is not None:
        return _image(cached[0], STALE_CACHE)
    return _blank()
