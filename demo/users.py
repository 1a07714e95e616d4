"""Demo logins: one user per role for `make run`, with random passwords printed at start.

Created only when the database has no user at all, so a real deployment's accounts are never
touched. The passwords are random per database (never in the repository) and kept in
DATA_DIR/demo-logins.txt (mode 0600) so that later starts can print them again.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import Engine

from store.users import create_user, list_users

DEMO_USERS = (
    # (role, username, display name)
    ("staf", "staf", "Staf Kominfo (demo)"),
    ("pimpinan", "pimpinan", "Pimpinan (demo)"),
    ("admin", "admin", "Admin (demo)"),
)
FILE_NAME = "demo-logins.txt"


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)  # whole or not at all


def ensure_demo_users(engine: Engine, data_dir: Path) -> list[str]:
    """Lines to print: the demo logins, created now when there is no user, else read back."""
    path = data_dir / FILE_NAME
    if not list_users(engine):
        lines = []
        for role, username, name in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            create_user(engine, username, role, password, display_name=name)
            lines.append(f"{role:<9} {username:<9} {password}")
        head = (
            "# Demo logins made by `make run` (role, username, password). Change them with\n"
            "# `python -m jobs.users reset USERNAME`; this file is not updated then.\n"
        )
        _write_private(path, head + "\n".join(lines) + "\n")
        return lines
    if path.is_file():
        return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return []
