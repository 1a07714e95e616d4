"""Production supervisor behind `make serve`: migrate, then gunicorn and the scheduler, stop both.

    python -m deploy.serve                  migrate; gunicorn app:server + the scheduler
    python -m deploy.serve --web-only       migrate; gunicorn only (an extra web host)
    python -m deploy.serve --scheduler-only migrate; the scheduler only

No demo data and no simulators (that is `make run`). Gunicorn serves `app:server` on HOST:PORT
with WEB_WORKERS processes of WEB_THREADS threads; the scheduler (`python -m jobs`) is one
separate process. Several hosts may run this against one PostgreSQL database: migrations are
serialized by an advisory lock, and the scheduler of every host but one finds the scheduler lock
taken (exit 3) and stands by, trying again every --standby-retry-seconds, so it takes over when
the running one stops. SIGTERM or SIGINT stops both children (gunicorn finishes its requests);
SIGHUP makes gunicorn replace its workers (new code, no dropped connection). A child that dies
on its own stops the other and the supervisor exits 1 naming it.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config import Settings

ROOT = Path(__file__).resolve().parent.parent
EXIT_LOCKED = 3  # `python -m jobs`: another scheduler holds the lock for this database
READY_TIMEOUT_S = 120.0
MIGRATE_LOCK_TIMEOUT_S = 600.0
GRACEFUL_S = 10  # gunicorn's time for requests in flight after SIGTERM
STOP_TIMEOUT_S = GRACEFUL_S + 10.0  # then whatever is left is killed
POLL_S = 0.25
LOCKED_LINE = "scheduler not started: another scheduler is already running"


def say(message: str, *, error: bool = False) -> None:
    print(f"lawang-jabo: {message}", file=sys.stderr if error else sys.stdout, flush=True)


def _bind(settings: Settings) -> str:
    host = settings.host
    return f"[{host}]:{settings.port}" if ":" in host else f"{host}:{settings.port}"


def _local_url(settings: Settings) -> str:
    host = settings.host
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{settings.port}" if ":" in host else f"http://{host}:{settings.port}"


def web_argv(settings: Settings) -> list[str]:
    """The gunicorn command line (GUNICORN_CMD_ARGS in the environment adds or overrides options)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "app:server",
        f"--bind={_bind(settings)}",
        f"--workers={settings.web_workers}",
        f"--threads={settings.web_threads}",
        "--worker-class=gthread",
        # 120 s only catches a stuck worker, which gunicorn then replaces.
        "--timeout=120",
        # post_worker_init reads the statistics columns while the worker starts.
        "--config=python:deploy.gunicorn_hooks",
        f"--graceful-timeout={GRACEFUL_S}",
        f"--chdir={ROOT}",
        # Gunicorn's control socket sits at one path per user: a second instance on the host (a
        # standby, a test) would take it over. Signals are all this supervisor needs.
        "--no-control-socket",
    ]


def scheduler_argv() -> list[str]:
    return [sys.executable, "-m", "jobs"]


# ------------------------------------------------------------------- migrations ----


@contextlib.contextmanager
def _migration_lock(settings: Settings, engine) -> Iterator[None]:
    """One migrating host at a time: two `make serve` starting together must not race Alembic."""
    if engine.dialect.name == "postgresql":
        from store.runs import try_advisory_lock

        deadline = time.monotonic() + MIGRATE_LOCK_TIMEOUT_S
        while (conn := try_advisory_lock(engine, "migrate")) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"another host has been migrating for {MIGRATE_LOCK_TIMEOUT_S:.0f} s")
            time.sleep(0.5)
        try:
            yield
        finally:
            conn.close()  # closing the session frees the advisory lock
        return
    # SQLite: processes of this host; the kernel frees the lock if this one dies.
    with (Path(settings.data_dir) / "migrate.lock").open("a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield


def migrate(settings: Settings) -> None:
    """Bring DATABASE_URL to the current schema and reference data, one host at a time."""
    from store.db import make_engine
    from store.migrate import upgrade

    engine = make_engine(settings.database_url)
    try:
        say(f"migrasi basis data {engine.url.render_as_string(hide_password=True)}")
        with _migration_lock(settings, engine):
            upgrade(engine)
    finally:
        engine.dispose()


# ------------------------------------------------------------------- children ----


class ChildDied(Exception):
    def __init__(self, name: str, code: int) -> None:
        how = f"kode {code}"
        if code < 0:
            with contextlib.suppress(ValueError):
                how = f"sinyal {signal.Signals(-code).name}"
        super().__init__(f"proses '{name}' berhenti sendiri ({how})")


def _die_with_parent() -> None:
    # Between fork and exec: if the supervisor is SIGKILLed, the kernel sends the child SIGTERM.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen | None = None
    standby_until: float | None = None  # scheduler waiting for the lock: next try at (monotonic)
    said_standby: bool = field(default=False)

    def start(self, piped: bool = False) -> None:
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,  # own process group: a signal reaches gunicorn's workers too
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            stdout=subprocess.PIPE if piped else None,
            stderr=subprocess.STDOUT if piped else None,
            text=piped,
            bufsize=1 if piped else -1,
        )
        self.standby_until = None
        if piped:
            threading.Thread(target=self._forward, args=(self.proc,), daemon=True).start()

    def _forward(self, proc: subprocess.Popen) -> None:
        # The scheduler's output, less the lock refusal repeated at every standby retry.
        for line in proc.stdout:
            if LOCKED_LINE in line and self.said_standby:
                continue
            sys.stderr.write(line)
            sys.stderr.flush()

    def signal(self, sig: int) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, sig)

    def group_alive(self) -> bool:
        if self.proc is None:
            return False
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def stop_all(children: list[Child]) -> None:
    """SIGTERM every child's process group, wait, then SIGKILL what is left."""
    for child in reversed(children):
        child.signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for child in children:
        if child.proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    while time.monotonic() < deadline and any(c.group_alive() for c in children):
        time.sleep(0.05)
    for child in children:
        if child.proc is not None and (child.proc.poll() is None or child.group_alive()):
            say(f"{child.name} tidak berhenti dalam {STOP_TIMEOUT_S:.0f} dtk; dipaksa (SIGKILL)", error=True)
            child.signal(signal.SIGKILL)
            child.proc.wait()


_signals: list[int] = []


def _on_signal(signum: int, _frame: object) -> None:
    _signals.append(signum)


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _port_free(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return True  # gunicorn names an unresolvable HOST itself
    family, _type, _proto, _name, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError:
            return False
    return True


def _check(children: list[Child], standby_retry_s: float) -> None:
    """Raise on a stop signal or a dead child; put a locked-out scheduler on standby and retry it."""
    if _signals:
        raise KeyboardInterrupt
    for child in children:
        if child.standby_until is not None:
            if time.monotonic() >= child.standby_until:
                child.start(piped=True)
            continue
        code = child.proc.poll()
        if code is None:
            continue
        if child.name == "scheduler" and code == EXIT_LOCKED:
            if not child.said_standby:
                say(
                    "penjadwal sudah berjalan di proses/host lain (kunci basis data); "
                    f"yang ini bersiaga dan mencoba lagi tiap {standby_retry_s:g} dtk"
                )
                child.said_standby = True
            child.standby_until = time.monotonic() + standby_retry_s
            continue
        raise ChildDied(child.name, code)


def supervise(settings: Settings, web: bool, scheduler: bool, standby_retry_s: float) -> int:
    """Start the children, wait for the web to answer, then watch them until a signal or a death."""
    if web and not _port_free(settings.host, settings.port):
        say(f"PORT {settings.port} di {settings.host} sudah dipakai; pilih PORT lain", error=True)
        return 1
    children: list[Child] = []
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    previous[signal.SIGHUP] = signal.signal(
        signal.SIGHUP, lambda *_: [c.signal(signal.SIGHUP) for c in children if c.name == "web"]
    )
    try:
        if scheduler:
            children.append(Child("scheduler", scheduler_argv()))
            children[-1].start(piped=True)
            say(f"scheduler dimulai (pid {children[-1].proc.pid})")
        if web:
            children.append(Child("web", web_argv(settings)))
            children[-1].start()
            say(f"web dimulai (pid {children[-1].proc.pid}, gunicorn {_bind(settings)})")
            url = _local_url(settings)
            deadline = time.monotonic() + READY_TIMEOUT_S
            while not _answers(url + "/masuk"):
                _check(children, standby_retry_s)
                if time.monotonic() > deadline:
                    say(f"web tidak menjawab di {url} dalam {READY_TIMEOUT_S:.0f} dtk", error=True)
                    return 1
                time.sleep(POLL_S)
            print(
                f"Lawang Jabo (produksi) berjalan di {url}: {settings.web_workers} pekerja x "
                f"{settings.web_threads} utas (SIGTERM untuk berhenti)",
                flush=True,
            )
        while True:
            _check(children, standby_retry_s)
            time.sleep(POLL_S)
    except KeyboardInterrupt:
        sig = _signals[0] if _signals else signal.SIGINT
        say(f"{signal.Signals(sig).name} diterima; menghentikan semua proses")
        return 0
    except ChildDied as exc:
        say(f"{exc}; menghentikan yang lain", error=True)
        return 1
    finally:
        stop_all(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _warn_single_host_settings(settings: Settings) -> None:
    """Say what keeps a second web host from sharing the load, once, at start."""
    from dotenv import dotenv_values

    env = {**dotenv_values(ROOT / ".env"), **os.environ}
    if settings.is_sqlite:
        return
    if not (env.get("SECRET_KEY") or env.get("SECRET_KEY_FILE")):
        say(
            "SECRET_KEY/SECRET_KEY_FILE tidak diatur: kunci sesi dari DATA_DIR/secret_key hanya "
            "berlaku di host ini (host lain tidak mengenali login-nya)"
        )
    if not settings.redis_url:
        say("REDIS_URL tidak diatur: cache statistik per proses pekerja, tidak dibagi antar host")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.serve", description=__doc__.splitlines()[0])
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--web-only", action="store_true", help="gunicorn only, no scheduler")
    only.add_argument("--scheduler-only", action="store_true", help="the scheduler only, no web")
    parser.add_argument("--no-migrate", action="store_true", help="skip the migration at start")
    parser.add_argument(
        "--standby-retry-seconds",
        type=float,
        default=30.0,
        help="a scheduler locked out by another host tries again this often (default 30)",
    )
    args = parser.parse_args(argv)
    if args.standby_retry_seconds <= 0:
        parser.error("--standby-retry-seconds must be above 0")
    from config import ConfigError, load

    try:
        settings = load()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    from sqlalchemy.exc import OperationalError

    if not args.no_migrate:
        try:
            migrate(settings)
        except (OperationalError, TimeoutError) as exc:
            detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            print(f"database error: {detail}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            say("dibatalkan")
            return 130
    _warn_single_host_settings(settings)
    return supervise(settings, not args.scheduler_only, not args.web_only, args.standby_retry_seconds)


if __name__ == "__main__":
    raise SystemExit(main())
