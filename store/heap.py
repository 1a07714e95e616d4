"""Handing freed heap memory back to the operating system (glibc; a no-op elsewhere).

Why: reading a million complaints' columns goes through ~200 MB of text and intermediate arrays
(store/stats_read.py). Python frees them, but glibc's malloc keeps the freed pages in the process
for reuse, so a web worker stayed ~85 MB larger than what it holds (measured at 1M rows: 296 MB
after the read, 212 MB after malloc_trim). Threads make it worse: each gets its own malloc arena
(up to 8 per core), and memory freed in one arena is not reused by another.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache

_M_ARENA_MAX = -8  # from glibc's malloc.h


@cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - musl has no malloc_trim: treat as "not glibc"
        return libc
    except (OSError, AttributeError):
        return None


def give_back() -> bool:
    """Return the heap's free pages to the OS; True if glibc did (it says whether any were)."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def limit_arenas(n: int) -> bool:
    """At most `n` malloc arenas for this process (call before starting threads)."""
    libc = _libc()
    return bool(libc.mallopt(_M_ARENA_MAX, n)) if libc is not None else False
