"""Quarantine: rejected records kept with their reasons (rejected_record), one row per record.

A record delivered again (same source and external id, or same content without an id) updates
its row; store.ingest.write_batch quarantines a page's rejections in the page's transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine

from data_sources.records import Rejection
from store.db import dialect_insert
from store.models import RejectedRecord

CHUNK = 1000  # rows per executemany


def record_key(rejection: Rejection) -> str:
    """The quarantine key of a rejection: its external id, else a hash of its payload."""
    if rejection.external_id:
        return rejection.external_id
    body = json.dumps(rejection.payload, sort_keys=True, default=str, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def quarantine_records(
    conn: Connection, rejections: Sequence[Rejection], job_run_id: int | None = None,
    now: datetime | None = None,
) -> int:  # fmt: skip
    """quarantine inside the caller's transaction (see there)."""
    from data_sources.privacy import safe_payload, scrub

    received = now or datetime.now(UTC)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for rej in rejections:
        key = record_key(rej)
        payload = None if rej.payload is None else safe_payload(rej.payload)
        rows[(rej.source, key)] = {
            "source": rej.source,
            "record_key": key,
            "external_id": rej.external_id[:64] if rej.external_id else None,
            "received_at": received,
            "field": rej.field[:64] if rej.field else None,
            # A reason may quote the offending value: it is scrubbed like any free text.
            "reason": scrub(rej.reason) or "rejected",
            "payload": None if payload is None else json.dumps(payload, ensure_ascii=False, default=str),
            "job_run_id": job_run_id,
        }
    if not rows:
        return 0
    stmt = dialect_insert(conn, RejectedRecord.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["source", "record_key"],
        set_={c: stmt.excluded[c] for c in ("external_id", "received_at", "field", "reason", "payload",
                                            "job_run_id")},
    )  # fmt: skip
    values = list(rows.values())
    for start in range(0, len(values), CHUNK):
        conn.execute(stmt, values[start : start + CHUNK])
    return len(values)


def quarantine(engine: Engine, rejections: Sequence[Rejection], job_run_id: int | None = None) -> int:
    """Store rejected records with their reasons, one row per record; returns how many were stored.

    The same record delivered again (same source and external id, or same content without an
    id) updates its row with the latest reason instead of adding one. Payloads are stored with
    reporter fields dropped and contact details in text replaced.
    """
    with engine.begin() as conn:
        return quarantine_records(conn, rejections, job_run_id)
