"""pytest fixtures over tests/streams/servers.py: `from tests.streams.fixtures import *` in a test module.

Session-scoped: starting gst-rtsp-server or an ffmpeg encoder costs a second or two, once.
A missing program skips on a laptop and fails in CI (tests.conftest.missing_tool).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from demo.camsim import SimCamera
from tests.conftest import missing_tool
from tests.streams import servers

__all__ = ["TEST_CAMERAS", "camsim_url", "garbage_port", "hang_port", "hls_stream", "refused", "rtsp_url"]

# The simulator's cameras for the tests: one per behaviour and kind that matters.
TEST_CAMERAS = [
    SimCamera("good-mjpeg", "Kamera Uji MJPEG", "mjpeg"),
    SimCamera("good-jpeg", "Kamera Uji JPEG", "jpeg"),
    SimCamera("good-hls", "Kamera Uji HLS", "hls"),
    SimCamera("frozen", "Kamera Beku", "mjpeg", "frozen"),
    SimCamera("dark", "Kamera Gelap", "mjpeg", "dark"),
    SimCamera("dead", "Kamera Mati", "mjpeg", "dead"),
    SimCamera("closed", "Kamera Tutup", "jpeg", "closed"),
    SimCamera("hang", "Kamera Macet", "jpeg", "hang"),
    SimCamera("stall", "Kamera Terhenti", "mjpeg", "stall"),
]


def _start(cm):
    try:
        return cm.__enter__()
    except servers.ToolMissing as exc:
        missing_tool(str(exc))


@pytest.fixture(scope="session")
def camsim_url() -> Iterator[str]:
    """Base URL of the camera simulator serving TEST_CAMERAS (HLS only when ffmpeg is installed)."""
    cm = servers.camsim_server(TEST_CAMERAS, hls=shutil.which("ffmpeg") is not None)
    yield cm.__enter__()
    cm.__exit__(None, None, None)


@pytest.fixture(scope="session")
def rtsp_url() -> Iterator[str]:
    """rtsp://127.0.0.1:<port>/cam served by gst-rtsp-server."""
    cm = servers.rtsp_server()
    yield _start(cm)
    cm.__exit__(None, None, None)


@pytest.fixture(scope="session")
def hls_stream() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """(playlist URL, requests seen) of a live HLS stream written by ffmpeg."""
    cm = servers.hls_server()
    yield _start(cm)
    cm.__exit__(None, None, None)


@pytest.fixture(scope="session")
def hang_port() -> Iterator[int]:
    with servers.hang_server() as port:
        yield port


@pytest.fixture(scope="session")
def garbage_port() -> Iterator[int]:
    with servers.garbage_server() as port:
        yield port


@pytest.fixture(scope="session")
def refused() -> Iterator[int]:
    with servers.refused_port() as port:
        yield port
