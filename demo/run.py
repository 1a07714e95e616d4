"""Launcher behind `make run`: migrate, seed an empty database, start the app's processes, stop them all.

Every child runs in a process group of its own, so stopping one also stops whatever it spawned
(Flask's reloader in DEBUG, worker pools). Ctrl-C or SIGTERM stops every child; a child that dies
on its own stops the others and the launcher exits non-zero naming it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config import Settings

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.25


@dataclass(frozen=True)
class Child:
    """One process of the running app: `sys.executable *args` in the repo root."""

    name: str
    args: tuple[str, ...] | Callable[[Settings], tuple[str, ...]]
    ready_url: Callable[[Settings], str] | None = None  # polled until it answers 200
    env: Callable[[Settings], dict[str, str]] | None = None  # added to the child's environment
    wanted: Callable[[Settings], bool] | None = None  # started only when this says so

    def argv(self, settings: Settings) -> tuple[str, ...]:
        return self.args(settings) if callable(self.args) else self.args


def _browser_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def app_url(settings: Settings) -> str:
    return f"http://{_browser_host(settings.host)}:{settings.port}"


DEFAULT_ELAPOR_URL = "http://127.0.0.1:8062"
SIM_TOKEN = "demo-token"


def simulator_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.elapor_sim_port}"


def uses_simulator(settings: Settings) -> bool:
    """The demo feeds from the e-Lapor simulator unless ELAPOR_URL names another server."""
    return settings.elapor_url in ("", DEFAULT_ELAPOR_URL, simulator_url(settings))


def _scheduler_env(settings: Settings) -> dict[str, str]:
    if not uses_simulator(settings):
        return {}
    # The simulator accepts ELAPOR_TOKEN when one is set, else its demo token.
    return {"ELAPOR_URL": simulator_url(settings), "ELAPOR_TOKEN": settings.elapor_token or SIM_TOKEN}


def camsim_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.camera_sim_port}"


def _camsim_args(settings: Settings) -> tuple[str, ...]:
    # The simulator serves the registry's codes (cameras.yaml) when the file exists, else the demo list.
    args = ("-m", "demo.camsim", f"--port={settings.camera_sim_port}")
    if settings.cameras_file.is_file():
        args += (f"--cameras={settings.cameras_file}",)
    return args


# Started in this order, each ready before the next starts; stopped in reverse. The simulator
# starts two days back at 100x and catches up with real time in half an hour, so that the first
# sync finds a backlog and every later one finds new and moving complaints.
CHILDREN: tuple[Child, ...] = (
    Child(
        "elapor-sim",
        lambda s: ("-m", "demo.elapor_sim", f"--port={s.elapor_sim_port}", "--start=-2d", "--speed=100"),
        ready_url=lambda s: simulator_url(s) + "/health",
        wanted=uses_simulator,
    ),
    Child("camsim", _camsim_args, ready_url=lambda s: camsim_url(s) + "/health"),
    Child("scheduler", ("-m", "jobs"), env=_scheduler_env),
    Child("web", ("app.py",), ready_url=lambda s: app_url(s) + "/"),
)


class _Stop(Exception):
    pass


_stop_signal: list[int] = []


def _on_signal(signum: int, _frame: object) -> None:
    _stop_signal.append(signum)


def _say(message: str, *, error: bool = False) -> None:
    print(f"lawang-jabo: {message}", file=sys.stderr if error else sys.stdout, flush=True)


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: if the launcher is killed with SIGKILL and cannot
    # clean up, the kernel sends the child SIGTERM instead of leaving it running.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start(child: Child, settings: Settings) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(child.env(settings) if child.env else {})}
    return subprocess.Popen(
        [sys.executable, *child.argv(settings)],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # own process group: killpg reaches its descendants too
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def stop_all(procs: list[tuple[Child, subprocess.Popen]]) -> None:
    """Terminate every child's process group, wait, then kill what is left."""
    for _child, proc in reversed(procs):
        _signal_group(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for _child, proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    # Leaders are reaped above; descendants (e.g. the reloader's server) may still be exiting.
    while time.monotonic() < deadline and any(_group_alive(p.pid) for _c, p in procs):
        time.sleep(0.05)
    for child, proc in procs:
        if proc.poll() is None or _group_alive(proc.pid):
            _say(f"{child.name} tidak berhenti dalam {STOP_TIMEOUT_S:.0f} dtk; dipaksa (SIGKILL)", error=True)
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait()


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"sinyal {signal.Signals(-code).name}"
        except ValueError:
            return f"sinyal {-code}"
    return f"kode {code}"


def _check(procs: list[tuple[Child, subprocess.Popen]]) -> None:
    if _stop_signal:
        raise _Stop
    for child, proc in procs:
        code = proc.poll()
        if code is not None:
            raise ChildDied(child, code)


class ChildDied(Exception):
    def __init__(self, child: Child, code: int) -> None:
        super().__init__(f"proses '{child.name}' berhenti sendiri ({_exit_text(code)})")
        self.child = child


# No proxies: the app is on this machine, and an http_proxy setting must not route the check away.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers_200(url: str) -> bool:
    try:
        with _opener.open(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait_ready(url: str, procs: list[tuple[Child, subprocess.Popen]], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _check(procs)
        if _answers_200(url):
            return True
        time.sleep(POLL_S)
    return False


def _port_free(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return True  # the web process reports an unresolvable HOST itself
    family, _type, _proto, _name, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # Same option the web server sets, so a port in TIME_WAIT counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError:
            return False
    return True


def _num(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Indonesian digit grouping


def _describe(summary: dict) -> str:
    labels = {
        "complaints": "pengaduan",
        "events": "riwayat status",
        "cameras": "kamera",
        "open": "masih terbuka",
    }
    parts = [f"{_num(summary[key])} {label}" for key, label in labels.items() if key in summary]
    if summary.get("first_day") and summary.get("last_day"):
        parts.append(f"{summary['first_day']} s.d. {summary['last_day']}")
    return ", ".join(parts)


def _say_logins(engine, settings: Settings) -> None:
    from demo.users import FILE_NAME, ensure_demo_users

    lines = ensure_demo_users(engine, settings.data_dir)
    if lines:
        _say(f"login demo (peran, nama pengguna, kata sandi; juga di {settings.data_dir / FILE_NAME}):")
        for line in lines:
            _say(f"  {line}")


def prepare_database(settings: Settings) -> None:
    """Migrate the database, then seed the demo world when it holds no complaints."""
    from store.db import make_engine
    from store.migrate import is_empty, upgrade

    engine = make_engine(settings.database_url)
    try:
        _say(f"migrasi basis data {engine.url.render_as_string(hide_password=True)}")
        upgrade(engine)
        _say_logins(engine, settings)
        if not is_empty(engine):
            _say("basis data sudah berisi pengaduan; tidak diisi ulang")
            return
        if settings.seed_complaints == 0:
            _say("basis data kosong dan SEED_COMPLAINTS=0; tidak diisi data demo")
            return
        from demo.seed import seed

        _say(f"mengisi data demo: {_num(settings.seed_complaints)} pengaduan (sekali saja) ...")
        started = time.monotonic()
        summary = seed(engine, complaints=settings.seed_complaints, camera_sim_port=settings.camera_sim_port)
        _say(f"data demo selesai dalam {time.monotonic() - started:.1f} dtk: {_describe(summary)}")
    finally:
        engine.dispose()


def supervise(settings: Settings) -> int:
    """Start CHILDREN, wait until they answer, then watch them until a signal or a death."""
    if not _port_free(settings.host, settings.port):
        _say(f"PORT {settings.port} di {settings.host} sudah dipakai; pilih PORT lain", error=True)
        return 1
    if uses_simulator(settings) and not _port_free("127.0.0.1", settings.elapor_sim_port):
        _say(f"ELAPOR_SIM_PORT {settings.elapor_sim_port} sudah dipakai; pilih port lain", error=True)
        return 1
    if not _port_free("127.0.0.1", settings.camera_sim_port):
        _say(f"CAMERA_SIM_PORT {settings.camera_sim_port} sudah dipakai; pilih port lain", error=True)
        return 1
    if not uses_simulator(settings):
        _say(f"umpan e-Lapor dari {settings.elapor_url}; simulator tidak dijalankan")
    children = [c for c in CHILDREN if c.wanted is None or c.wanted(settings)]
    procs: list[tuple[Child, subprocess.Popen]] = []
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for child in children:
            _check(procs)
            procs.append((child, _start(child, settings)))
            _say(f"{child.name} dimulai (pid {procs[-1][1].pid})")
            if child.ready_url is None:
                continue
            # The scheduler syncs as soon as it starts: the simulator must be answering by then.
            url = child.ready_url(settings)
            if not _wait_ready(url, procs, READY_TIMEOUT_S):
                _say(f"{child.name} tidak menjawab di {url} dalam {READY_TIMEOUT_S:.0f} dtk", error=True)
                return 1
        print(f"Lawang Jabo berjalan di {app_url(settings)}  (Ctrl-C untuk berhenti)", flush=True)
        while True:
            _check(procs)
            time.sleep(POLL_S)
    except _Stop:
        _say(f"{signal.Signals(_stop_signal[0]).name} diterima; menghentikan semua proses")
        return 0
    except ChildDied as exc:
        _say(f"{exc}; menghentikan yang lain", error=True)
        return 1
    finally:
        stop_all(procs)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main() -> int:
    from config import ConfigError, load

    try:
        settings = load()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    from sqlalchemy.exc import OperationalError

    try:
        prepare_database(settings)
    except OperationalError as exc:
        print(f"database error: {str(exc.orig).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        _say("dibatalkan")
        return 130
    return supervise(settings)


if __name__ == "__main__":
    raise SystemExit(main())
