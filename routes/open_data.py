"""Open data of the Transparansi page: the public aggregates as CSV and JSON, with schema and licence.

    /data/transparansi/kecamatan.csv   /data/transparansi/kecamatan.json
    /data/transparansi/kategori.csv    /data/transparansi/kategori.json
    /data/transparansi/opd.csv         /data/transparansi/opd.json
    /data/transparansi/schema.json

Query parameters as on the page: dari, sampai (YYYY-MM-DD, WIB days), kecamatan, kategori, opd
(codes, comma-separated). A bad value is a 400 naming it. Open to everyone: only suppressed
aggregates (store/public.py) ever leave through here.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from flask import Blueprint, Response, request

from components.i18n import WIB
from store.db import get_engine
from store.filters import FilterError
from store.public import COLUMNS, LICENCE, public_breakdown, public_filter
from store.queries import as_of

bp = Blueprint("open_data", __name__, url_prefix="/data/transparansi")

DIMENSIONS = {"kecamatan": "kecamatan", "kategori": "category", "opd": "agency"}


def _headers(name: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "public, max-age=300",
        "X-Licence": LICENCE,
        "Access-Control-Allow-Origin": "*",  # open data: any site may read it
    }


def _bad(message: str) -> Response:
    return Response(json.dumps({"error": message}), status=400, mimetype="application/json")


def _table(dimension: str):
    if dimension not in DIMENSIONS:
        return None, None, Response(json.dumps({"error": f"unknown table {dimension!r}"}), 404)
    engine = get_engine()
    today = datetime.now(UTC).astimezone(WIB).date()
    try:
        f = public_filter(engine, request.args.to_dict(), today)
    except FilterError as exc:
        return None, None, _bad(str(exc))
    return f, public_breakdown(engine, f, DIMENSIONS[dimension]), None


@bp.get("/<dimension>.csv")
def table_csv(dimension: str) -> Response:
    f, rows, error = _table(dimension)
    if error is not None:
        return error
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    name = f"aduan-per-{dimension}-{f.start}-{f.end}.csv"
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8", headers=_headers(name))


@bp.get("/<dimension>.json")
def table_json(dimension: str) -> Response:
    f, rows, error = _table(dimension)
    if error is not None:
        return error
    moment = as_of(get_engine())
    body = {
        "title": f"Aduan per {dimension}, Kota Palembang",
        "period": {"start": f.start.isoformat(), "end": f.end.isoformat(), "timezone": "Asia/Jakarta"},
        "filters": {"kecamatan": list(f.kecamatan), "kategori": list(f.category), "opd": list(f.agency)},
        "as_of": moment.isoformat() if moment else None,
        "licence": LICENCE,
        "schema": "/data/transparansi/schema.json",
        "rows": rows,
    }
    name = f"aduan-per-{dimension}-{f.start}-{f.end}.json"
    return Response(
        json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json", headers=_headers(name)
    )


@bp.get("/schema.json")
def schema() -> Response:
    body = {
        "tables": {name: f"/data/transparansi/{name}.csv (.json)" for name in DIMENSIONS},
        "parameters": {
            "dari": "first day, YYYY-MM-DD (WIB)",
            "sampai": "last day, YYYY-MM-DD (WIB)",
            "kecamatan": "kecamatan codes 16.71.xx, comma-separated",
            "kategori": "category codes, comma-separated",
            "opd": "agency codes, comma-separated",
        },
        "columns": COLUMNS,
        "suppression": 'counts of 1 or 2 are published as "<3"; rates and times of such cells are empty',
        "licence": LICENCE,
    }
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json")
