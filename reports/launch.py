"""Start a report's generation as a process of its own (the web worker only queues and polls)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from config import ROOT


def start_generation(report_id: int) -> int:
    """Run `python -m reports.generate <id>` detached; returns its pid."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "reports.generate", str(int(report_id))],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # a reload of the web server does not kill a report half-way
    )
    threading.Thread(target=proc.wait, daemon=True).start()  # reap it: no zombie per report
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
        return True
    return True
