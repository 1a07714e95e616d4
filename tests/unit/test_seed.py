"""The demo seeder: reproducible, consistent with the LAPOR! lifecycle, and not uniform.

One world of 3,000 complaints over 400 days ending 30 June 2026 (so it holds a whole dry season
and a whole rainy one) is seeded once per module; tests that write get a database of their own.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from demo import seed_text
from demo.cameras import CCTV_2017, DEMO_CAMERAS
from demo.seed import end_moment, main, seed
from store.calendar import WIB, WorkCalendar
from store.db import make_engine
from store.derive import derive_fields
from store.migrate import upgrade
from store.models import Agency, Camera, Category, Complaint, ComplaintEvent
from store.reference_data import KECAMATAN, KELURAHAN
from store.vocab import CATEGORIES, OPEN_STATUSES, SLA_FORWARD_WORKDAYS, STATUSES
from tests.conftest import new_database_url

END = date(2026, 6, 30)
END_MOMENT = datetime(2026, 7, 1, tzinfo=WIB)
N, DAYS, SEED = 3000, 400, 5
TIMES = ["created_at", "verified_at", "forwarded_at", "first_response_at", "resolved_at", "closed_at"]


def _frame(engine, table) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.id)).mappings().all()
    return pd.DataFrame([dict(r) for r in rows])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    url, cleanup = new_database_url(tmp_path_factory.mktemp("seed"))
    engine = make_engine(url)
    upgrade(engine)
    summary = seed(engine, complaints=N, days=DAYS, seed=SEED, end=END)
    complaints = _frame(engine, Complaint.__table__)
    events = _frame(engine, ComplaintEvent.__table__)
    cameras = _frame(engine, Camera.__table__)
    with engine.connect() as conn:
        categories = dict(conn.execute(select(Category.id, Category.code)).all())
        agencies = dict(conn.execute(select(Agency.id, Agency.code)).all())
    complaints["category"] = complaints["category_id"].map(categories)
    complaints["agency"] = complaints["agency_id"].map(agencies)
    yield summary, complaints, events, cameras
    engine.dispose()
    cleanup()


def _seeded(folder, **kwargs) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    folder.mkdir()
    url, cleanup = new_database_url(folder)
    engine = make_engine(url)
    try:
        upgrade(engine)
        summary = seed(engine, **kwargs)
        return summary, _frame(engine, Complaint.__table__), _frame(engine, ComplaintEvent.__table__)
    finally:
        engine.dispose()
        cleanup()


def test_summary_counts_what_was_written(world):
    summary, complaints, events, cameras = world
    assert summary["complaints"] == len(complaints) == N
    assert summary["events"] == len(events)
    assert summary["cameras"] == len(cameras) == 41
    assert summary["open"] == complaints["closed_at"].isna().sum()
    assert (summary["first_day"], summary["last_day"]) == (
        (END - timedelta(days=DAYS - 1)).isoformat(),
        "2026-06-30",
    )


def test_same_seed_and_end_give_identical_rows_and_another_seed_does_not(tmp_path):
    args = dict(complaints=600, days=120, end=END)
    _, first, first_events = _seeded(tmp_path / "a", seed=3, **args)
    _, again, again_events = _seeded(tmp_path / "b", seed=3, **args)
    _, other, _ = _seeded(tmp_path / "c", seed=4, **args)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first_events, again_events)
    assert len(other) == len(first)
    assert (other["created_at"] != first["created_at"]).mean() > 0.9
    assert (other["title"] != first["title"]).mean() > 0.5


def test_timestamps_are_ordered_and_never_after_the_end(world):
    _, c, events, _ = world
    for col in [*TIMES, "updated_at", "forward_due_at", "response_due_at"]:
        assert c[col].dropna().map(lambda t: t.tzinfo is not None).all(), col
    assert c["created_at"].min() >= datetime.combine(END - timedelta(days=DAYS - 1), datetime.min.time(), WIB)
    for col in [*TIMES, "updated_at"]:
        assert (c[col].dropna() < END_MOMENT).all(), col
    assert (events["at"] < END_MOMENT).all()
    running = c["created_at"]
    for col in TIMES[1:]:
        present = c[col].notna()
        assert (c.loc[present, col] >= running[present]).all(), col
        running = running.where(~present, c[col])
    assert (c["updated_at"] == c[TIMES].max(axis=1)).all()
    # Arrival order is id order, as a feed would number them.
    assert c["created_at"].is_monotonic_increasing


def test_status_outcome_and_timestamps_agree(world):
    _, c, events, _ = world
    closed = c["closed_at"].notna()
    assert set(c["status"]) <= set(STATUSES)
    assert (closed == c["outcome"].notna()).all()
    assert (closed == ~c["status"].isin(OPEN_STATUSES)).all()
    assert (c["resolved_at"].notna() == (c["outcome"] == "selesai")).all()
    assert (c.loc[c["status"] == "selesai", "outcome"] == "selesai").all()
    assert (c.loc[c["outcome"] == "ditolak", "forwarded_at"].isna()).all()
    expected_open = {
        "baru": ("verified_at", None),
        "diverifikasi": ("verified_at", "forwarded_at"),
        "diteruskan": ("forwarded_at", "first_response_at"),
        "ditindaklanjuti": ("first_response_at", "closed_at"),
    }
    for status, (reached, not_reached) in expected_open.items():
        rows = c[c["status"] == status]
        if status == "baru":
            assert rows["verified_at"].isna().all()
        else:
            assert rows[reached].notna().all() and rows[not_reached].isna().all(), status
    # Events: one per status change reached, the last one landing on the complaint's status.
    per = events.groupby("complaint_id")
    stages = (
        c[["created_at", "verified_at", "forwarded_at", "first_response_at", "closed_at"]].notna().sum(axis=1)
    )
    assert (per.size().reindex(c["id"]).to_numpy() == stages.to_numpy()).all()
    last = events.sort_values(["complaint_id", "at", "id"]).groupby("complaint_id").tail(1)
    assert (
        last.set_index("complaint_id")["to_status"].reindex(c["id"]).to_numpy() == c["status"].to_numpy()
    ).all()
    first = events.groupby("complaint_id").head(1)
    assert first["from_status"].isna().all() and (first["to_status"] == "baru").all()
    chained = events[events["from_status"].notna()]
    prev_to = events.groupby("complaint_id")["to_status"].shift(1)
    assert (chained["from_status"] == prev_to[chained.index]).all()


def test_derived_fields_are_those_of_store_derive(world):
    _, c, _, _ = world
    cal = WorkCalendar()
    for row in c.sample(200, random_state=1).to_dict("records"):
        row = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
        expected = derive_fields(dict(row), cal)
        for key in ("created_day", "forward_due_at", "response_due_at"):
            assert row[key] == expected[key], key
        if expected["hours_to_resolve"] is None:
            assert row["hours_to_resolve"] is None
        else:
            assert row["hours_to_resolve"] == pytest.approx(expected["hours_to_resolve"])


def test_deadlines_are_met_by_most_and_missed_by_some(world):
    _, c, _, _ = world
    forwarded = c[c["forwarded_at"].notna()]
    on_time = (forwarded["forwarded_at"] <= forwarded["forward_due_at"]).mean()
    assert 0.7 < on_time < 0.97
    answered = c[c["first_response_at"].notna()]
    in_time = answered["first_response_at"] <= answered["response_due_at"]
    assert 0.7 < in_time.mean() < 0.97
    by_agency = in_time.groupby(answered["agency"]).mean()
    assert by_agency["pupr"] < by_agency["disdukcapil"] - 0.15
    # A backlog at the end: recent complaints still open, and old ones open beyond their SLA.
    still_open = c[c["closed_at"].isna()]
    assert (still_open["created_at"] > END_MOMENT - timedelta(days=14)).sum() > 20
    stale = still_open[still_open["created_at"] < END_MOMENT - timedelta(days=60)]
    assert len(stale) > 5 and (stale["response_due_at"] < END_MOMENT).all()
    assert SLA_FORWARD_WORKDAYS == 3  # the shares above were tuned for the 3-day forwarding SLA


def test_kelurahan_belongs_to_its_kecamatan_and_points_lie_near_it(world):
    _, c, _, _ = world
    kel_kec = {k.code: k.kecamatan_code for k in KELURAHAN}
    kel_ll = {k.code: (k.lat, k.lon) for k in KELURAHAN}
    with_kel = c[c["kelurahan_code"].notna()]
    assert (with_kel["kelurahan_code"].map(kel_kec) == with_kel["kecamatan_code"]).all()
    assert 0.005 < c["kelurahan_code"].isna().mean() < 0.04
    assert 0.002 < c["lat"].isna().mean() < 0.025
    assert (c["lat"].isna() == c["lon"].isna()).all()
    placed = with_kel[with_kel["lat"].notna()]
    centre = np.array(placed["kelurahan_code"].map(kel_ll).tolist())
    metres = np.hypot(placed["lat"] - centre[:, 0], placed["lon"] - centre[:, 1]) * 111_000
    assert 150 < np.median(metres) < 500
    assert np.quantile(metres, 0.99) < 2000


def test_volume_follows_population_weights(world):
    _, c, _, _ = world
    share = c["kecamatan_code"].value_counts(normalize=True)
    names = {k.common_name: k.code for k in KECAMATAN}
    assert share[names["Sukarami"]] > 2 * share[names["Bukit Kecil"]]
    assert share[names["Ilir Barat I"]] > 2 * share[names["Ilir Barat II"]]


def test_rainy_season_brings_floods_by_the_river(world):
    _, c, _, _ = world
    month = c["created_day"].map(lambda d: d.month)
    flood = c["category"] == "banjir_drainase"
    rainy = flood[month.isin([11, 12, 1, 2, 3])].mean()
    dry = flood[month.isin([6, 7, 8, 9])].mean()
    assert rainy > 3 * dry
    riverside = c["kecamatan_code"].isin(
        ["16.71.02", "16.71.03", "16.71.06", "16.71.12", "16.71.13", "16.71.14"]
    )
    assert flood[riverside].mean() > 1.5 * flood[~riverside].mean()
    centre = c["kecamatan_code"].isin(["16.71.04", "16.71.05", "16.71.09", "16.71.11"])
    traffic = c["category"] == "lalu_lintas"
    assert traffic[centre].mean() > 1.5 * traffic[~centre].mean()


def test_mondays_are_busier_than_sundays_and_days_than_nights(world):
    _, c, _, _ = world
    weekday = c["created_day"].map(lambda d: d.weekday()).value_counts()
    assert weekday[0] > 1.5 * weekday[6]
    hour = c["created_at"].map(lambda t: t.astimezone(WIB).hour)
    per_day_hour = hour.between(8, 17).mean() / 10
    per_night_hour = hour.between(0, 5).mean() / 6
    assert per_day_hour > 5 * per_night_hour


def test_shares_of_anonymous_confidential_channels_and_types(world):
    _, c, _, _ = world
    assert 0.06 < c["anonymous"].mean() < 0.10
    assert 0.018 < c["confidential"].mean() < 0.045
    assert c.loc[c["anonymous"], "reporter_hash"].isna().all()
    named = c.loc[~c["anonymous"], "reporter_hash"]
    assert named.map(lambda h: bool(re.fullmatch(r"[0-9a-f]{64}", h))).all()
    assert named.value_counts().max() > 3  # some reporters come back
    assert named.nunique() > 0.2 * len(named)  # but most are occasional
    assert set(c["channel"]) == {"web", "sms1708", "app", "sosmed"}
    types = c["report_type"].value_counts(normalize=True)
    assert (
        0.74 < types["pengaduan"] < 0.86 and types["aspirasi"] > 0.05 and types["permintaan_informasi"] > 0.03
    )
    assert (c["source"] == "demo-elapor").all() and c["external_id"].is_unique and c["tracking_id"].is_unique
    assert c["tracking_id"].str.fullmatch(r"PLG-20\d\d-\d{7}").all()


def test_agencies_mostly_follow_the_category(world):
    _, c, _, _ = world
    default = {cat.code: cat.default_agency_code for cat in CATEGORIES}
    known = c[c["category"] != "tidak_diketahui"]
    other = (known["agency"] != known["category"].map(default)).mean()
    assert 0.02 < other < 0.09
    assert 0.003 < (c["category"] == "tidak_diketahui").mean() < 0.04


def test_descriptions_are_indonesian_and_some_carry_personal_data(world):
    _, c, _, _ = world
    text = c["description"]
    assert text.str.contains(r"\b(?:di|dan|yang|Mohon)\b").mean() > 0.95
    assert c["title"].str.len().between(5, 200).all()
    streets = {s for group in seed_text.STREETS.values() for s in group}
    assert text.map(lambda d: any(s in d for s in streets)).mean() > 0.3
    assert text.str.contains("Jl. Jenderal Sudirman").any()
    for kind, pattern in seed_text.PII_PATTERNS.items():
        assert text.map(lambda d, p=pattern: bool(p.search(d))).sum() >= 5, kind
    any_pii = text.map(lambda d: any(p.search(d) for p in seed_text.PII_PATTERNS.values()))
    assert 0.07 < any_pii.mean() < 0.14


def test_pii_generators_write_the_forms_people_use():
    rng = np.random.default_rng(0)
    assert re.fullmatch(r"08\d{2}-\d{4}-\d{4}", seed_text.phone_number(rng, "dash"))
    assert re.fullmatch(r"08\d{10}", seed_text.phone_number(rng, "plain"))
    assert re.fullmatch(r"\+62 8\d{2} \d{4} \d{4}", seed_text.phone_number(rng, "intl"))
    assert re.fullmatch(r"1671\d{12}", seed_text.nik(rng, "16.71.05"))
    assert seed_text.nik(rng, "16.71.05").startswith("167105")
    assert re.fullmatch(r"[a-z]+\.[a-z]+\d+@[a-z.]+", seed_text.email_address(rng, "Budi Santoso"))
    for kind in seed_text.PII_KINDS:
        assert seed_text.PII_PATTERNS[kind].search(
            seed_text.pii_snippet(rng, kind, "Talang Semut", "16.71.11")
        )
    with pytest.raises(ValueError):
        seed_text.phone_number(rng, "morse")


def test_cameras_are_the_2017_points_plus_demo_ones(world):
    _, _, _, cams = world
    assert len(cams) == 41 and cams["code"].is_unique
    assert (cams["scope"] == "publik").sum() == 30
    facts = cams[~cams["is_demo"]]
    assert sorted(facts["code"]) == sorted(ref.code for ref in CCTV_2017)
    assert len(facts) == 6 and len(DEMO_CAMERAS) == 35
    assert facts["note"].str.contains("PERKIRAAN").sum() == 2
    bkb = facts.set_index("code").loc["bkb"]
    assert (bkb["lat"], bkb["lon"], bkb["kecamatan_code"]) == (-2.9913, 104.761266, "16.71.11")
    assert cams["url"].str.startswith("http://127.0.0.1:8061/cam/").all()
    assert set(cams["kind"]) == {"mjpeg", "jpeg", "hls"} and (cams["kind"] == "hls").sum() <= 5
    assert cams["kecamatan_code"].nunique() == 18
    assert cams["lat"].between(-3.07, -2.87).all() and cams["lon"].between(104.64, 104.86).all()
    assert cams["agency_id"].notna().all() and cams["note"].str.len().le(300).all()


def test_a_database_with_complaints_is_left_alone_unless_appending(engine):
    first = seed(engine, complaints=300, days=60, seed=2, end=END)
    again = seed(engine, complaints=300, days=60, seed=2, end=END)
    assert again["complaints"] == 0 and again["existing"] == 300 and again["cameras"] == 0
    more = seed(engine, complaints=200, days=30, seed=9, end=END, append=True)
    assert (first["complaints"], more["complaints"], more["existing"]) == (300, 200, 300)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Complaint)).scalar_one() == 500
        assert conn.execute(select(func.count(func.distinct(Complaint.external_id)))).scalar_one() == 500
        assert conn.execute(select(func.count()).select_from(Camera)).scalar_one() == 41
        events = conn.execute(select(func.count()).select_from(ComplaintEvent)).scalar_one()
    assert events == first["events"] + more["events"]


def test_default_end_is_now_in_wib_and_nothing_lies_in_the_future(engine):
    before = datetime.now(UTC)
    last_day, end_ts = end_moment(None)
    assert last_day == before.astimezone(WIB).date() and abs(end_ts - before.timestamp()) < 5
    summary = seed(engine, complaints=200, days=10, seed=1)
    assert summary["last_day"] == last_day.isoformat()
    with engine.connect() as conn:
        latest = conn.execute(select(func.max(Complaint.updated_at))).scalar_one()
    assert latest <= datetime.now(UTC)


def test_zero_complaints_still_brings_the_cameras(engine):
    summary = seed(engine, complaints=0, end=END)
    assert (summary["complaints"], summary["cameras"]) == (0, 41)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Complaint)).scalar_one() == 0


def test_bad_sizes_are_refused(engine):
    with pytest.raises(ValueError):
        seed(engine, complaints=-1)
    with pytest.raises(ValueError):
        seed(engine, complaints=10, days=0)
    for args in (["--days", "0"], ["--complaints", "-5"], ["--end", "30-06-2026"]):
        with pytest.raises(SystemExit) as stop:
            main(args)
        assert stop.value.code == 2


def test_demo_cameras_follow_the_configured_simulator_port(tmp_path, world):
    default_urls = world[3]["url"]
    assert default_urls.str.startswith("http://127.0.0.1:8061/").sum() > 30  # the registry's address
    url, cleanup = new_database_url(tmp_path)
    engine = make_engine(url)
    try:
        upgrade(engine)
        seed(engine, complaints=0, camera_sim_port=18061)
        urls = _frame(engine, Camera.__table__).set_index("code")["url"]
    finally:
        engine.dispose()
        cleanup()
    moved = urls[urls.str.startswith("http://127.0.0.1:18061/")]
    assert len(moved) == default_urls.str.startswith("http://127.0.0.1:8061/").sum()
    assert not urls.str.contains(":8061/").any()
    # Paths are kept: only the port changed.
    assert {u.split(":18061", 1)[1] for u in moved} <= {u.split(":8061", 1)[1] for u in default_urls}
