"""`python -m demo.run` (behind `make run`): prepares the database, serves the app, leaves no orphans."""

from __future__ import annotations

import http.cookiejar
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL_LINE = "Lawang Jabo berjalan di "
START_TIMEOUT_S = 180


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    drop = ("DATABASE_URL", "DEBUG", "HOST", "ELAPOR_URL", "ELAPOR_TOKEN", "ELAPOR_TOKEN_FILE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'launcher.db'}",
        DATA_DIR=str(tmp_path / "data"),
        SEED_COMPLAINTS="2000",
        HOST="127.0.0.1",
        PORT=str(_free_port()),
        # A free port for the e-Lapor simulator too: a developer's `make run` may hold 8062.
        ELAPOR_SIM_PORT=str(_free_port()),
        CAMERA_SIM_PORT=str(_free_port()),
        DEBUG="false",
    )
    env.update(overrides)
    return env


class Launcher:
    """A running launcher whose merged stdout/stderr is drained by a thread (a full pipe would block it)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "demo.run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self._queue.put(line)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, prefix: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None and self._queue.empty():
                    pytest.fail(f"launcher exited {self.proc.returncode} before {prefix!r}:\n{self.output}")
                continue
            if line.startswith(prefix):
                return line.strip()
        pytest.fail(f"no {prefix!r} line within {timeout} s:\n{self.output}")


@pytest.fixture
def launch() -> Iterator[callable]:
    started: list[Launcher] = []

    def _launch(env: dict[str, str]) -> Launcher:
        started.append(Launcher(env))
        return started[-1]

    yield _launch
    for launcher in started:  # a failed test must not leave a server running
        if launcher.proc.poll() is None:
            launcher.proc.send_signal(signal.SIGTERM)
            try:
                launcher.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                launcher.proc.kill()
                launcher.proc.wait()


def _start_time(pid: int) -> str | None:
    """Start time of a live (non-zombie) process, or None; with the pid it names a process uniquely."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def _descendants(pid: int) -> dict[int, str]:
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found and (started := _start_time(child)) is not None:
                    found[child] = started
                    todo.append(child)
    return found


def _still_running(procs: dict[int, str], grace_s: float = 5.0) -> dict[int, str]:
    deadline = time.monotonic() + grace_s
    while True:
        alive = {pid: st for pid, st in procs.items() if _start_time(pid) == st}
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def _get(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=30) as resp:
        return resp.status


def _printed_logins(output: str) -> dict[str, tuple[str, str]]:
    """role -> (username, password) from the launcher's "login demo" lines."""
    found = re.findall(r"^lawang-jabo:\s+(staf|pimpinan|admin)\s+(\S+)\s+(\S+)$", output, re.M)
    return {role: (username, password) for role, username, password in found}


def _logs_in(url: str, username: str, password: str) -> bool:
    """Whether the login form accepts these credentials (a real form POST with its token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )
    with opener.open(url + "/masuk", timeout=30) as resp:
        csrf = re.search(r'name="csrf" value="([^"]+)"', resp.read().decode()).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrf": csrf, "next": "/"})
    try:
        with opener.open(url + "/masuk", data=data.encode(), timeout=30) as resp:
            return urllib.parse.urlsplit(resp.url).path == "/"  # redirected to the overview
    except urllib.error.HTTPError:
        return False


def test_launcher_seeds_an_empty_database_serves_the_app_and_ctrl_c_stops_every_child(tmp_path, launch):
    launcher = launch(_env(tmp_path))
    line = launcher.wait_for_line(URL_LINE, START_TIMEOUT_S)
    url = line.removeprefix(URL_LINE).split()[0]

    assert _get(url + "/") == 200
    assert "mengisi data demo" in launcher.output
    logins = _printed_logins(launcher.output)
    assert set(logins) == {"staf", "pimpinan", "admin"}
    for role, (username, password) in logins.items():
        assert _logs_in(url, username, password), f"the printed {role} login does not work"
    assert not _logs_in(url, "admin", "bukan-kata-sandinya")
    children = _descendants(launcher.proc.pid)
    assert children, f"the launcher started no child process:\n{launcher.output}"

    launcher.proc.send_signal(signal.SIGINT)
    assert launcher.proc.wait(timeout=30) == 0, launcher.output
    assert _still_running(children) == {}, f"orphans left behind:\n{launcher.output}"


def test_launcher_exits_non_zero_naming_a_child_that_dies_on_its_own(tmp_path, launch):
    launcher = launch(_env(tmp_path, SEED_COMPLAINTS="0"))
    launcher.wait_for_line(URL_LINE, START_TIMEOUT_S)
    children = _descendants(launcher.proc.pid)
    web_pid = int(re.search(r"web dimulai \(pid (\d+)\)", launcher.output).group(1))

    os.kill(web_pid, signal.SIGKILL)

    assert launcher.proc.wait(timeout=30) != 0
    assert "'web'" in launcher.output and "SIGKILL" in launcher.output
    assert _still_running(children) == {}, f"orphans left behind:\n{launcher.output}"


def test_launcher_does_not_reseed_a_database_that_has_complaints(tmp_path, launch):
    first = launch(_env(tmp_path, SEED_COMPLAINTS="200"))
    first.wait_for_line(URL_LINE, START_TIMEOUT_S)
    first.proc.send_signal(signal.SIGTERM)
    assert first.proc.wait(timeout=30) == 0, first.output

    second = launch(_env(tmp_path, SEED_COMPLAINTS="200"))
    second.wait_for_line(URL_LINE, START_TIMEOUT_S)
    second.proc.send_signal(signal.SIGINT)
    assert second.proc.wait(timeout=30) == 0, second.output
    assert "mengisi data demo" not in second.output
    # The demo logins are made once and printed again on every start.
    assert _printed_logins(second.output) == _printed_logins(first.output) != {}


@pytest.mark.parametrize(
    ("setting", "value"),
    [("PORT", "abc"), ("DATABASE_URL", "mysql://root@localhost/lawangjabo")],
)
def test_a_bad_setting_exits_2_with_one_line_naming_it(tmp_path, setting, value):
    result = subprocess.run(
        [sys.executable, "-m", "demo.run"],
        cwd=ROOT,
        env=_env(tmp_path, **{setting: value}),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("configuration error: ") and setting in lines[0]
    assert result.stdout == ""


def test_launcher_refuses_a_port_another_process_already_serves(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "demo.run"],
            cwd=ROOT,
            env=_env(tmp_path, PORT=str(port), SEED_COMPLAINTS="0"),
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"PORT {port}" in result.stderr
    assert URL_LINE not in result.stdout
