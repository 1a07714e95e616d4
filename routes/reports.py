"""Report downloads: `/laporan/unduh/<archive id>`, for staff only.

The request supplies an integer id and nothing else: the file's path comes from the archive row,
joined to REPORT_DIR and checked to stay inside it. Reports may hold Rahasia complaints, so the
route checks the caller's role itself.
"""

from __future__ import annotations

from flask import Blueprint, Response, send_file

from components.access import STAFF
from config import get_settings
from routes.files import file_inside
from routes.guard import require
from store.db import get_engine
from store.reports_archive import get_report

bp = Blueprint("reports", __name__)

MIMETYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def download_url(report_id: int) -> str:
    """The address a finished report is downloaded from."""
    return f"/laporan/unduh/{int(report_id)}"


def _refuse(status: int) -> Response:
    # A plain response, not abort(): in DEBUG, Dash's dev tools turn a raised 404 into a 500 page.
    return Response(
        f"{'Not found' if status == 404 else 'Forbidden'}\n", status=status, mimetype="text/plain"
    )


@bp.get("/laporan/unduh/<int:report_id>")
def download(report_id: int) -> Response:
    refused = require(STAFF)  # reports may hold Rahasia complaints
    if refused is not None:
        return refused
    # Flask's int converter takes any length; past a BIGINT the database driver raises (a 500).
    row = get_report(get_engine(), report_id) if report_id <= 2**63 - 1 else None
    if row is None or row["status"] != "done":
        return _refuse(404)
    path = file_inside(get_settings().report_dir, row["path"])
    if path is None:
        return _refuse(404)
    resp = send_file(path, mimetype=MIMETYPES[row["fmt"]], as_attachment=True, download_name=path.name)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
