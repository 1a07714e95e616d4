"""Snapshot files under SNAPSHOT_DIR: atomic writes of a frame and its thumbnail, and deletion.

Layout: `<camera code>/<YYYYmmddTHHMMSSffffffZ>.jpg` and `...-thumb.jpg`, relative to
SNAPSHOT_DIR (the snapshot row keeps the relative paths, the web process joins them to its own
SNAPSHOT_DIR). Each file is written to a temporary name in the same folder, flushed, then
os.replace()d: a reader sees the whole old file or the whole new one, never half a JPEG. Paths
handed to the deletion helpers are checked to stay inside SNAPSHOT_DIR, so a tampered row can
never make retention delete anything else.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class StoredFrame:
    path: str  # relative to SNAPSHOT_DIR
    thumb_path: str
    bytes: int  # frame + thumbnail bytes on disk (what the size budget counts)
    etag: str  # sha1 hex of the frame's bytes


def frame_paths(code: str, taken_at: datetime) -> tuple[str, str]:
    """The relative paths of a camera's frame and thumbnail taken at `taken_at` (aware, any zone)."""
    if not _CODE.fullmatch(code):
        raise ValueError(f"camera code {code!r} is not a safe folder name")
    if taken_at.tzinfo is None:
        raise ValueError("taken_at must be timezone-aware")
    stamp = taken_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{code}/{stamp}.jpg", f"{code}/{stamp}-thumb.jpg"


def etag_of(data: bytes) -> str:
    """The ETag of a frame: sha1 hex of its bytes."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def inside(root: Path, relative: str) -> Path:
    """root/relative, or ValueError when it would leave root (.., absolute paths, symlinks out)."""
    if not relative or "\x00" in relative or os.path.isabs(relative):
        raise ValueError(f"not a relative snapshot path: {relative!r}")
    base = Path(root).resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base) or path == base:
        raise ValueError(f"snapshot path leaves SNAPSHOT_DIR: {relative!r}")
    return path


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and os.replace()."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".jpg", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the web process may run as another user
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_frame(root: Path, code: str, taken_at: datetime, jpeg: bytes, thumb: bytes) -> StoredFrame:
    """Store a frame and its thumbnail atomically (thumbnail first: a listed frame has both)."""
    if not jpeg or not thumb:
        raise ValueError("a snapshot needs both the frame and its thumbnail")
    rel, rel_thumb = frame_paths(code, taken_at)
    path, thumb_path = inside(root, rel), inside(root, rel_thumb)
    write_atomic(thumb_path, thumb)
    try:
        write_atomic(path, jpeg)
    except BaseException:
        with contextlib.suppress(OSError):
            thumb_path.unlink()
        raise
    return StoredFrame(rel, rel_thumb, len(jpeg) + len(thumb), etag_of(jpeg))


def delete_files(root: Path, relatives: Iterable[str]) -> tuple[int, int]:
    """Delete these files under root (missing ones are fine); returns (files deleted, bytes freed).

    A path that would leave root is skipped, never followed.
    """
    deleted = freed = 0
    for rel in relatives:
        try:
            path = inside(root, rel)
        except ValueError:
            continue
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            continue
        deleted += 1
        freed += size
    return deleted, freed


def sweep_temp_files(root: Path, older_than_s: float = 3600.0) -> int:
    """Remove temporary files a crashed write left behind (older than `older_than_s`); returns how many."""
    base = Path(root)
    if not base.is_dir():
        return 0
    cutoff = time.time() - older_than_s
    removed = 0
    for tmp in base.glob(f"*/{TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            if tmp.is_file() and not tmp.is_symlink() and tmp.stat().st_mtime < cutoff:
                tmp.unlink()
                removed += 1
    return removed
