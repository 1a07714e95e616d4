"""Benchmark of ingestion: parse + validate + upsert of N complaints (prints figures; asserts nothing).

    .venv/bin/python bench/ingest.py [--records 100000] [--database-url URL] [--page-size 5000]
                                     [--workers 1]

Starts the e-Lapor simulator (demo/elapor_sim.py) as a subprocess on a free port holding N
complaints, fetches every page first (network time is printed, not counted), then times, into
a fresh database (SQLite in a temporary folder; also PostgreSQL when --database-url or
DATABASE_URL points there):
  - API path: JSON -> mapped dicts (parse), validate, write_batch + watermark (upsert), page by
    page as jobs/sync_elapor.py does; then the same pages delivered again (all unchanged);
  - the API path once more into a fresh database with parse + validate in --workers forked
    processes while the main one writes (an experiment: the sync job runs in one process);
  - file path: the same records written as an e-Lapor CSV export, imported by
    jobs.import_file.import_file (parse + validate + upsert), then imported again; its stages
    are also timed separately (reading the rows, checking them).
The last lines compare the API and CSV totals with the target of 30,000 complaints/s.
The holiday tables of the SLA calendar are loaded before the clock starts (once per process).
Baselines measured in the same run, so the figures compare on a noisy shared machine: json.loads
and the msgspec decoder alone, and a plain executemany INSERT of the same rows into a table
without any constraint or index. Wall time (perf_counter) and this process's CPU time
(process_time) are both shown: the machine is shared, and CPU time is what the code itself costs.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
from sqlalchemy import create_engine, text

from data_sources.dates import WIB
from data_sources.elapor import ElaporClient, ElaporPage, _check_page
from data_sources.files import HEADERS
from data_sources.records import Rejection, decode_json, gc_paused
from data_sources.validate import validate
from jobs.import_file import import_file
from store.bulk_upsert import UpsertStatements
from store.db import make_engine
from store.ingest import (
    _code_ids,
    _default_calendar,
    _row,
    load_normalize_context,
    write_batch,
)
from store.migrate import upgrade
from store.models import Complaint
from store.watermarks import advance_watermark

TOKEN = "bench-token"
TARGET = 30_000  # complaints per second, issue 3
SIM_START = "2026-06-01T00:00:00+07:00"  # in the past, so no record is dated in the future
CSV_FIELDS = (
    "external_id", "tracking_id", "report_type", "title", "description", "category", "agency", "kecamatan",
    "kelurahan", "lat", "lon", "channel", "anonymous", "confidential", "reporter_name", "reporter_phone",
    "reporter_email", "reporter_nik", "created_at", "verified_at", "forwarded_at", "first_response_at",
    "resolved_at", "closed_at", "status", "outcome", "updated_at",
)  # fmt: skip
_DATES = {"created_at", "verified_at", "forwarded_at", "first_response_at", "resolved_at", "closed_at",
          "updated_at"}  # fmt: skip


class Clock:
    """Wall and CPU seconds per named stage."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        w, c = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - w
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - c


# ------------------------------------------------------------------------ simulator ----


@contextmanager
def simulator(records: int):
    """The simulator as a subprocess on a free port; yields its base URL."""
    cmd = [sys.executable, "-m", "demo.elapor_sim", "--port", "0", "--clock", "manual", "--complaints",
           str(records), "--days", "180", "--arrivals-per-day", "0", "--prebuild", "--start", SIM_START,
           "--token", TOKEN, "--seed", "7"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline()  # the banner names the URL once it is serving
        if "http://" not in line:
            raise SystemExit(f"the simulator did not start: {line!r} (exit {proc.poll()})")
        yield "http://" + line.split("http://", 1)[1].split("/api/", 1)[0]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def fetch_all(base: str, page_size: int) -> list[bytes]:
    """Every page body of a full pass, as bytes."""
    bodies: list[bytes] = []
    cursor = None
    with requests.Session() as session:
        while True:
            params = {"limit": page_size, **({"cursor": cursor} if cursor else {})}
            resp = session.get(f"{base}/api/v1/complaints", params=params, timeout=120,
                               headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
            resp.raise_for_status()
            bodies.append(resp.content)
            cursor = (json.loads(resp.content).get("meta") or {}).get("next_cursor")
            if not cursor:
                return bodies


def parse_page(client: ElaporClient, body: bytes, latest: datetime) -> ElaporPage:
    """What ElaporClient.fetch_page does with a body once it has it: decode, check, map."""
    data = decode_json(body)
    _check_page(data)
    page = ElaporPage(items=[], rejected=[], max_updated_at=None, cursor=None)
    with gc_paused():
        for position, item in enumerate(data["data"], 1):
            client._take(page, position, item, latest)
    return page


# -------------------------------------------------------------------------- paths ----


def api_pass(engine, client, bodies, clock: Clock, prefix: str) -> dict:
    """One delivery of every page, as the sync job commits it (one transaction a page)."""
    ctx = load_normalize_context(engine)
    latest = datetime(2100, 1, 1, tzinfo=UTC)
    totals = {"records": 0, "inserted": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    for body in bodies:
        # As jobs.sync_elapor.sync_elapor: the collector paused from reading a page to its commit,
        # until the page's objects are gone.
        with gc_paused():
            with clock.stage(f"{prefix}parse"):
                page = parse_page(client, body, latest)
            # jobs.sync_elapor.commit_batch, its two halves timed apart
            with clock.stage(f"{prefix}validate"):
                records, rejections = [], list(page.rejected)
                for raw in page.items:
                    result = validate(raw, "elapor", ctx)
                    (rejections if isinstance(result, Rejection) else records).append(result)
            with clock.stage(f"{prefix}upsert"):
                res, _ = write_batch(engine, records, rejections)
                if page.page_max_updated_at is not None:
                    advance_watermark(engine, "elapor", page.page_max_updated_at)
                n_items, n_rejected, n_quarantined = len(page.items), len(page.rejected), len(rejections)
                del page, records, rejections  # freeing the page is part of the cost: timed
        totals["records"] += n_items + n_rejected
        totals["inserted"] += res.inserted
        totals["updated"] += res.updated
        totals["unchanged"] += res.unchanged
        totals["rejected"] += n_quarantined
    return totals


# What a forked worker of the pipelined experiment reads (set before the pool forks).
_WORKER: dict = {}


def _parse_and_validate(index: int) -> tuple[list, list, datetime | None, int]:
    client, ctx = _WORKER["client"], _WORKER["ctx"]
    page = parse_page(client, _WORKER["bodies"][index], datetime(2100, 1, 1, tzinfo=UTC))
    with gc_paused():
        records, rejections = [], list(page.rejected)
        for raw in page.items:
            result = validate(raw, "elapor", ctx)
            (rejections if isinstance(result, Rejection) else records).append(result)
    return records, rejections, page.page_max_updated_at, len(page.items) + len(page.rejected)


def pipelined_pass(engine, client, bodies, clock: Clock, workers: int) -> dict:
    """The API path with parse + validate in `workers` forked processes while this one writes.

    An experiment for the 2-core question, not what jobs/sync_elapor.py does: pages are written
    in their order, one transaction each, as there. Records cross the process boundary pickled
    (~25 us a record both ways). No database connection is open when the pool forks.
    """
    _WORKER.update(client=client, ctx=load_normalize_context(engine), bodies=bodies)
    engine.dispose()
    totals = {"records": 0, "inserted": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    fork = multiprocessing.get_context("fork")
    with clock.stage("pipelined"), ProcessPoolExecutor(workers, mp_context=fork) as pool:
        for records, rejections, newest, n in pool.map(_parse_and_validate, range(len(bodies))):
            with gc_paused():
                res, _ = write_batch(engine, records, rejections)
            if newest is not None:
                advance_watermark(engine, "elapor", newest)
            totals["records"] += n
            totals["inserted"] += res.inserted
            totals["updated"] += res.updated
            totals["unchanged"] += res.unchanged
            totals["rejected"] += len(rejections)
    _WORKER.clear()
    return totals


def write_csv(bodies: list[bytes], path: Path) -> int:
    """The records as an e-Lapor CSV export (Indonesian headers, dd/mm/yyyy HH:MM:SS WIB, Ya/Tidak)."""
    from data_sources.mapping import elapor_to_raw

    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow([HEADERS[f][0] for f in CSV_FIELDS])
        for body in bodies:
            for item in json.loads(body)["data"]:
                raw = elapor_to_raw(item)
                out.writerow([_cell(f, raw.get(f)) for f in CSV_FIELDS])
                n += 1
    return n


def _cell(name: str, value) -> str:
    if value is None:
        return ""
    if name in _DATES:
        return datetime.fromisoformat(value).astimezone(WIB).strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    return str(value)


def file_stages(engine, path: Path, clock: Clock) -> None:
    """The file path's stages on their own: reading the rows, then checking them."""
    from data_sources.files import open_table
    from data_sources.validate import check

    ctx = load_normalize_context(engine)
    with clock.stage("file parse"), open_table(path) as table:
        raws = [raw for _, raw in table.rows()]
    with clock.stage("file validate"):
        for raw in raws:
            check(raw, "file:elapor", ctx)


def baseline_insert(engine, bodies, clock: Clock) -> int:
    """The same rows by plain executemany into a table without constraints or indexes."""
    ctx = load_normalize_context(engine)
    records = []
    for body in bodies:
        for raw in parse_page(
            ElaporClient("http://x", "t", 5, 5000, 0), body, datetime(2100, 1, 1, tzinfo=UTC)
        ).items:
            result = validate(raw, "elapor", ctx)
            if not isinstance(result, Rejection):
                records.append(result)
    cal = _default_calendar()
    with engine.begin() as conn:
        cats, agencies = _code_ids(conn)
        rows = [_row(r, cats, agencies, cal) for r in records]
        names = [c.name for c in Complaint.__table__.columns if c.name != "id"]
        columns = ", ".join(names)
        if conn.dialect.name == "postgresql":  # typed columns, no constraint, no index
            conn.exec_driver_sql(f"CREATE TABLE bench_plain AS SELECT {columns} FROM complaint LIMIT 0")
        else:
            conn.exec_driver_sql(f"CREATE TABLE bench_plain ({columns})")
        stmt = UpsertStatements(conn).upsert
        params = [stmt._params(r) for r in rows]
        sql = stmt.sql.split(" ON CONFLICT")[0].replace("INTO complaint", "INTO bench_plain", 1)
        with clock.stage("baseline insert"):
            conn.exec_driver_sql(sql, params)
        conn.exec_driver_sql("DROP TABLE bench_plain")
    return len(rows)


# -------------------------------------------------------------------------- report ----


def line(clock: Clock, label: str, names: list[str], n: int) -> str:
    wall = sum(clock.wall[k] for k in names)
    cpu = sum(clock.cpu[k] for k in names)
    return (f"  {label:<34} {wall / n * 1e6:8.1f} µs/rec {cpu / n * 1e6:8.1f} µs cpu"
            f" {n / wall:10,.0f} rec/s {n / cpu:10,.0f} rec/s cpu")  # fmt: skip


def run_backend(
    new_url, name: str, bodies: list[bytes], n: int, workdir: Path, base: Clock, workers: int
) -> None:
    """Both paths on fresh databases of one back end (`new_url()` gives an empty one), then the figures."""
    clock = Clock()
    for k in ("json", "decode"):
        clock.wall[k], clock.cpu[k] = base.wall[k], base.cpu[k]
    client = ElaporClient("http://bench.invalid", TOKEN, 5, 5000, 0)
    engine = make_engine(new_url())
    upgrade(engine)
    # The holiday tables load once per process (~0.5 s, the scheduler pays it at its first
    # sync): not a cost per record, so not in the figures.
    _default_calendar().deadline(datetime.fromisoformat(SIM_START), 5)
    first = api_pass(engine, client, bodies, clock, "")
    again = api_pass(engine, client, bodies, clock, "re ")
    baseline_insert(engine, bodies, clock)
    engine.dispose()
    piped = make_engine(new_url())
    upgrade(piped)
    pipelined = pipelined_pass(piped, client, bodies, clock, workers)
    piped.dispose()

    fresh = make_engine(new_url())
    upgrade(fresh)
    path = workdir / "elapor_export.csv"
    with clock.stage("file write (not counted)"):
        rows = write_csv(bodies, path)
    file_stages(fresh, path, clock)
    with clock.stage("file import"):
        report = import_file(fresh, path)
    with clock.stage("file re-import"):
        report2 = import_file(fresh, path)
    fresh.dispose()

    print(f"\n{name}: {n:,} records from the simulator")
    print(f"  first delivery: {first}")
    print(f"  re-delivery:    {again}")
    for stage in ("parse", "validate", "upsert"):
        print(line(clock, f"API {stage}", [stage], n))
    print(line(clock, "API parse+validate+upsert", ["parse", "validate", "upsert"], n))
    for stage in ("parse", "validate", "upsert"):
        print(line(clock, f"API re-delivery {stage}", [f"re {stage}"], n))
    print(line(clock, "API re-delivery total", ["re parse", "re validate", "re upsert"], n))
    wall = clock.wall["pipelined"]
    print(f"  API pipelined, {workers} worker process(es): {pipelined}")
    print(
        f"  {'  (experiment; wall only)':<34} {wall / n * 1e6:8.1f} µs/rec {'':>19} {n / wall:10,.0f} rec/s"
    )
    print(f"\n  CSV file {path.stat().st_size / 1e6:.1f} MB, {rows:,} rows: inserted {report.inserted}, "
          f"rejected {report.rejected}; re-import: inserted {report2.inserted}, updated {report2.updated}, "
          f"unchanged {report2.unchanged}")  # fmt: skip
    print(line(clock, "file parse (rows only)", ["file parse"], rows))
    print(line(clock, "file validate (check only)", ["file validate"], rows))
    print(line(clock, "file import (parse+validate+upsert)", ["file import"], rows))
    print(line(clock, "file re-import", ["file re-import"], rows))
    print("\n  baselines (same run):")
    print(line(clock, "plain executemany INSERT, no index", ["baseline insert"], n))
    print(line(clock, "json.loads only", ["json"], n))
    print(line(clock, "msgspec decode only (gc paused)", ["decode"], n))
    print(f"\n  {name} against the target of {TARGET:,} complaints/s (parse + validate + upsert):")
    print(_verdict(clock, "API path (simulator pages)", ["parse", "validate", "upsert"], n))
    print(_verdict(clock, "CSV path (file import)", ["file import"], rows))
    print(f"  {'API path pipelined (experiment)':<34} {n / wall:10,.0f} rec/s wall")


def _verdict(clock: Clock, label: str, names: list[str], n: int) -> str:
    wall = n / sum(clock.wall[k] for k in names)
    cpu = n / sum(clock.cpu[k] for k in names)
    verdict = "MET" if wall >= TARGET else ("met in CPU time only" if cpu >= TARGET else "not met")
    return f"  {label:<34} {wall:10,.0f} rec/s wall {cpu:10,.0f} rec/s cpu   target {verdict}"


def _pg_schema_url(base: str, schemas: list[str]) -> str:
    """A fresh schema of the PostgreSQL database at `base` (its name goes to `schemas` for cleanup)."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    schemas.append(schema)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def _drop_schemas(base: str, schemas: list[str]) -> None:
    admin = create_engine(base)
    with admin.begin() as conn:
        for schema in schemas:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--page-size", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=1, help="parse+validate processes of the pipelined run")
    ap.add_argument(
        "--database-url", default=None, help="PostgreSQL URL (default: DATABASE_URL if PostgreSQL)"
    )
    args = ap.parse_args(argv)
    pg = args.database_url or os.environ.get("DATABASE_URL", "")
    pg = pg if pg.startswith("postgresql") else None

    began = time.perf_counter()
    with simulator(args.records) as base:
        print(f"simulator ready in {time.perf_counter() - began:.1f} s at {base}")
        began = time.perf_counter()
        bodies = fetch_all(base, args.page_size)
    fetch_s = time.perf_counter() - began
    n = sum(len(json.loads(b)["data"]) for b in bodies)
    size = sum(map(len, bodies)) / 1e6
    print(f"fetched {n:,} records in {len(bodies)} pages ({size:.1f} MB) in {fetch_s:.1f} s (not counted)")
    clock = Clock()
    with clock.stage("json"):
        for b in bodies:
            json.loads(b)
    with clock.stage("decode"):
        for b in bodies:
            decode_json(b)

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        workdir = Path(tmp)
        files = iter(range(1_000))
        run_backend(lambda: f"sqlite:///{workdir / f'db{next(files)}.sqlite'}", "SQLite", bodies, n, workdir,
                    clock, args.workers)  # fmt: skip
        if pg:
            pg = pg.replace("postgresql://", "postgresql+psycopg://")
            schemas: list[str] = []
            try:
                run_backend(
                    lambda: _pg_schema_url(pg, schemas), "PostgreSQL", bodies, n, workdir, clock, args.workers
                )
            finally:
                _drop_schemas(pg, schemas)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
