"""Work that must not run in a web worker (a file import, a report) runs as a process of its own.

The web process starts `python -m <module> ...` detached and polls the progress the process
writes (a status file, a database row); it never imports the module it starts, so the web worker
stays free for other users and never pulls in the scheduler.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from config import ROOT


def start_detached(*args: str) -> int:
    """Run `python -m args...` in its own session from the repository root; returns its pid."""
    proc = subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # a reload of the web server does not kill the work half-way
    )
    threading.Thread(target=proc.wait, daemon=True).start()  # reap it: no zombie per job
    return proc.pid


def alive(pid: int | None) -> bool:
    """Whether process `pid` still exists."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True
