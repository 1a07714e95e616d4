"""The server side of bench/serve.py: gunicorn started as `make serve` starts it (deploy.serve
.web_argv) on a free loopback port, stopped by its pid, and its workers' memory read from /proc.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 180.0
TARGET_RSS_MB = 300
# Variables of the caller's environment that would point the server elsewhere or change its mode.
DROP_ENV = ("DATABASE_URL", "DEBUG", "HOST", "PORT", "DATA_DIR", "SNAPSHOT_DIR", "REPORT_DIR")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(url: str, data_dir: Path, cache_timeout_s: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROP_ENV and not k.startswith("GUNICORN")}
    env.update(DATABASE_URL=url, DATA_DIR=str(data_dir), HOST="127.0.0.1", PORT=str(free_port()))
    env["PYTHONUNBUFFERED"] = "1"
    if cache_timeout_s is not None:
        env["CACHE_TIMEOUT_S"] = str(cache_timeout_s)
    return env


@dataclass
class Gunicorn:
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen | None = None
    base: str = ""

    def start(self) -> None:
        from config import load
        from deploy.serve import web_argv

        settings = load(self.env)
        self.base = f"http://127.0.0.1:{settings.port}"
        with self.log_path.open("ab") as log:
            # Own session: Ctrl-C reaches this script only, which then stops gunicorn by its pid.
            self.proc = subprocess.Popen(
                web_argv(settings), cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.base + "/masuk", timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"gunicorn not answering after {START_TIMEOUT_S:.0f} s:\n{self.log_tail()}"
                )
            time.sleep(0.25)
        # Every worker must be up before timing starts: gunicorn answers once the first one is.
        while len(self.workers()) < settings.web_workers and time.monotonic() < deadline:
            time.sleep(0.25)

    def workers(self) -> list[int]:
        """Pids of the master's children (the workers), from /proc."""
        if self.proc is None:
            return []
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                # The command may contain spaces and parentheses: the ppid is after the last ')'.
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    out.append(int(stat.parent.name))
        return sorted(out)

    def log_tail(self, n: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig, wait_s in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)  # the group of the gunicorn started above
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=wait_s)
                return


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", float("nan")), fields.get("VmHWM", float("nan"))


def report_memory(server: Gunicorn) -> None:
    print(f"  worker memory (target RSS <= {TARGET_RSS_MB} MB):")
    for pid in server.workers():
        with contextlib.suppress(OSError):
            rss, hwm = memory(pid)
            verdict = "met" if hwm <= TARGET_RSS_MB else "MISSED"
            print(f"    worker pid {pid}: RSS {rss:.0f} MB, peak (VmHWM) {hwm:.0f} MB  {verdict}")
