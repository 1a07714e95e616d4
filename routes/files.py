"""The one check every file-serving route makes before it opens a file named by a database row."""

from __future__ import annotations

from pathlib import Path


def file_inside(root: Path, relative: str | None) -> Path | None:
    """root/relative when it resolves inside root and is a file; None otherwise (also for NUL)."""
    if not relative or "\x00" in relative:
        return None
    root = root.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or path == root or not path.is_file():
        return None
    return path
