"""Bring a database to the current schema and reference data: `python -m store.migrate`."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, select

from store.models import Complaint
from store.reference_sync import sync_reference

_ROOT = Path(__file__).resolve().parent.parent


def alembic_config() -> Config:
    """Alembic config pointing at store/migrations, independent of the working directory."""
    cfg = Config(str(_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(_ROOT / "store" / "migrations"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Apply every pending migration, then upsert the reference data (idempotent)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    sync_reference(engine)


def is_empty(engine: Engine) -> bool:
    """True when the database holds no complaints (the launcher then seeds the demo world)."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Complaint)).scalar_one() == 0


def main() -> int:
    from config import ConfigError, get_settings
    from store.db import get_engine

    try:
        engine = get_engine(get_settings().database_url)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    upgrade(engine)
    print("database is at the current schema")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
