"""A seeded world for the security tests: demo complaints, cameras, one user per role, PII canaries
and XSS payloads, on a migrated database of the configured back end.

Canaries go in twice: through the real import path (jobs.import_file on a CSV written here, so
the ingest scrubber runs) and straight into the complaint table (raw, unscrubbed), so the tests
prove that the OUTPUT side never shows them whatever the input side let through. XSS payloads sit
in complaint titles and descriptions, a category, an agency, a kelurahan, a camera name, a user's
display name and a quarantined row: everything a page may print that came from outside.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select, update

from store.calendar import WIB, WorkCalendar
from store.derive import derive_fields
from store.models import Agency, Camera, Category, Complaint, Kelurahan

# -------------------------------------------------------------------- canaries ----
# Made-up words that occur nowhere else: any hit in an output is a leak.
NAMES = ("Kanarisulastri Wibisonowati", "Zulkanari Prawiroputro")
PHONES = ("+62 812-7788-1234", "0812 9911 4455", "081377441122")
EMAILS = ("kanari.sulastri@contoh-rahasia.id", "zulkanari99@surel-kanari.co.id")
NIKS = ("1671015508900007", "1671-0255-0890-0031")
# Exact coordinates of Anonim reports: only kelurahan centroids may ever go out.
ANON_POINTS = ((-2.9712345, 104.7512345), (-2.9823456, 104.7623456))
RAW_TITLE = "Judul-mentah-KANARI-7734"  # titles of rows inserted raw (never on a public answer)
RAHASIA_TITLE = "Judul-RAHASIA-KANARI-5521"  # title of a Rahasia row: only staff exports show it
RAW_HASHES = ("c0ffee" + "0" * 52 + "1ab2c3", "deadbeef" * 8)

# --------------------------------------------------------------------- payloads ----
XSS = (
    "<script>alert('xss-script')</script>",
    "<img src=x onerror=\"alert('xss-img')\">",
    '"><svg onload="alert(\'xss-svg\')">',
    "javascript:alert('xss-link')",
    "<a href=\"javascript:alert('xss-a')\">klik</a>",
    "<iframe src=\"javascript:alert('xss-iframe')\"></iframe>",
)
XSS_TEXT = " ".join(XSS)

KECAMATAN = "Ilir Timur I"  # 16.71.05
KELURAHAN = "Enam-belas Ilir"
ROLES = ("staf", "pimpinan", "admin")


@dataclass
class World:
    url: str
    snapshot_dir: Path
    cameras: object  # tests.fixtures.cameras_world.World
    users: dict[str, tuple[str, str]] = field(default_factory=dict)  # role -> (username, password)
    user_ids: dict[str, int] = field(default_factory=dict)
    reporter_hashes: list[str] = field(default_factory=list)
    canary_ids: list[int] = field(default_factory=list)  # complaint ids holding canaries
    rahasia_ids: list[int] = field(default_factory=list)
    anon_ids: list[int] = field(default_factory=list)


def canary_marks() -> list[str]:
    """Substrings of the canaries, as they may appear in an answer (any spacing of the numbers)."""
    marks = [n for name in NAMES for n in (name, *name.split())]
    marks += [e for email in EMAILS for e in (email, email.split("@")[0])]
    marks += [re.sub(r"\D", "", p)[-9:] for p in PHONES]  # the subscriber digits, however written
    marks += [re.sub(r"\D", "", n) for n in NIKS] + list(NIKS)
    marks += [f"{abs(v):.6f}"[:-1] for pt in ANON_POINTS for v in pt]  # 5+ decimals of a point
    return marks


def find_leaks(text: str, marks: list[str]) -> list[str]:
    """The marks found in `text`; numbers are also looked for with their separators removed."""
    low = text.lower()
    digits = re.sub(r"[ .\-+()/\\]", "", low)
    return [m for m in marks if m.lower() in low or (m.isdigit() and m in digits)]


def _csv(now: datetime) -> bytes:
    """An e-Lapor style export: canaries in titles, texts and reporter fields; payloads too."""
    header = [
        "No. Tiket", "Tanggal Laporan", "Judul", "Isi Laporan", "Kategori", "Instansi", "Kecamatan",
        "Kelurahan", "Latitude", "Longitude", "Status", "Kanal", "Anonim", "Rahasia", "Nama Pelapor",
        "No. HP", "Email", "NIK",
    ]  # fmt: skip
    rows = []
    for i in range(6):
        day = (now - timedelta(days=1 + i)).astimezone(WIB)
        name, phone, email = NAMES[i % 2], PHONES[i % 3], EMAILS[i % 2]
        nik = NIKS[i % 2]
        anon, rahasia = ("Ya" if i in (1, 4) else "Tidak"), ("Ya" if i in (2, 5) else "Tidak")
        lat, lon = ANON_POINTS[i % 2] if anon == "Ya" else ("", "")
        # Two numbers in a row too: the scrubber once read them as one over-long number and kept both.
        title = f"Sampah menumpuk, hubungi {phone} {PHONES[(i + 1) % 3]} atau {email} NIK {nik}"
        text = f"Saya {name}, HP {phone}, surel {email}, NIK {nik}. {XSS_TEXT}"
        rows.append(
            [f"KANARI-{i:03d}", day.strftime("%d/%m/%Y %H:%M"), title, text, "Sampah", "DLHK", KECAMATAN,
             KELURAHAN, lat, lon, "Baru", "Web", anon, rahasia, name, phone, email, nik]
        )  # fmt: skip
    for i, payload in enumerate(XSS):
        day = (now - timedelta(days=2, hours=i)).astimezone(WIB)
        rows.append(
            [f"XSS-{i:03d}", day.strftime("%d/%m/%Y %H:%M"), f"XSS {payload}", f"Isi {payload}",
             "Jalan Rusak", "Dinas PU", KECAMATAN, KELURAHAN, "", "", "Dalam Proses", "Web", "Tidak",
             "Tidak", "", "", "", ""]
        )  # fmt: skip
    # A bad date: quarantined with its payload, which the health page lists.
    rows.append(["XSS-BAD", "32/13/2026", f"Rusak {XSS[1]}", XSS_TEXT, "Sampah", "DLHK", KECAMATAN, "", "",
                 "", "Baru", "Web", "Tidak", "Tidak", NAMES[0], PHONES[0], EMAILS[0], NIKS[0]])  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _raw_rows(engine: Engine, now: datetime) -> list[int]:
    """Unscrubbed rows written straight into the table: the output side alone must hide them."""
    with engine.begin() as conn:
        cat = conn.execute(select(Category.id).where(Category.code != "tidak_diketahui")).scalars().first()
        agency = conn.execute(select(Agency.id)).scalars().first()
    cal = WorkCalendar()
    text = " ".join([*NAMES, *PHONES, *EMAILS, *NIKS, XSS_TEXT])
    specs = [
        (RAW_TITLE + " " + XSS[0], False, False, RAW_HASHES[0], None),
        (RAW_TITLE + " anonim", True, False, None, ANON_POINTS[0]),
        (RAHASIA_TITLE, False, True, RAW_HASHES[1], None),
    ]
    ids = []
    with engine.begin() as conn:
        for i, (title, anon, rahasia, rhash, point) in enumerate(specs):
            created = now - timedelta(days=20 + i)  # past the follow-up deadline: on "beyond SLA" lists
            row = {
                "source": "uji:mentah", "external_id": f"RAW-{i}", "tracking_id": f"RAW-TRK-{i}",
                "report_type": "pengaduan", "title": title, "description": text, "category_id": cat,
                "agency_id": agency, "kecamatan_code": "16.71.05", "kelurahan_code": None,
                "lat": point[0] if point else None, "lon": point[1] if point else None, "channel": "web",
                "anonymous": anon, "confidential": rahasia, "reporter_hash": rhash, "created_at": created,
                "status": "diteruskan", "forwarded_at": created + timedelta(hours=5), "updated_at": now,
            }  # fmt: skip
            derive_fields(row, cal)
            ids.append(conn.execute(insert(Complaint).returning(Complaint.id), row).scalar_one())
    return ids


def _payloads_in_reference(engine: Engine, cameras) -> None:
    """Free text that pages print besides complaints: a category, an agency, a kelurahan, a camera."""
    with engine.begin() as conn:
        conn.execute(update(Category).where(Category.code == "sampah").values(name_id=XSS[1][:96]))
        conn.execute(update(Agency).where(Agency.code == "dlhk").values(short_name=XSS[2][:48]))
        conn.execute(update(Kelurahan).where(Kelurahan.name == KELURAHAN).values(name=XSS[2][:64]))
        conn.execute(
            update(Camera).where(Camera.id == cameras.ids["cam-online-a"]).values(name=XSS[1] + " Charitas")
        )


def build(url: str, tmp: Path, complaints: int = 400) -> World:
    """Seed the database at `url` (migrated here); the settings must already point at it."""
    from demo.seed import seed
    from jobs.import_file import import_file
    from store.db import make_engine
    from store.migrate import upgrade
    from store.users import create_user
    from tests.fixtures import cameras_world

    now = datetime.now(UTC)
    engine = make_engine(url)
    try:
        upgrade(engine)
        snap = tmp / "snapshots"
        snap.mkdir(parents=True, exist_ok=True)
        cams = cameras_world.build(engine, snap, now)
        seed(engine, complaints=complaints, days=60, seed=5)
        import_file(engine, _csv(now), "kanari.csv")
        raw = _raw_rows(engine, now)
        world = World(url, snap, cams)
        for role in ROLES:
            username, password = f"uji_{role}", secrets.token_urlsafe(12)
            world.user_ids[role] = create_user(engine, username, role, password, f"Uji {role}").id
            world.users[role] = (username, password)
        create_user(engine, "uji_xss", "staf", secrets.token_urlsafe(12), XSS[1][:80])
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    Complaint.id, Complaint.reporter_hash, Complaint.anonymous, Complaint.confidential
                ).where(Complaint.external_id.like("KANARI-%") | Complaint.source.like("uji:%"))
            ).all()
            world.reporter_hashes = [
                h for h in conn.execute(select(Complaint.reporter_hash).limit(200)).scalars() if h
            ]
        world.canary_ids = [r.id for r in rows]
        world.rahasia_ids = [r.id for r in rows if r.confidential]
        world.anon_ids = [r.id for r in rows if r.anonymous]
        world.reporter_hashes += [r.reporter_hash for r in rows if r.reporter_hash]
        assert len(world.canary_ids) == 9 and set(raw) <= set(world.canary_ids), rows
        assert world.reporter_hashes, "the world should hold reporter hashes to look for"
        _payloads_in_reference(engine, cams)
    finally:
        engine.dispose()
    return world


@contextlib.contextmanager
def app_env(url: str, tmp: Path) -> Iterator[None]:
    """Point the settings and the engine cache at `url` for the in-process app, then restore."""
    import pytest

    from config import get_settings
    from store.db import get_engine

    with pytest.MonkeyPatch.context() as mp:
        for key, value in {
            "DATABASE_URL": url,
            "DATA_DIR": str(tmp / "data"),
            "SNAPSHOT_DIR": str(tmp / "snapshots"),
            "REPORT_DIR": str(tmp / "reports"),
        }.items():
            mp.setenv(key, value)
        get_settings.cache_clear()
        get_engine.cache_clear()
        try:
            yield
        finally:
            get_engine.cache_clear()
            get_settings.cache_clear()
