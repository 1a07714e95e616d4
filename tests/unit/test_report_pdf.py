"""The PDF's tables read like a document: figures, their headers and red figures line up.

A per-kecamatan table is rendered on its own and read back with `pdftotext -bbox` (word
positions in points), so the test judges where the words land on the page, not reportlab's
style objects.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from reports.pdf import MARGIN, _breakdown
from tests.conftest import missing_tool

FRAME = pd.DataFrame(
    {
        "name": ["Sukarami", "Kalidoni", "Plaju"],
        "complaints": [80, 46, 69],
        "resolved_pct": [47.5, 32.6, 58.0],
        "median_hours": [165.6, 163.2, 225.6],  # past two days: printed in days ("6,9 hari")
        "sla_evaluated": [60, 35, 53],
        "sla_pct": [83.3, 62.9, 81.1],  # Kalidoni under 70%: printed red, as a paragraph
        "open": [68, 55, 57],
        "open_beyond_sla": [14, 12, 13],
    }
)


def _words(tmp_path: Path) -> list[tuple[str, float, float]]:
    """(word, xMax, yMin) of every word of the rendered table."""
    if shutil.which("pdftotext") is None:
        missing_tool("pdftotext is not installed (apt-get install poppler-utils)")
    pdf = tmp_path / "table.pdf"
    content = SimpleNamespace(req=SimpleNamespace(lang="id"))
    story = _breakdown(content, FRAME, "rep.section.kecamatan", "rep.col.kecamatan")
    SimpleDocTemplate(str(pdf), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN).build(story)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    pattern = r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(w, float(x), float(y)) for y, x, w in re.findall(pattern, html)]


def test_breakdown_figures_headers_and_red_sla_share_their_right_edge(tmp_path):
    words = _words(tmp_path)
    text = " ".join(w for w, _, _ in words)

    sla = {w: x for w, x, _ in words if w in ("83,3%", "62,9%", "81,1%")}
    assert len(sla) == 3, text
    assert max(sla.values()) - min(sla.values()) < 1.0, sla  # the red 62,9% too

    complaints = [x for w, x, _ in words if w in ("80", "46", "69")]
    header = next(x for w, x, _ in words if w == "Aduan")
    assert max(complaints) - min(complaints) < 1.0
    assert abs(header - complaints[0]) < 1.0, (header, complaints)  # header above its figures

    # The median column holds "6,9 hari": its header does not promise hours.
    assert "hari" in text and "Median jam" not in text
    assert "Median waktu selesai" in text
