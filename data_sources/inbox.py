"""The upload inbox: hands a file uploaded on a page to an import process, and reads its progress.

The web worker never imports a file itself (a large XLSX would block it for everyone): the bytes
are saved under DATA_DIR/inbox with a random name and `python -m jobs import-file` runs on them
as a separate process that writes its progress to a JSON status file beside it. The web process
imports nothing from `jobs/` (it starts it as a command), so it never pulls in the scheduler.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from background import alive, start_detached
from config import get_settings

UPLOAD_TYPES = (".csv", ".xlsx")
_TOKEN = re.compile(r"[0-9a-f]{32}")


def inbox_dir() -> Path:
    """DATA_DIR/inbox, created when missing."""
    inbox = get_settings().data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    return inbox


def sweep(inbox: Path, max_age_s: float = 86_400) -> None:
    """Delete inbox files older than `max_age_s`."""
    # Uploads are removed by their import; one left by a killed import (it may name reporters)
    # and old status files go after a day.
    limit = time.time() - max_age_s
    for path in inbox.iterdir():
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < limit:
                path.unlink()


def start_import(data: bytes, filename: str) -> dict:
    """Save the upload under a random name and start its import process; returns token and pid."""
    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise ValueError(f"{filename}: only {', '.join(UPLOAD_TYPES)} files can be imported")
    token = uuid.uuid4().hex
    inbox = inbox_dir()
    sweep(inbox)
    path = inbox / f"{token}{suffix}"
    status = inbox / f"{token}.json"
    path.write_bytes(data)
    status.write_text(
        json.dumps({"state": "queued", "filename": filename, "started_at": datetime.now(UTC).isoformat()})
    )
    pid = start_detached(
        "jobs", "import-file", str(path), "--status", str(status), "--filename", filename, "--remove"
    )
    return {"token": token, "pid": pid}


def read_status(job: dict | None) -> dict | None:
    """The import's status dict for a job from start_import; state "lost" when its process died."""
    token = (job or {}).get("token")
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    try:
        status = json.loads((inbox_dir() / f"{token}.json").read_text())
    except (OSError, ValueError):
        return None
    # The status is read before the liveness check: a finished import writes "done", then exits.
    if status.get("state") in ("queued", "running") and not alive(job.get("pid")):
        status["state"] = "lost"
    return status


def elapsed_s(status: dict) -> float:
    """Seconds since the import was queued (0 when unknown)."""
    with contextlib.suppress(KeyError, ValueError, TypeError):
        return (datetime.now(UTC) - datetime.fromisoformat(status["started_at"])).total_seconds()
    return 0.0
