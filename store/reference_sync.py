"""Upsert the reference rows (kecamatan, kelurahan, agencies, categories) written into the project."""

from __future__ import annotations

from sqlalchemy import Engine, Table

from store.data_version import bump
from store.db import dialect_insert
from store.models import Agency, Category, Kecamatan, Kelurahan
from store.reference_data import KECAMATAN, KELURAHAN
from store.vocab import AGENCIES, CATEGORIES


def upsert(conn, table: Table, rows: list[dict], key: list[str]) -> None:
    """INSERT ... ON CONFLICT (key) DO UPDATE for SQLite and PostgreSQL, in one statement."""
    if not rows:
        return
    stmt = dialect_insert(conn, table)
    update = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in key and c.name in rows[0]}
    conn.execute(stmt.on_conflict_do_update(index_elements=key, set_=update), rows)


def sync_reference(engine: Engine) -> None:
    """Make the reference tables match the project's facts; editable rows added later stay."""
    with engine.begin() as conn:
        upsert(
            conn,
            Kecamatan.__table__,
            [
                {
                    "code": k.code,
                    "name": k.name,
                    "common_name": k.common_name,
                    "lat": k.lat,
                    "lon": k.lon,
                    "area_km2": k.area_km2,
                    "aliases": list(k.aliases),
                }
                for k in KECAMATAN
            ],
            ["code"],
        )
        upsert(
            conn,
            Kelurahan.__table__,
            [
                {
                    "code": k.code,
                    "kecamatan_code": k.kecamatan_code,
                    "name": k.name,
                    "lat": k.lat,
                    "lon": k.lon,
                }
                for k in KELURAHAN
            ],
            ["code"],
        )
        upsert(conn, Agency.__table__, [a._asdict() for a in AGENCIES], ["code"])
        upsert(conn, Category.__table__, [c._asdict() for c in CATEGORIES], ["code"])
        # Renamed categories or agencies must not linger in cached figures (store/cache.py).
        bump(conn)
