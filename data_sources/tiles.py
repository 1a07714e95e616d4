"""Map tiles from the configured tile server (TILE_URL), fetched by our server for the tile proxy.

One GET per tile with a short deadline and an honest User-Agent (OpenStreetMap's tile usage
policy blocks clients that hide who they are). The answer must be an image: a tile server's HTML
error page or a captive portal's login page is a failure, never a tile.
"""

from __future__ import annotations

import time

import requests

USER_AGENT = "LawangJabo/1.0 (+Command Center Kota Palembang; server-side tile cache)"
MAX_TILE_BYTES = 2 * 1024 * 1024  # a 256 px tile is tens of kilobytes: stop reading a runaway body
READ_CHUNK = 64 * 1024
# Magic numbers of the formats tile servers send; the extension in our URL says nothing.
IMAGE_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"))


class TileUnavailable(Exception):
    """The tile server did not give the tile.

    `server_down` is true when the server itself failed (no connection, timeout, 5xx, 429, or a
    page that is not an image, as a captive portal or a proxy's error page answers every URL): the
    caller should stop asking it for a while. A 404 or an oversized body concerns one tile only
    (a local tile server covering only the city answers 404 outside it).
    """

    def __init__(self, reason: str, *, server_down: bool) -> None:
        super().__init__(reason)
        self.server_down = server_down


def image_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG, GIF or WebP image by its first bytes, else None."""
    for magic, mime in IMAGE_TYPES:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def tile_url(template: str, z: int, x: int, y: int) -> str:
    """The URL of tile z/x/y in a Leaflet-style template ({s}, {z}, {x}, {y}, {-y}, {r})."""
    # Plain replacement, not str.format: a template may hold other braces (an API key's name).
    values = {"{s}": "a", "{z}": str(z), "{x}": str(x), "{y}": str(y), "{-y}": str((1 << z) - 1 - y)}
    values["{r}"] = ""  # no retina tiles: the map asks for 256 px tiles
    url = template
    for key, value in values.items():
        url = url.replace(key, value)
    return url


def fetch_tile(template: str, z: int, x: int, y: int, timeout_s: float) -> bytes:
    """The image bytes of tile z/x/y from the tile server; raises TileUnavailable.

    Connecting and each read wait at most `timeout_s`, and the body is abandoned once `timeout_s`
    has passed since the start, so a server trickling bytes holds a web thread at most about
    twice the timeout.
    """
    url = tile_url(template, z, x, y)
    start = time.monotonic()
    try:
        # Environment proxies are honoured (HTTPS_PROXY): a city network may reach the internet
        # only through one.
        with requests.get(
            url,
            headers={"User-Agent": USER_AGENT, "Accept": "image/png,image/*;q=0.8"},
            timeout=(timeout_s, timeout_s),
            stream=True,
        ) as resp:
            if resp.status_code != 200:
                down = resp.status_code == 429 or resp.status_code >= 500
                raise TileUnavailable(f"HTTP {resp.status_code} from {url}", server_down=down)
            body = bytearray()
            for chunk in resp.iter_content(READ_CHUNK):
                body += chunk
                if len(body) > MAX_TILE_BYTES:
                    raise TileUnavailable(f"more than {MAX_TILE_BYTES} bytes from {url}", server_down=False)
                if time.monotonic() - start > timeout_s:
                    raise TileUnavailable(f"{url} took over {timeout_s:g} s", server_down=True)
    except requests.RequestException as exc:
        raise TileUnavailable(f"{type(exc).__name__} for {url}", server_down=True) from exc
    data = bytes(body)
    if image_type(data) is None:
        raise TileUnavailable(f"not an image from {url} ({len(data)} bytes)", server_down=True)
    return data
