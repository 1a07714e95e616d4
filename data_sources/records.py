"""What every adapter produces: validated complaint records, or rejections with a reason.

Adapters (e-Lapor API, Open311, CSV/XLSX files) map their input to a plain dict of raw fields
(see data_sources/mapping.py), then data_sources.validate turns each into a ComplaintRecord
(normalised, identity removed, free text scrubbed) or a Rejection. store.ingest writes both.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple


class StatusChange(NamedTuple):
    """One entry of a source's status history."""

    # A NamedTuple, not a frozen dataclass: as immutable and hashable, and made 4-5x sooner
    # (a frozen dataclass sets each field through object.__setattr__); a record has ~5 of them.
    at: datetime  # aware UTC
    status: str  # store.vocab.STATUSES
    note: str | None = None


@dataclass(slots=True)
class ComplaintRecord:
    """One complaint ready to upsert by (source, external_id); all datetimes aware UTC."""

    source: str
    external_id: str
    report_type: str
    title: str
    description: str
    channel: str
    status: str
    created_at: datetime
    updated_at: datetime
    tracking_id: str | None = None
    category_code: str = "tidak_diketahui"
    agency_code: str = "tidak_diketahui"
    kecamatan_code: str | None = None
    kelurahan_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    anonymous: bool = False
    confidential: bool = False
    reporter_hash: str | None = None
    verified_at: datetime | None = None
    forwarded_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    # Status history as the source reports it (oldest first); may be empty.
    history: list[StatusChange] = field(default_factory=list)


@dataclass
class Rejection:
    """An input record that could not be accepted, with the field and reason, identity removed."""

    source: str
    external_id: str | None
    field: str | None
    reason: str
    payload: dict[str, Any] | None = None
    row: int | None = None  # for file imports: 1-based data row number


# ------------------------------------------------------------------- batch work ----

try:  # pinned in requirements.txt; the standard library's decoder does the same, slower
    from msgspec.json import Decoder

    _fast_loads = Decoder().decode
except ImportError:  # pragma: no cover
    _fast_loads = json.loads


def decode_json(body: bytes | str) -> Any:
    """json.loads(body), about a quarter faster: msgspec first, the standard decoder when it refuses.

    msgspec gives the same values (integers of any size too, unlike orjson, which turns
    integers past 64 bits into floats) and refuses what it reads differently (NaN, numbers out
    of float range, lone surrogates, other encodings than UTF-8): those go to json.loads, so
    what is accepted, the values and the error raised are as before.
    """
    with gc_paused():  # a page is a million new objects at once (see gc_paused)
        try:
            return _fast_loads(body)
        except ValueError:
            return json.loads(body)


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_restore = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run a batch of ingestion with the cyclic garbage collector paused (re-entrant, thread-safe).

    A page of 5,000 records allocates about a million objects that all live until the page is
    committed, and the collector keeps scanning them: 20-30 us a record, a sixth of the whole
    ingest. Parsing, validating and writing make no reference cycles worth waiting for
    (reference counting frees what they drop), so the collector sleeps until the batch is done;
    the collector's state before the first entry is restored when the last one leaves.
    """
    global _gc_depth, _gc_restore
    with _gc_lock:
        if _gc_depth == 0:
            _gc_restore = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_restore:
                gc.enable()
