"""Real Chromium against a real `python app.py` on a seeded database of the configured back end.

The server runs in DEBUG (Dash dev tools on) so callback errors and invalid props show up in the
page, where the tests can see them; hot reload is off so no request polls in the background.
DEBUG also starts Werkzeug's reloader: editing the app's modules during a run restarts the server
and fails whichever test is talking to it at that moment.
The browser sees only the app: map tiles come from the app's tile proxy (routes/tiles.py), whose
TILE_URL is a refused loopback port: every browser test sees the maps as a Command Center with
no network does. Any request that leaves the machine is blocked and reported.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from store.db import make_engine
from store.migrate import upgrade
from tests.conftest import missing_tool, new_database_url

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "var" / "screenshots"
SERVER_START_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers_200(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    # The server runs in its own process group: in DEBUG the reloader's child is the real server.
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


# Test users of every app server, by base URL: role -> (username, password). The passwords are
# random per run; nothing here is a credential of a real deployment.
USERS: dict[str, dict[str, tuple[str, str]]] = {}
ROLES = ("staf", "pimpinan", "admin")


def create_test_users(url: str) -> dict[str, tuple[str, str]]:
    """One active user per role in the database at `url`, with fresh random passwords."""
    import secrets

    from store.users import create_user, get_user, set_password

    engine = make_engine(url)
    made = {}
    try:
        for role in ROLES:
            username, password = f"uji_{role}", secrets.token_urlsafe(12)
            if get_user(engine, username) is None:
                create_user(engine, username, role, password, display_name=f"Uji {role.title()}")
            else:
                set_password(engine, username, password)
            made[role] = (username, password)
    finally:
        engine.dispose()
    return made


def login_as(page, base_url: str, role: str) -> None:
    """Log the page's browser context in as the test user of `role` (through the real form)."""
    username, password = USERS[base_url][role]
    form = page.request.get(f"{base_url}/masuk")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text())
    assert csrf, f"no login form at {base_url}/masuk (HTTP {form.status})"
    resp = page.request.post(
        f"{base_url}/masuk",
        form={"username": username, "password": password, "csrf": csrf.group(1), "next": "/"},
        max_redirects=0,
    )
    assert resp.status == 303, f"login as {role} failed: HTTP {resp.status}"


def logout(page, base_url: str) -> None:
    """Forget the page's session (back to an anonymous visitor)."""
    page.context.clear_cookies()


@dataclass(frozen=True)
class AppServer:
    url: str
    log_path: Path

    def log_since(self, offset: int) -> str:
        """The server's output written after byte `offset` (tracebacks of failed callbacks)."""
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    """`python app.py` serving a migrated database seeded with 3,000 demo complaints."""
    from demo.seed import seed

    tmp = tmp_path_factory.mktemp("browser")
    url, cleanup = new_database_url(tmp)
    engine = make_engine(url)
    try:
        upgrade(engine)
        seed(engine, complaints=3000, days=400, seed=7)
    finally:
        engine.dispose()

    try:
        with serve_app(url, tmp) as server:
            yield server
    finally:
        cleanup()


@contextlib.contextmanager
def serve_app(
    url: str, tmp: Path, extra_env: dict[str, str] | None = None, probe: str = "/"
) -> Iterator[AppServer]:
    """Run `python app.py` on the database `url` and a free port until the block ends.

    The database gets one test user per role first; `login_as(page, server.url, role)` uses them.
    """
    port = _free_port()
    users = create_test_users(url)
    # Bound but never listening: connections to it are refused, and no other program can take the
    # port while the server runs. The tile proxy's upstream, i.e. the map with no network.
    no_tile_server = socket.socket()
    no_tile_server.bind(("127.0.0.1", 0))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(tmp / "data"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DEBUG": "true",
        "DASH_HOT_RELOAD": "false",
        "TILE_URL": f"http://127.0.0.1:{no_tile_server.getsockname()[1]}/{{z}}/{{x}}/{{y}}.png",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log_path = tmp / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _answers_200(base + probe):
            if proc.poll() is not None or time.monotonic() > deadline:
                state = f"exited {proc.returncode}" if proc.poll() is not None else "no answer"
                pytest.fail(
                    f"app.py did not serve {base}{probe} ({state}); log:\n{log_path.read_text()[-4000:]}"
                )
            time.sleep(0.25)
        USERS[base] = users
        yield AppServer(base, log_path)
    finally:
        USERS.pop(base, None)
        _stop(proc)
        no_tile_server.close()


@pytest.fixture(scope="session")
def live_app(app_server: AppServer) -> str:
    """Base URL of the app server, e.g. http://127.0.0.1:41234."""
    return app_server.url


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session (never a Playwright-downloaded browser)."""
    if not CHROMIUM.exists():
        missing_tool("chromium is not installed (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _page(browser, live_app: str, role: str | None):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    app_origin = urlsplit(live_app).netloc
    errors: list[str] = []

    def outside(route) -> None:
        errors.append(f"request leaves the machine: {route.request.url}")
        route.abort("blockedbyclient")

    context.route(lambda url: urlsplit(url).netloc != app_origin and url.startswith("http"), outside)
    pg = context.new_page()
    pg.errors = errors
    # Dash logs a failed callback with the whole debugger page; the first lines say enough.
    pg.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text[:400]}"))
    pg.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))

    def failed_response(resp) -> None:
        if resp.status < 400 or urlsplit(resp.url).netloc != app_origin:
            return
        # In DEBUG the body is Werkzeug's debugger page, whose title is the exception.
        try:
            body = resp.text()
        except Exception:  # the body can be gone after a navigation; the status still counts
            body = ""
        title = re.search(r"<title>(.*?)</title>", body, re.S)
        reason = html.unescape(title.group(1)).split(" // ")[0].strip() if title else ""
        errors.append(f"HTTP {resp.status} {resp.request.method} {urlsplit(resp.url).path}: {reason}")

    pg.on("response", failed_response)
    if role is not None:
        login_as(pg, live_app, role)
    return pg


@pytest.fixture
def page(browser, live_app):
    """A fresh context and page, logged in as admin (who may see every page); `page.errors`
    collects console errors, page errors, failed app responses and blocked outside requests, so a
    test can assert `page.errors == []`. `login_as(page, live_app, role)` switches to another role."""
    pg = _page(browser, live_app, "admin")
    yield pg
    pg.context.close()


@pytest.fixture
def anon_page(browser, live_app):
    """Like `page`, for an anonymous visitor of the public side (no login)."""
    pg = _page(browser, live_app, None)
    yield pg
    pg.context.close()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
