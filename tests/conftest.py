"""Shared fixtures: a fresh, migrated database on the back end named by DATABASE_URL.

SQLite (default): a file in a temporary folder per test that asks for one.
PostgreSQL (DATABASE_URL=postgresql+psycopg://...): a schema of its own per database,
dropped afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from store.db import make_engine
from store.migrate import upgrade

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing_tool(reason: str) -> None:
    """Skip on a developer laptop, fail in CI: nothing is skipped in CI for a missing tool."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def backend_url() -> str:
    return os.environ.get("DATABASE_URL", "").strip() or "sqlite://"


def is_postgres() -> bool:
    return backend_url().startswith("postgresql")


def _pg_url(schema: str) -> str:
    base = backend_url()
    if base.startswith("postgresql://"):
        base = "postgresql+psycopg://" + base.split("://", 1)[1]
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def new_database_url(tmp_path) -> tuple[str, callable]:
    """A URL to an empty database of the configured back end, and its cleanup function."""
    if not is_postgres():
        return f"sqlite:///{tmp_path / f'db-{uuid.uuid4().hex[:8]}.sqlite'}", lambda: None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(backend_url().replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return _pg_url(schema), drop


@pytest.fixture
def db_url(tmp_path) -> Iterator[str]:
    """URL of an empty (unmigrated) database."""
    url, cleanup = new_database_url(tmp_path)
    yield url
    cleanup()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database with reference data and no complaints."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def app_engine(engine: Engine, db_url: str, tmp_path, monkeypatch) -> Iterator[Engine]:
    """`engine`, which is also the one the app's get_engine() and get_settings() see."""
    from config import get_settings
    from store.db import get_engine

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield engine
    get_engine.cache_clear()
    get_settings.cache_clear()


def signed_in(sess, user) -> None:
    """Put `user`'s login into a Flask session (as POST /masuk does): id and password stamp."""
    from routes.auth import password_stamp

    sess["uid"] = user.id
    sess["pwc"] = password_stamp(user)
