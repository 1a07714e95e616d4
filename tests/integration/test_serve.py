"""`python -m deploy.serve` (behind `make serve`) on loopback: gunicorn with two workers and the
scheduler on a temporary DATA_DIR and a database of the configured back end.

A login made on one request is honoured by whichever worker serves the next ones (the access log
names the worker of each request); SIGTERM stops every child; a child that dies stops the rest;
two supervisors on one database run one scheduler, the other standing by until it stops.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from store.users import create_user
from tests.integration.test_launcher import _descendants, _free_port, _still_running

ROOT = Path(__file__).resolve().parents[2]
READY = "Lawang Jabo (produksi) berjalan di "
START_TIMEOUT_S = 120.0
# Gunicorn's access log with the worker's pid: "<pid> METHOD /path STATUS".
ACCESS_FORMAT = "%(p)s %(m)s %(U)s %(s)s"
ACCESS_LINE = re.compile(r"^<(\d+)> (GET|POST) (\S+) (\d{3})$")


def _env(tmp_path: Path, db_url: str, **overrides: str) -> dict[str, str]:
    drop = ("DATABASE_URL", "DEBUG", "HOST", "REDIS_URL", "REDIS_URL_FILE", "SECRET_KEY", "SECRET_KEY_FILE")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("ELAPOR_", "OPEN311_"))}
    env.update(
        DATABASE_URL=db_url,
        DATA_DIR=str(tmp_path / "data"),
        HOST="127.0.0.1",
        PORT=str(_free_port()),
        WEB_WORKERS="2",
        WEB_THREADS="1",
        # The scheduler runs its jobs against nothing: a feed on a closed port fails at once.
        ELAPOR_URL=f"http://127.0.0.1:{_free_port()}",
        ELAPOR_TOKEN="uji",
        ELAPOR_MAX_RETRIES="0",
        GUNICORN_CMD_ARGS=f"--access-logfile=- --access-logformat='{ACCESS_FORMAT}'",
    )
    env.update(overrides)
    return env


class Serve:
    """A running supervisor whose merged output is drained by a thread (a full pipe would block it)."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.port = env["PORT"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deploy.serve", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self.lines: list[str] = []
        self._drained = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
        self._drained.set()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = START_TIMEOUT_S) -> str:
        """The first output line containing `text` (printed before the call or after)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            exited = self.proc.poll() is not None
            for line in list(self.lines):
                if text in line:
                    return line.strip()
            if exited:
                self._drained.wait(5)
                if not any(text in line for line in self.lines):
                    pytest.fail(f"serve exited {self.proc.returncode} before {text!r}:\n{self.output}")
            time.sleep(0.05)
        pytest.fail(f"no {text!r} within {timeout} s:\n{self.output}")

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def serve():
    started: list[Serve] = []

    def _serve(env: dict[str, str], *args: str) -> Serve:
        started.append(Serve(env, *args))
        return started[-1]

    yield _serve
    for s in started:  # a failed test must not leave a server running
        if s.proc.poll() is None:
            s.proc.send_signal(signal.SIGTERM)
            try:
                s.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                s.proc.kill()
                s.proc.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _client() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
    )


def _status(opener, url: str, data: bytes | None = None) -> tuple[int, str]:
    """(status, body) without following redirects."""
    try:
        with opener.open(url, data=data, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def _login(opener, url: str, username: str, password: str) -> int:
    status, body = _status(opener, url + "/masuk")
    assert status == 200, f"GET /masuk: HTTP {status}"
    csrf = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
    form = {"username": username, "password": password, "csrf": csrf, "next": "/statistik"}
    return _status(opener, url + "/masuk", urllib.parse.urlencode(form).encode())[0]


def _workers_of(server: Serve, path: str) -> dict[int, set[str]]:
    """pid -> statuses of the requests for `path` that gunicorn's access log shows it served."""
    served: dict[int, set[str]] = {}
    for line in server.lines:
        m = ACCESS_LINE.match(line.strip())
        if m and m.group(3) == path:
            served.setdefault(int(m.group(1)), set()).add(m.group(4))
    return served


def _schedulers(pid: int) -> list[int]:
    """The `python -m jobs` processes among `pid`'s descendants."""
    found = []
    for child in _descendants(pid):
        try:
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv[1:3] == [b"-m", b"jobs"]:
            found.append(child)
    return found


def _wait_until(check, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout} s")
        time.sleep(0.05)
    return value


def test_two_workers_honour_one_login_and_sigterm_stops_every_child(tmp_path, db_url, engine, serve):
    password = secrets.token_urlsafe(12)
    create_user(engine, "uji_staf", "staf", password, display_name="Uji Staf")
    server = serve(_env(tmp_path, db_url))
    server.wait_for(READY)
    url = server.url()
    assert "mengisi data demo" not in server.output and "simulator" not in server.output
    # Each worker reads the statistics columns as it starts (deploy/gunicorn_hooks.py).
    server.wait_for("statistics columns ready", timeout=60)

    assert _status(_client(), url + "/statistik")[0] == 302  # anonymous: sent to /masuk
    staff = _client()
    assert _login(staff, url, "uji_staf", password) == 303
    # Concurrent requests until both workers have served the page to this session.
    statuses: list[int] = []
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(4) as pool:
        while len(_workers_of(server, "/statistik")) < 2 and time.monotonic() < deadline:
            statuses += [s for s, _ in pool.map(lambda _: _status(staff, url + "/statistik"), range(8))]
            time.sleep(0.2)  # let the access log lines of the batch arrive
    served = _workers_of(server, "/statistik")
    assert len(served) == 2, f"one worker served everything:\n{server.output[-3000:]}"
    # Every request of the session was answered with the page: the worker that did not see the
    # login honoured it too.
    assert set(statuses) == {200}
    children = _descendants(server.proc.pid)
    assert len(children) >= 4, server.output  # scheduler, gunicorn master, two workers

    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=60) == 0, server.output
    assert _still_running(children) == {}, f"orphans left behind:\n{server.output}"
    assert "SIGTERM diterima" in server.output and "scheduler stopped" in server.output


def test_a_child_that_dies_stops_the_others_and_is_named(tmp_path, db_url, engine, serve):
    server = serve(_env(tmp_path, db_url, WEB_WORKERS="1"))
    server.wait_for(READY)
    children = _descendants(server.proc.pid)
    web_pid = int(re.search(r"web dimulai \(pid (\d+)", server.output).group(1))

    os.kill(web_pid, signal.SIGKILL)

    assert server.proc.wait(timeout=60) == 1
    assert "proses 'web' berhenti sendiri (sinyal SIGKILL)" in server.output
    assert _still_running(children) == {}, f"orphans left behind:\n{server.output}"


def test_two_supervisors_on_one_database_run_one_scheduler_and_the_other_takes_over(
    tmp_path, db_url, engine, serve
):
    env = _env(tmp_path, db_url, WEB_WORKERS="1")
    first = serve(env, "--standby-retry-seconds=1")
    first.wait_for(READY)
    first.wait_for("scheduler started")

    second = serve({**env, "PORT": str(_free_port())}, "--standby-retry-seconds=1")
    second.wait_for("bersiaga")
    second.wait_for(READY)
    # Both serve pages; the second keeps retrying the lock without dying or logging each try.
    assert _status(_client(), second.url() + "/masuk")[0] == 200
    first_try = int(re.search(r"scheduler dimulai \(pid (\d+)", second.output).group(1))
    _wait_until(lambda: set(_schedulers(second.proc.pid)) - {first_try}, "a retried standby scheduler")
    assert second.proc.poll() is None
    assert "scheduler started" not in second.output
    assert second.output.count("another scheduler is already running") == 1

    first.proc.send_signal(signal.SIGTERM)
    assert first.proc.wait(timeout=60) == 0, first.output
    second.wait_for("scheduler started")
    children = _descendants(second.proc.pid)

    second.proc.send_signal(signal.SIGINT)
    assert second.proc.wait(timeout=60) == 0, second.output
    assert _still_running(children) == {}, f"orphans left behind:\n{second.output}"
