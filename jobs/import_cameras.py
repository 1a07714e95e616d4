"""Import the camera registry: `python -m jobs.import_cameras [URL_OR_FILE]` (default: CAMERAS_FILE).

Reads our YAML/CSV registry or a city CCTV portal's JSON list (a file, or a URL fetched with a
timeout), checks every row (problems printed as row, field, reason), and upserts the valid
cameras by code in ONE transaction: the registry is in whole or not at all, and importing the
same registry again changes nothing. Portal cameras get the code `cctv-<cctv_id>`. Cameras
missing from the registry are left as they are (disable them with `enabled: false`).

Exit codes: 0 the registry was imported (rows with problems included), 1 the database write
failed (nothing was written), 2 the registry cannot be read or a bad argument.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from data_sources.boundaries import Locator, make_locator
from data_sources.camera_registry import RegistryError, RowError, agency_index, load_registry
from store import cameras as cam
from store.runs import finish_run, start_run

log = logging.getLogger("jobs.import_cameras")

JOB_ID = "import_cameras"


class ImportFailed(Exception):
    """The database write failed; nothing of the registry was written."""


@dataclass
class CameraImportReport:
    source: str
    format: str = ""
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0  # rows with at least one problem
    kept: int = 0  # cameras whose fields edited on the admin page were kept over the file's
    errors: list[RowError] = field(default_factory=list)
    duration_s: float = 0.0

    def summary(self) -> str:
        """One line: rows read and what became of them."""
        return (
            f"{self.rows} cameras: {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected ({self.format}, {self.source})"
            + (f"; kept the admin page's edits on {self.kept}" if self.kept else "")
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        return asdict(self)


def source_name(source: str | Path) -> str:
    """How a registry is named in camera.registry_source: a URL as given, a file by absolute path."""
    text = str(source)
    return text if re.match(r"https?://", text, re.IGNORECASE) else str(Path(text).resolve())


def import_cameras(
    engine: Engine, source: str | Path, *, timeout_s: float = 10.0, locate: Locator | None = None
) -> CameraImportReport:
    """Read, check and upsert one registry; raises RegistryError (unreadable) or ImportFailed (database)."""
    started = time.monotonic()
    name = source_name(source)
    report = CameraImportReport(source=name)
    run_id = start_run(engine, JOB_ID)
    try:
        if locate is None:
            from config import get_settings

            locate = make_locator(get_settings().boundaries_path)
        with engine.connect() as conn:
            agencies, aliases = cam.agency_names(conn)
        parsed = load_registry(source, locate, agency_index(agencies, aliases), timeout_s)
    except Exception as exc:
        _finish(engine, run_id, report, started, "failed", str(exc))
        if isinstance(exc, RegistryError | ValueError):
            raise RegistryError(str(exc)) from None
        raise
    report.format, report.rows, report.errors = parsed.format, parsed.rows, parsed.errors
    report.rejected = len({e.row for e in parsed.errors})
    try:
        with engine.begin() as conn:
            counts = cam.upsert_cameras(conn, parsed.specs, name)
    except Exception as exc:
        message = f"cameras not written ({type(exc).__name__}: {str(exc).splitlines()[0][:300]})"
        _finish(engine, run_id, report, started, "failed", message)
        raise ImportFailed(message) from exc
    report.inserted, report.updated, report.unchanged = counts.inserted, counts.updated, counts.unchanged
    report.kept = counts.kept
    _finish(engine, run_id, report, started, "ok", None)
    return report


def _finish(
    engine: Engine, run_id: int, report: CameraImportReport, started: float, status: str, error: str | None
) -> None:
    report.duration_s = round(time.monotonic() - started, 3)
    detail = {
        "source": report.source,
        "format": report.format,
        "duration_s": report.duration_s,
        "errors": [asdict(e) for e in report.errors[:200]],
    }
    try:
        finish_run(
            engine,
            run_id,
            status,
            fetched=report.rows,
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
            error=error,
            detail=detail,
        )
    except Exception:  # the database is what failed: the caller still gets the report
        log.exception("could not record the end of camera import run %s", run_id)


def main(argv: list[str] | None = None) -> int:
    """Command line: import one registry, print each problem as (row, field, reason), then a summary."""
    parser = argparse.ArgumentParser(
        prog="python -m jobs.import_cameras", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "source", nargs="?", help="registry file (.yaml, .csv, .json) or URL (default CAMERAS_FILE)"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a URL (default 10)")
    args = parser.parse_args(argv)
    from config import ConfigError, get_settings
    from store.db import make_engine

    try:
        settings = get_settings()
        engine = make_engine(settings.database_url)
        locate = make_locator(settings.boundaries_path)
    except (ConfigError, ValueError) as exc:
        print(f"error: configuration: {exc}", file=sys.stderr)
        return 2
    source = args.source or str(settings.cameras_file)
    try:
        report = import_cameras(engine, source, timeout_s=max(0.1, args.timeout), locate=locate)
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ImportFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the database is unreachable or not migrated
        hint = " (run `python -m store.migrate` first?)" if "no such table" in str(exc) else ""
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0]}{hint}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if report.errors:
        print(f"{'row':>6}  {'field':<12}  {'code':<20}  reason")
        for e in report.errors:
            print(f"{e.row:>6}  {e.field[:12]:<12}  {(e.code or '-')[:20]:<20}  {e.reason}")
    print(report.summary())
    print(f"took {report.duration_s:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
