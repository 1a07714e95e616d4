"""The seeder and the bulk writer on the configured back end (SQLite, or PostgreSQL via DATABASE_URL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from demo.seed import main, seed
from store import write
from store.calendar import WIB
from store.db import make_engine
from store.filters import Filter
from store.models import Complaint, ComplaintEvent
from store.queries import kpis

END = date(2026, 6, 30)
NOW = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_cli_migrates_seeds_and_then_leaves_the_database_alone(db_url, capsys):
    args = [
        "--complaints",
        "800",
        "--days",
        "90",
        "--seed",
        "3",
        "--end",
        "2026-06-30",
        "--database-url",
        db_url,
    ]
    assert main(args) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("demo.seed: 800 complaints,") and "2026-04-02..2026-06-30" in line
    engine = make_engine(db_url)
    try:
        assert _count(engine, Complaint) == 800
        events = _count(engine, ComplaintEvent)
        assert f"{events:,} events" in line
        assert main(args) == 0
        assert "already has 800 complaints; nothing added" in capsys.readouterr().out
        assert main([*args, "--append", "--seed", "4"]) == 0
        assert _count(engine, Complaint) == 1600
    finally:
        engine.dispose()


def test_ids_handed_out_after_a_seed_do_not_collide(engine):
    seed(engine, complaints=500, days=60, seed=1, end=END)
    with engine.connect() as conn:
        top = conn.execute(select(func.max(Complaint.id))).scalar_one()
        top_event = conn.execute(select(func.max(ComplaintEvent.id))).scalar_one()
    created = datetime(2026, 6, 30, 3, tzinfo=UTC)
    with Session(engine) as s:
        c = Complaint(
            source="test",
            external_id="x1",
            report_type="pengaduan",
            title="t",
            description="",
            channel="web",
            created_at=created,
            status="baru",
            updated_at=created,
            created_day=created.date(),
            forward_due_at=created,
            response_due_at=created,
        )
        s.add(c)
        s.flush()
        e = ComplaintEvent(complaint_id=c.id, at=created, to_status="baru")
        s.add(e)
        s.commit()
        assert (c.id, e.id) == (top + 1, top_event + 1)


def test_seeded_world_reads_back_as_aware_utc_and_feeds_the_read_side(engine):
    seed(engine, complaints=2000, days=180, seed=2, end=END)
    with engine.connect() as conn:
        first = conn.execute(select(Complaint).order_by(Complaint.id).limit(1)).one()
        in_june = conn.execute(
            select(func.count()).where(
                Complaint.created_at >= datetime(2026, 6, 1, tzinfo=WIB),
                Complaint.created_at < datetime(2026, 7, 1, tzinfo=WIB),
            )
        ).scalar_one()
        by_day = conn.execute(
            select(func.count()).where(Complaint.created_day.between(date(2026, 6, 1), date(2026, 6, 30)))
        ).scalar_one()
    assert first.created_at.tzinfo is not None and first.forward_due_at > first.created_at
    # Text comparison on SQLite works only if the bulk path stored what SQLAlchemy binds.
    assert in_june == by_day > 0
    figures = kpis(engine, Filter(start=date(2026, 1, 1), end=END), NOW)["current"]
    assert figures["complaints"] > 1000
    assert 60 < figures["resolved_pct"] < 98 and 60 < figures["sla_pct"] < 99
    assert figures["open"] > 0 and figures["open_beyond_sla"] > 0


def test_bulk_columns_store_what_the_orm_stores(engine):
    at = datetime(2026, 5, 4, 3, 2, 1, 123456, tzinfo=UTC)
    due = datetime(2026, 5, 7, 17, 0, tzinfo=UTC)
    common = dict(
        source="test",
        report_type="pengaduan",
        title="t",
        description="d",
        channel="web",
        status="diverifikasi",
        kecamatan_code="16.71.05",
        lon=None,
        anonymous=True,
        confidential=False,
        created_day=date(2026, 5, 4),
        forward_due_at=due,
        response_due_at=due + timedelta(days=7),
        hours_to_resolve=None,
    )
    with Session(engine) as s:
        s.add(
            Complaint(
                id=1, external_id="orm", created_at=at, verified_at=None, updated_at=at, lat=None, **common
            )
        )
        s.commit()
    columns = {key: [value] for key, value in common.items()}
    naive = np.datetime64(at.replace(tzinfo=None), "us")
    columns |= {
        "id": np.array([2]),
        "external_id": ["bulk"],
        "created_at": np.array([naive]),
        "verified_at": np.array([np.datetime64("NaT", "us")]),
        "updated_at": [at],
        "lat": np.array([np.nan]),
        "created_day": np.array([np.datetime64("2026-05-04")]),
    }
    with write.bulk_load(engine) as conn:
        assert write.insert_columns(conn, Complaint.__table__, columns) == 1
    with engine.connect() as conn:
        orm, bulk = (dict(r) for r in conn.execute(select(Complaint).order_by(Complaint.id)).mappings())
        # Filters bind aware datetimes; on SQLite they compare as text with what was stored.
        found = conn.execute(select(Complaint.external_id).where(Complaint.created_at == at)).scalars().all()
    assert {k: v for k, v in bulk.items() if k not in ("id", "external_id")} == {
        k: v for k, v in orm.items() if k not in ("id", "external_id")
    }
    assert bulk["created_at"] == at and bulk["verified_at"] is None and bulk["lat"] is None
    assert sorted(found) == ["bulk", "orm"]


def test_bulk_rows_refuse_naive_datetimes(engine):
    with write.bulk_load(engine) as conn, pytest.raises(ValueError, match="naive"):
        write.insert_rows(
            conn,
            ComplaintEvent.__table__,
            [{"id": 1, "complaint_id": 1, "at": datetime(2026, 1, 1), "to_status": "baru"}],
        )


def test_deferred_indexes_come_back_as_they_were(engine):
    def indexes() -> list[tuple]:
        found = inspect(engine).get_indexes(Complaint.__tablename__)
        return sorted((ix["name"], tuple(ix["column_names"]), bool(ix["unique"])) for ix in found)

    before = indexes()
    assert len(before) >= 5
    with write.bulk_load(engine) as conn:
        with write.deferred_indexes(conn, Complaint.__table__):
            inside = inspect(conn).get_indexes(Complaint.__tablename__)
            assert not [ix for ix in inside if not ix["unique"]]
        assert sorted(ix["name"] for ix in inspect(conn).get_indexes(Complaint.__tablename__)) == [
            name for name, _cols, _unique in before
        ]
    assert indexes() == before


def test_deferred_foreign_keys_still_refuse_a_dangling_reference(engine):
    def foreign_keys() -> list:
        return sorted(str(fk) for fk in inspect(engine).get_foreign_keys(ComplaintEvent.__tablename__))

    before = foreign_keys()
    assert before
    at = datetime(2026, 1, 5, 3, tzinfo=UTC)
    with (
        pytest.raises(IntegrityError),
        write.bulk_load(engine) as conn,
        write.deferred_foreign_keys(conn, ComplaintEvent.__table__),
    ):
        row = {"id": 1, "complaint_id": 999, "at": at, "to_status": "baru"}
        write.insert_rows(conn, ComplaintEvent.__table__, [row])
    assert foreign_keys() == before
    assert _count(engine, ComplaintEvent) == 0
