"""Migrations run up from an empty database, match the models, and go down again."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from store.db import make_engine
from store.migrate import alembic_config, is_empty, upgrade
from store.models import Base, Kecamatan, Kelurahan

TABLES = {
    "kecamatan",
    "kelurahan",
    "agency",
    "category",
    "complaint",
    "complaint_event",
    "rejected_record",
    "camera",
    "job_run",
    "alembic_version",
}


def test_upgrade_from_empty_creates_every_table_and_reference_data(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Kecamatan)).scalar_one() == 18
        assert conn.execute(select(func.count()).select_from(Kelurahan)).scalar_one() == 107
        names = set(conn.execute(select(Kecamatan.common_name)).scalars())
    assert {"Ilir Timur I", "Bukit Kecil", "Sematang Borang", "Alang-Alang Lebar"} <= names
    assert is_empty(engine)
    engine.dispose()


def test_upgrade_twice_changes_nothing(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Kelurahan)).scalar_one() == 107
    engine.dispose()


def test_models_and_migrations_agree(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_downgrade_to_base_and_up_again(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
