"""Snapshot files: layout, atomic writes, deletion that never leaves SNAPSHOT_DIR."""

from __future__ import annotations

import hashlib
import os
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from store import snapshot_files as sf

AT = datetime(2026, 11, 29, 5, 6, 7, 123456, tzinfo=UTC)


def test_paths_are_the_camera_code_and_the_utc_time():
    wib = AT.astimezone(timezone(timedelta(hours=7)))
    assert sf.frame_paths("sp-charitas", wib) == (
        "sp-charitas/20261129T050607123456Z.jpg",
        "sp-charitas/20261129T050607123456Z-thumb.jpg",
    )
    for bad in ("../etc", "A", "", "a/b", "x" * 33):
        with pytest.raises(ValueError):
            sf.frame_paths(bad, AT)
    with pytest.raises(ValueError, match="timezone-aware"):
        sf.frame_paths("cam", AT.replace(tzinfo=None))


def test_write_frame_stores_both_files_with_the_sha1_etag(tmp_path):
    stored = sf.write_frame(tmp_path, "cam-1", AT, b"\xff\xd8frame\xff\xd9", b"\xff\xd8t\xff\xd9")
    assert (tmp_path / stored.path).read_bytes() == b"\xff\xd8frame\xff\xd9"
    assert (tmp_path / stored.thumb_path).read_bytes() == b"\xff\xd8t\xff\xd9"
    assert stored.etag == hashlib.sha1(b"\xff\xd8frame\xff\xd9").hexdigest()
    assert stored.bytes == 9 + 5
    assert [p.name for p in (tmp_path / "cam-1").iterdir() if p.name.startswith(sf.TEMP_PREFIX)] == []


def test_a_reader_never_sees_a_partial_file(tmp_path):
    # Rewrite one path with two different payloads while a reader keeps reading it: every read is
    # one payload or the other, whole.
    target = tmp_path / "cam" / "latest.jpg"
    payloads = (b"A" * 300_000, b"B" * 500_000)
    sf.write_atomic(target, payloads[0])
    done = threading.Event()
    seen: set[tuple[bytes, int]] = set()

    def read() -> None:
        while not done.is_set():
            data = target.read_bytes()
            seen.add((data[:1], len(data)))

    reader = threading.Thread(target=read)
    reader.start()
    for i in range(60):
        sf.write_atomic(target, payloads[i % 2])
    done.set()
    reader.join()
    assert seen <= {(b"A", 300_000), (b"B", 500_000)} and seen


def test_a_failed_write_leaves_no_temporary_file_and_no_half_pair(tmp_path):
    # A directory where the frame should go makes the final rename fail for real.
    rel, rel_thumb = sf.frame_paths("cam", AT)
    (tmp_path / rel).mkdir(parents=True)
    with pytest.raises(OSError):
        sf.write_frame(tmp_path, "cam", AT, b"frame", b"thumb")
    assert sorted(p.name for p in (tmp_path / "cam").iterdir()) == [Path(rel).name]
    assert not (tmp_path / rel_thumb).exists()


def test_delete_files_stays_inside_the_snapshot_dir(tmp_path):
    root = tmp_path / "snapshots"
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    (root / "cam").mkdir(parents=True)
    (root / "cam" / "a.jpg").write_bytes(b"12345")
    (root / "cam" / "escape").symlink_to(tmp_path)
    deleted, freed = sf.delete_files(
        root, ["cam/a.jpg", "cam/missing.jpg", "../precious.txt", str(outside), "cam/escape/precious.txt", ""]
    )
    assert (deleted, freed) == (1, 5)
    assert outside.read_text() == "keep me" and not (root / "cam" / "a.jpg").exists()
    with pytest.raises(ValueError, match="leaves SNAPSHOT_DIR"):
        sf.inside(root, "cam/../../precious.txt")


def test_sweep_removes_only_old_temporary_files(tmp_path):
    (tmp_path / "cam").mkdir()
    old = tmp_path / "cam" / f"{sf.TEMP_PREFIX}x.jpg"
    new = tmp_path / "cam" / f"{sf.TEMP_PREFIX}y.jpg"
    frame = tmp_path / "cam" / "20260101T000000000000Z.jpg"
    for p in (old, new, frame):
        p.write_bytes(b"x")
    os.utime(old, (1, 1))
    os.utime(frame, (1, 1))
    assert sf.sweep_temp_files(tmp_path, older_than_s=3600) == 1
    assert not old.exists() and new.exists() and frame.exists()
