"""store.ingest when another writer changes a row between the chunk's read and its write.

The write path reads the stored versions of a chunk, inserts the new keys (DO NOTHING on a
conflict), updates the older ones, then reads again: these tests put another writer's change
in between (through the same connection, right after the first read) and check that the end
state and the counts are those of one upsert deciding by updated_at.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

import store.ingest as ingest
from store.ingest import upsert_complaints
from store.models import Complaint, ComplaintEvent
from tests.integration.test_ingest_store import record


def _between_read_and_write(monkeypatch, action) -> None:
    """Run `action(conn)` once, right after the next chunk's first read of stored versions."""
    real = ingest._stored
    state = {"done": False}

    def stored(conn, source, ids, statements=None):
        found = real(conn, source, ids, statements)
        if not state["done"]:
            state["done"] = True
            action(conn)
        return found

    monkeypatch.setattr(ingest, "_stored", stored)


def _stored_row(engine, external_id: str):
    with engine.connect() as conn:
        return conn.execute(
            select(Complaint.id, Complaint.status, Complaint.updated_at).where(
                Complaint.external_id == external_id
            )
        ).one_or_none()


def _statuses(engine, external_id: str) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(ComplaintEvent.to_status)
                .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
                .where(Complaint.external_id == external_id)
                .order_by(ComplaintEvent.at, ComplaintEvent.id)
            ).scalars()
        )


def _older_and_newer():
    old = record(1)
    done = old.updated_at + timedelta(days=1)
    new = replace(old, status="selesai", outcome="selesai", first_response_at=done, resolved_at=done,
                  closed_at=done, updated_at=done)  # fmt: skip
    return old, new


def test_an_older_version_inserted_meanwhile_is_replaced_by_ours(engine, monkeypatch):
    old, new = _older_and_newer()
    _between_read_and_write(monkeypatch, lambda conn: ingest.upsert_records(conn, [old]))
    result = upsert_complaints(engine, [new])
    # Our read found no row: it counts as inserted, as one upsert would have counted it.
    assert (result.inserted, result.updated, result.unchanged) == (1, 0, 0)
    assert _stored_row(engine, old.external_id).status == "selesai"
    assert _stored_row(engine, old.external_id).updated_at == new.updated_at
    assert _statuses(engine, old.external_id)[-1] == "selesai"


def test_a_newer_version_inserted_meanwhile_stays(engine, monkeypatch):
    old, new = _older_and_newer()
    _between_read_and_write(monkeypatch, lambda conn: ingest.upsert_records(conn, [new]))
    result = upsert_complaints(engine, [old])
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 1)
    row = _stored_row(engine, old.external_id)
    assert (row.status, row.updated_at) == ("selesai", new.updated_at)


def test_a_row_removed_meanwhile_is_written_again(engine, monkeypatch):
    old, new = _older_and_newer()
    upsert_complaints(engine, [old])

    def remove(conn):
        conn.execute(ComplaintEvent.__table__.delete())
        conn.execute(Complaint.__table__.delete().where(Complaint.external_id == old.external_id))

    _between_read_and_write(monkeypatch, remove)
    result = upsert_complaints(engine, [new])
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 0)
    row = _stored_row(engine, old.external_id)
    assert (row.status, row.updated_at) == ("selesai", new.updated_at)
    assert _statuses(engine, old.external_id)[-1] == "selesai"


def test_a_stored_row_made_newer_meanwhile_is_not_overwritten(engine, monkeypatch):
    old, new = _older_and_newer()
    newest = replace(new, title="the other writer's", updated_at=new.updated_at + timedelta(hours=1))
    upsert_complaints(engine, [old])
    _between_read_and_write(monkeypatch, lambda conn: ingest.upsert_records(conn, [newest]))
    result = upsert_complaints(engine, [new])
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 1)
    with engine.connect() as conn:
        title, updated = conn.execute(
            select(Complaint.title, Complaint.updated_at).where(Complaint.external_id == old.external_id)
        ).one()
    assert (title, updated) == ("the other writer's", newest.updated_at)


def test_an_older_stored_row_is_updated_in_place(engine):
    old, new = _older_and_newer()
    upsert_complaints(engine, [old])
    before = _stored_row(engine, old.external_id)
    result = upsert_complaints(engine, [new])
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 0)
    after = _stored_row(engine, old.external_id)
    assert after.id == before.id and (after.status, after.updated_at) == ("selesai", new.updated_at)
