"""A browser test server with the camera world (tests/fixtures/cameras_world.py) and its own page fixture."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from store.db import make_engine
from store.migrate import upgrade
from tests.browser.conftest import login_as, serve_app
from tests.conftest import new_database_url
from tests.fixtures import cameras_world

BOUNDARIES = Path("/work/shared/data/palembang/palembang_kecamatan_dari_kelurahan.geojson")
ROOT_BOUNDARIES = (
    Path(__file__).resolve().parents[3] / "shared/data/palembang/palembang_kecamatan_dari_kelurahan.geojson"
)


@dataclass
class CameraApp:
    url: str
    db_url: str
    world: cameras_world.World


def boundaries_path() -> Path:
    for p in (ROOT_BOUNDARIES, BOUNDARIES):
        if p.exists():
            return p
    pytest.skip("the kecamatan boundaries GeoJSON of ../shared/data/palembang is not here")


@pytest.fixture(scope="module")
def camera_app(tmp_path_factory):
    """`python app.py` on the camera world plus 3,000 demo complaints, with BOUNDARIES_PATH set."""
    from demo.seed import seed

    tmp = tmp_path_factory.mktemp("cameras")
    snap = tmp / "snapshots"
    snap.mkdir()
    url, cleanup = new_database_url(tmp)
    engine = make_engine(url)
    try:
        upgrade(engine)
        world = cameras_world.build(engine, snap)  # before the seeder, which then adds no cameras
        seed(engine, complaints=3000, days=400, seed=7)
    finally:
        engine.dispose()
    env = {
        "SNAPSHOT_DIR": str(snap),
        "BOUNDARIES_PATH": str(boundaries_path()),
        "LIVE_REFRESH_S": "2",
        # Stale after 20 minutes: the world's 30-minute-old camera is stale, fresh ones stay fresh.
        "SNAPSHOT_INTERVAL_S": "600",
    }
    try:
        with serve_app(url, tmp, extra_env=env, probe="/kamera") as server:
            yield CameraApp(server.url, url, world)
    finally:
        cleanup()


@pytest.fixture
def cam_page(browser, camera_app):
    """A page on the camera app; `cam_page.errors` collects console errors and outside requests."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    origin = urlsplit(camera_app.url).netloc
    errors: list[str] = []

    def outside(route) -> None:
        errors.append(f"request leaves the machine: {route.request.url}")
        route.abort("blockedbyclient")

    context.route(lambda u: urlsplit(u).netloc != origin and u.startswith("http"), outside)
    pg = context.new_page()
    pg.errors = errors
    # The machine is shared: generous waits, never sleeps (every wait is for a condition).
    pg.set_default_navigation_timeout(90_000)
    pg.set_default_timeout(60_000)
    pg.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text[:400]}"))
    pg.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    login_as(pg, camera_app.url, "admin")
    yield pg
    context.close()
