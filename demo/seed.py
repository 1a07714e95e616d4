"""Reproducible demo world: complaints with their lifecycle events, and the city's cameras.

    python -m demo.seed [--complaints 50000] [--days 730] [--seed 1] [--end YYYY-MM-DD]
                        [--database-url URL] [--append]

Migrates the database, then fills it. The same seed, size and end date give identical rows:
everything is drawn from numpy generators seeded with --seed; the wall clock is read only for
the default end (now, in WIB). A database that already holds complaints is left alone unless
--append is given. Cameras come from the registry file (CAMERAS_FILE, default cameras.yaml, the
same path as `python -m jobs.import_cameras`) when the camera table is empty.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, Engine

from data_sources.privacy import reporter_hash
from demo import lifecycle, world
from demo.rows import PII_SHARE, World, complaint_columns, event_columns
from demo.seed_text import MOBILE_PREFIXES, PII_KINDS
from store import write
from store.calendar import WIB, WorkCalendar
from store.models import Camera, Complaint, ComplaintEvent
from store.vocab import REPORT_TYPES

DEFAULT_COMPLAINTS = 50_000
DEFAULT_DAYS = 730
CHUNK = 20_000
# Steps after the last day are drawn on the calendar too (then cut at the end moment): the
# slowest chain is under 340 working days, inside a year and a half.
_CALENDAR_MARGIN_DAYS = 550
_LEAD_DAYS = 7  # the working-day table starts a week before the period


def end_moment(end: date | None) -> tuple[date, int]:
    """The last WIB day and the last epoch second anything may happen: now by default."""
    if end is None:
        now = datetime.now(UTC)
        return now.astimezone(WIB).date(), int(now.timestamp())
    midnight_after = datetime.combine(end + timedelta(days=1), datetime.min.time(), WIB)
    return end, int(midnight_after.timestamp()) - 1


def _reporter_hashes(rng: np.random.Generator, n: int, anonymous: np.ndarray, salt: str) -> list[str | None]:
    # Reporters are known by a phone number, as most LAPOR! accounts are; hashing it the way
    # ingestion does (data_sources.privacy) keeps demo hashes comparable with synced ones.
    number = world.reporters(rng, n)
    if n == 0:
        return []
    prefix = rng.integers(0, len(MOBILE_PREFIXES), number.max() + 1)
    digits = rng.integers(0, 10**8, number.max() + 1)
    cache: dict[int, str | None] = {}
    out: list[str | None] = []
    for who, anon in zip(number.tolist(), anonymous.tolist(), strict=True):
        if anon:
            out.append(None)
            continue
        h = cache.get(who)
        if h is None:
            phone = f"{MOBILE_PREFIXES[prefix[who]]}{digits[who]:08d}"
            h = cache[who] = reporter_hash(salt, None, phone, None, None)
        out.append(h)
    return out


def build_world(
    n: int,
    days: int,
    seed: int,
    last_day: date,
    end_ts: int,
    cal: WorkCalendar,
    salt: str,
    first_id: int,
) -> World:
    """Every column of n complaints received over `days` WIB days ending `last_day`."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    r_days, r_cells, r_attr, r_life, r_text, r_pii = streams
    period = world.Period(last_day - timedelta(days=days - 1), last_day)
    wt = lifecycle.WorkdayTable(
        cal, period.first - timedelta(days=_LEAD_DAYS), last_day + timedelta(days=_CALENDAR_MARGIN_DAYS)
    )

    volume, season = world.day_weights(r_days, period, cal)
    day, kec, cat = world.sample_cells(r_cells, n, volume, season)
    day_start = wt.midnight(day + _LEAD_DAYS)
    created = day_start + world.created_seconds(r_cells, n)
    # With the default end (now), today is only partly over: squeeze today's complaints into it.
    late = created > end_ts
    span = np.maximum(end_ts - day_start, 1)
    created = np.where(late, day_start + (r_cells.random(n) * span).astype(np.int64), created)
    order = np.argsort(created, kind="stable")
    created, day, kec, cat = created[order], day[order], kec[order], cat[order]

    progress = day / max(1, days - 1)
    kel, lat, lon = world.place(r_attr, kec)
    channel = world.channels(r_attr, progress)
    report_type = world.report_types(r_attr, cat)
    anonymous = r_attr.random(n) < world.ANONYMOUS_SHARE
    confidential = r_attr.random(n) < world.CONFIDENTIAL_SHARE
    agency, other = world.agencies(r_attr, cat)
    hashes = _reporter_hashes(r_attr, n, anonymous, salt)

    plan = lifecycle.plan_outcomes(r_life, cat, agency, other)
    info = report_type == REPORT_TYPES.index("permintaan_informasi")
    life = lifecycle.simulate(r_life, wt, created, cat, agency, plan, info, progress, end_ts)

    pii = np.full((n, 2), -1)
    has_pii = r_text.random(n) < PII_SHARE
    pii[has_pii, 0] = r_text.integers(0, len(PII_KINDS), has_pii.sum())
    second = has_pii & (r_text.random(n) < 0.25)
    # A second, different kind: the usual "name plus phone number" and the like.
    pii[second, 1] = (pii[second, 0] + r_text.integers(1, len(PII_KINDS), second.sum())) % len(PII_KINDS)
    # (local?, index): always a street of the complaint's own kecamatan, so the text agrees with
    # its map point; the flag stays for readers of World that also handle city-wide streets.
    street = np.stack([np.ones(n, dtype=np.int64), r_text.integers(0, 1000, n)], axis=1)
    return World(
        ids=np.arange(first_id, first_id + n, dtype=np.int64),
        kec=kec, cat=cat, kel=kel, lat=lat, lon=lon, channel=channel, report_type=report_type,
        anonymous=anonymous, confidential=confidential, agency=agency, reporter_hash=hashes, life=life,
        picks=r_text.integers(0, 1000, (n, 4)), street=street, pii=pii, pii_rng=r_pii,
    )  # fmt: skip


def seed(
    engine: Engine,
    complaints: int = DEFAULT_COMPLAINTS,
    days: int = DEFAULT_DAYS,
    seed: int = 1,
    end: date | None = None,
    *,
    append: bool = False,
    salt: str | None = None,
    extra_holidays: Iterable[date] | None = None,
    cameras_file: Path | None = None,
    camera_sim_port: int | None = None,
) -> dict:
    """Fill a migrated database with the demo world; returns counts (nothing added when it has complaints)."""
    if complaints < 0 or days < 1:
        raise ValueError("complaints must be >= 0 and days >= 1")
    started = time.perf_counter()
    boundaries = None
    if salt is None or extra_holidays is None or cameras_file is None:
        from config import get_settings

        settings = get_settings()
        cameras_file = settings.cameras_file if cameras_file is None else cameras_file
        boundaries = settings.boundaries_path
        salt = settings.reporter_hash_salt if salt is None else salt
        extra_holidays = settings.cuti_bersama if extra_holidays is None else extra_holidays
    cal = WorkCalendar(extra_holidays)
    last_day, end_ts = end_moment(end)
    summary = {
        "complaints": 0,
        "events": 0,
        "cameras": 0,
        "open": 0,
        "existing": 0,
        "first_day": (last_day - timedelta(days=days - 1)).isoformat(),
        "last_day": last_day.isoformat(),
    }
    complaint_t, event_t, camera_t = Complaint.__table__, ComplaintEvent.__table__, Camera.__table__
    with write.bulk_load(engine) as conn:
        if write.count_rows(conn, camera_t) == 0:
            summary["cameras"] = _registry_cameras(conn, cameras_file, boundaries, camera_sim_port)
        summary["existing"] = write.count_rows(conn, complaint_t)
        if (summary["existing"] and not append) or complaints == 0:
            summary["seconds"] = round(time.perf_counter() - started, 1)
            return summary
        first_id = write.max_id(conn, complaint_t) + 1
        first_event = write.max_id(conn, event_t) + 1
        w = build_world(complaints, days, seed, last_day, end_ts, cal, salt, first_id)
        with ExitStack() as deferred:
            # A fresh load builds indexes and checks foreign keys once at the end. An append
            # keeps them: rebuilding a big table's indexes costs more than it saves, and the
            # app may be reading the tables meanwhile.
            if summary["existing"] == 0 and complaints >= CHUNK:
                deferred.enter_context(write.deferred_indexes(conn, complaint_t))
                for table in (complaint_t, event_t):
                    deferred.enter_context(write.deferred_foreign_keys(conn, table))
            summary["complaints"], summary["events"] = _load(conn, w, cal, first_event)
        write.sync_id_sequence(conn, complaint_t)
        write.sync_id_sequence(conn, event_t)
    summary["open"] = int((w.life.times[:, lifecycle.CLOSED] == lifecycle.MISSING).sum())
    summary["seconds"] = round(time.perf_counter() - started, 1)
    return summary


def _registry_cameras(
    conn: Connection, path: Path, boundaries: Path | None, sim_port: int | None = None
) -> int:
    """Insert the registry file's cameras; a registry with bad rows stops the seeding, naming them.

    The registry's cameras point at the camera simulator's default address; with another
    CAMERA_SIM_PORT (`sim_port`) they are pointed at that port, or every one would be "refused".
    """
    import dataclasses

    from data_sources.boundaries import make_locator
    from data_sources.camera_registry import agency_index, load_registry
    from demo.cameras import SIMULATOR_BASE_URL
    from store import cameras

    report = load_registry(path, make_locator(boundaries), agency_index(*cameras.agency_names(conn)))
    if report.errors:
        shown = "; ".join(f"row {e.row} {e.field}: {e.reason}" for e in report.errors[:5])
        raise ValueError(f"{path}: {len(report.errors)} problem(s) in the camera registry: {shown}")
    specs = report.specs
    if sim_port is not None:
        moved = f"http://127.0.0.1:{sim_port}/"
        specs = [
            dataclasses.replace(s, url=moved + s.url.removeprefix(SIMULATOR_BASE_URL + "/"))
            if s.url.startswith(SIMULATOR_BASE_URL + "/")
            else s
            for s in specs
        ]
    return cameras.upsert_cameras(conn, specs, str(Path(path).resolve())).inserted


def _load(conn: Connection, w: World, cal: WorkCalendar, first_event: int) -> tuple[int, int]:
    """Insert the world chunk by chunk; returns (complaints, events) written."""
    category_ids, agency_ids = write.reference_ids(conn)
    n = w.ids.size
    # Each complaint has one event per stage it reached; knowing the counts up front lets the
    # next chunk be built while the database writes this one.
    stages = (w.life.times[:, lifecycle.EVENT_STAGES] != lifecycle.MISSING).sum(axis=1)
    event_ids = first_event + np.concatenate([[0], np.cumsum(stages)])
    complaint_t, event_t = Complaint.__table__, ComplaintEvent.__table__

    def build(start: int) -> tuple[dict, dict]:
        stop = min(start + CHUNK, n)
        complaints = complaint_columns(w, start, stop, cal, category_ids, agency_ids)
        return complaints, event_columns(w, start, stop, int(event_ids[start]))

    written = [0, 0]
    # One worker, used in chunk order: the text generator's random stream stays reproducible.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="seed-build") as pool:
        pending = pool.submit(build, 0) if n else None
        for start in range(0, n, CHUNK):
            complaints, events = pending.result()
            if start + CHUNK < n:
                pending = pool.submit(build, start + CHUNK)
            written[0] += write.insert_columns(conn, complaint_t, complaints, CHUNK)
            written[1] += write.insert_columns(conn, event_t, events, 6 * CHUNK)
    return written[0], written[1]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m demo.seed", description=__doc__.splitlines()[0])
    ap.add_argument("--complaints", type=int, default=DEFAULT_COMPLAINTS, help="how many (default 50000)")
    ap.add_argument("--days", type=int, default=DEFAULT_DAYS, help="period length in days (default 730)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument(
        "--end", type=date.fromisoformat, default=None, help="last day YYYY-MM-DD (default: today, WIB)"
    )
    ap.add_argument("--database-url", default=None, help="default: DATABASE_URL")
    ap.add_argument("--append", action="store_true", help="add to a database that already has complaints")
    args = ap.parse_args(argv)
    if args.complaints < 0:
        ap.error("--complaints must be 0 or more")
    if args.days < 1:
        ap.error("--days must be 1 or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    from sqlalchemy.exc import OperationalError

    from config import ConfigError, get_settings
    from store.db import make_engine
    from store.migrate import upgrade

    try:
        engine = make_engine(args.database_url or get_settings().database_url)
    except ConfigError as exc:
        print(f"demo.seed: configuration error: {exc}", file=sys.stderr)
        return 2
    where = engine.url.render_as_string(hide_password=True)
    try:
        upgrade(engine)
        summary = seed(engine, args.complaints, args.days, args.seed, args.end, append=args.append)
    except OperationalError as exc:
        print(
            f"demo.seed: database error at {where}: {str(exc.orig).strip().splitlines()[0]}", file=sys.stderr
        )
        return 1
    finally:
        engine.dispose()
    if summary["existing"] and not args.append:
        print(
            f"demo.seed: {where} already has {summary['existing']:,} complaints; nothing added "
            f"(use --append to add more) [{summary['cameras']} cameras added, {summary['seconds']} s]"
        )
        return 0
    print(
        f"demo.seed: {summary['complaints']:,} complaints, {summary['events']:,} events, "
        f"{summary['cameras']} cameras into {where} ({summary['first_day']}..{summary['last_day']}, "
        f"{summary['open']:,} open at the end, seed {args.seed}) in {summary['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
