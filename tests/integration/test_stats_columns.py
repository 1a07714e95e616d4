"""store.stats_columns: the in-memory columns follow every kind of write, reading only what changed.

Each step compares store.stats_fast with store.queries (the SQL definitions) on the same data.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import insert, select, update

from demo.seed import seed
from store import data_version, queries, stats_columns, stats_fast
from store.filters import Filter
from store.ingest import write_batch
from store.models import Complaint, ComplaintEvent
from tests.integration.test_ingest_store import T0, record

NOW = datetime(2026, 3, 20, 5, 0, tzinfo=UTC)
PERIOD = Filter(start=date(2026, 3, 1), end=date(2026, 3, 15))


@pytest.fixture(autouse=True)
def _fresh_columns():
    stats_columns.forget()
    yield
    stats_columns.forget()


def assert_same_figures(engine, f: Filter = PERIOD) -> None:
    assert stats_fast.kpis(engine, f, NOW) == queries.kpis(engine, f, NOW)
    for by in queries.DIMENSIONS:
        pd.testing.assert_frame_equal(
            stats_fast.breakdown(engine, f, by, NOW), queries.breakdown(engine, f, by, NOW), check_dtype=False
        )
    pd.testing.assert_frame_equal(stats_fast.trend(engine, f), queries.trend(engine, f), check_dtype=False)
    pd.testing.assert_frame_equal(stats_fast.outcomes(engine, f), queries.outcomes(engine, f))


def resolved(i: int, days: int = 3) -> object:
    done = T0 + timedelta(days=days, minutes=i)
    return replace(
        record(i),
        status="selesai",
        outcome="selesai",
        first_response_at=done - timedelta(hours=1),
        resolved_at=done,
        closed_at=done,
        updated_at=done,
    )


def test_ingest_batches_are_read_incrementally(engine):
    write_batch(engine, [record(i) for i in range(50)], [])
    first = stats_columns.current(engine)
    assert first.loaded == {"whole": 50}
    assert_same_figures(engine)

    # Five complaints resolved and three new ones: only those eight rows are read.
    write_batch(engine, [resolved(i) for i in range(5)] + [record(100 + i) for i in range(3)], [])
    second = stats_columns.current(engine)
    assert second.loaded == {"changed": 8, "added": 0}
    assert len(second) == 53
    assert stats_fast.kpis(engine, PERIOD, NOW)["current"]["resolved"] == 5
    assert_same_figures(engine)

    # A re-delivered page changes nothing: no new version, the same columns object.
    write_batch(engine, [resolved(i) for i in range(5)], [])
    assert stats_columns.current(engine) is second

    # A complaint moved to another kecamatan and category is counted there, once.
    write_batch(
        engine,
        [
            replace(
                resolved(0, days=4),
                kecamatan_code="16.71.11",
                category_code="jalan_rusak",
                agency_code="pupr",
            )
        ],
        [],
    )
    assert stats_columns.current(engine).loaded == {"changed": 1, "added": 0}
    assert_same_figures(engine)


def test_a_bulk_load_is_read_by_id(engine):
    seed(engine, complaints=300, days=60, seed=3, end=date(2026, 3, 15))
    assert stats_columns.current(engine).loaded == {"whole": 300}
    seed(engine, complaints=40, days=60, seed=4, end=date(2026, 3, 15), append=True)
    cols = stats_columns.current(engine)
    assert cols.loaded == {"changed": 0, "added": 40}
    assert len(cols) == 340
    assert_same_figures(engine, Filter(start=date(2026, 1, 15), end=date(2026, 3, 15)))


def test_a_writer_that_does_not_stamp_triggers_a_whole_read(engine):
    write_batch(engine, [record(i) for i in range(20)], [])
    stats_columns.current(engine)
    # A raw edit with a status event but no stamp and no bump: the fingerprint moves (event id),
    # the counter does not, so the columns cannot tell which rows changed and read all again.
    with engine.begin() as conn:
        cid = conn.execute(select(Complaint.id).where(Complaint.external_id == "E00003")).scalar_one()
        conn.execute(
            update(Complaint)
            .where(Complaint.id == cid)
            .values(status="ditutup", outcome="ditolak", closed_at=T0 + timedelta(days=1))
        )
        conn.execute(
            insert(ComplaintEvent).values(
                complaint_id=cid, at=T0 + timedelta(days=1), from_status="diteruskan", to_status="ditutup"
            )
        )
    cols = stats_columns.current(engine)
    assert cols.loaded == {"whole": 20}
    assert stats_fast.outcomes(engine, PERIOD).set_index("outcome")["complaints"].to_dict() == {
        "belum_selesai": 19,
        "ditolak": 1,
    }
    assert_same_figures(engine)


def test_a_sync_that_finds_nothing_keeps_the_rows(engine):
    write_batch(engine, [record(i) for i in range(5)], [])
    first = stats_columns.current(engine)
    from store.watermarks import advance_watermark

    advance_watermark(engine, "elapor", T0 + timedelta(days=1))  # the token moves, the data does not
    again = stats_columns.current(engine)
    assert again.token != first.token
    assert again.arrays is first.arrays


def test_the_stamp_is_the_version_its_batch_commits_as(engine):
    def counter() -> int:
        return int(data_version.current(engine).split(".")[0])

    start = counter()
    write_batch(engine, [record(1)], [])
    write_batch(engine, [resolved(1), record(2)], [])
    with engine.connect() as conn:
        stamps = dict(conn.execute(select(Complaint.external_id, Complaint.rev)).all())
    assert counter() == start + 2
    assert stamps == {"E00001": start + 2, "E00002": start + 2}
