"""The shape of the demo world: who complains about what, where, when and through which channel.

Every weight here is an assumption chosen to look like a city of 1.8 million on the Musi, not a
measurement: more complaints where more people live, floods by the river in the rainy season
(November to March), traffic in the centre, roads and water on the growing edge of town,
Mondays busier than Sundays, daytime busier than night, and a slow growth as LAPOR! gets known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from store.calendar import WorkCalendar
from store.reference_data import KECAMATAN, KELURAHAN
from store.vocab import AGENCIES, CATEGORIES, CHANNELS, UNKNOWN_CODE

KEC_CODES = tuple(k.code for k in KECAMATAN)
CAT_CODES = tuple(c.code for c in CATEGORIES)
AGENCY_CODES = tuple(a.code for a in AGENCIES)
CAT = {code: i for i, code in enumerate(CAT_CODES)}
AGENCY = {code: i for i, code in enumerate(AGENCY_CODES)}

# Relative complaint volume per kecamatan: population with a push for the busy centre.
KEC_WEIGHT = {
    "16.71.01": 0.50, "16.71.02": 1.15, "16.71.03": 1.15, "16.71.04": 1.50, "16.71.05": 1.25,
    "16.71.06": 1.20, "16.71.07": 1.70, "16.71.08": 0.90, "16.71.09": 1.30, "16.71.10": 1.20,
    "16.71.11": 0.45, "16.71.12": 0.70, "16.71.13": 0.85, "16.71.14": 1.15, "16.71.15": 1.30,
    "16.71.16": 0.55, "16.71.17": 0.90, "16.71.18": 0.90,
}  # fmt: skip
RIVERSIDE = ("16.71.02", "16.71.03", "16.71.06", "16.71.12", "16.71.13", "16.71.14")
CENTRE = ("16.71.04", "16.71.05", "16.71.09", "16.71.11", "16.71.18")
EDGE = ("16.71.07", "16.71.08", "16.71.10", "16.71.12", "16.71.13", "16.71.15", "16.71.16")

CATEGORY_WEIGHT = {
    "jalan_rusak": 14, "banjir_drainase": 6, "sampah": 12, "pju": 8, "lalu_lintas": 8, "air_bersih": 7,
    "kesehatan": 5, "pendidikan": 4, "adminduk": 7, "bansos": 6, "ketertiban": 5, "bencana": 2,
    "perizinan": 3, "pajak": 2, "pasar": 3, "layanan_publik": 3, UNKNOWN_CODE: 1.5,
}  # fmt: skip
# (kecamatan group, category, multiplier)
LOCAL_EMPHASIS = (
    (RIVERSIDE, "banjir_drainase", 2.4),
    (CENTRE, "lalu_lintas", 2.2),
    (CENTRE, "pasar", 1.4),
    (EDGE, "jalan_rusak", 1.6),
    (EDGE, "pju", 1.3),
    (EDGE, "air_bersih", 1.4),
    (("16.71.05",), "pasar", 2.0),  # Pasar 16 Ilir
    (("16.71.07",), "sampah", 1.3),  # TPA Sukawinatan
)
# Month (1..12) multipliers per category; floods peak in the rainy season, haze and dry taps in
# the dry season (August to October).
FLOOD_BY_MONTH = (3.6, 3.0, 2.6, 1.3, 0.7, 0.5, 0.4, 0.35, 0.5, 1.2, 2.8, 3.6)
SEASONAL = {
    "banjir_drainase": FLOOD_BY_MONTH,
    "bencana": (1.3, 1.2, 1.1, 0.9, 0.8, 0.9, 1.2, 2.0, 2.2, 1.6, 1.1, 1.3),
    "air_bersih": (0.9, 0.9, 0.9, 1.0, 1.0, 1.1, 1.3, 1.5, 1.5, 1.2, 0.9, 0.9),
    "pendidikan": (1.0, 1.0, 1.0, 1.0, 1.3, 1.8, 1.8, 1.1, 0.9, 0.9, 0.9, 0.9),  # PPDB
}
RAINY_MONTHS = (11, 12, 1, 2, 3)
STORM_DAY_P = 0.05  # share of rainy-season days with a storm
WEEKDAY = (1.25, 1.15, 1.10, 1.05, 0.95, 0.70, 0.55)  # Monday..Sunday
HOLIDAY = 0.6
GROWTH = 0.25  # the last day has 25 % more complaints than the first
# WIB hour of day 0..23: quiet at night, a morning peak and an evening one (after work).
HOUR_WEIGHT = (0.4, 0.25, 0.15, 0.12, 0.2, 0.6, 1.5, 3.0, 4.6, 5.2, 5.0, 4.6,
               4.0, 4.2, 4.3, 4.0, 3.6, 3.2, 3.0, 3.6, 3.8, 3.2, 2.0, 1.0)  # fmt: skip
# Channel shares at the start and at the end of the period: the app takes over from SMS.
CHANNEL_START = {"web": 0.40, "sms1708": 0.24, "app": 0.18, "sosmed": 0.18}
CHANNEL_END = {"web": 0.32, "sms1708": 0.17, "app": 0.31, "sosmed": 0.20}
REPORT_TYPE_SHARE = (0.81, 0.12, 0.07)
INFO_HEAVY = ("adminduk", "perizinan", "pajak", "pendidikan")
INFO_HEAVY_SHARE = (0.72, 0.08, 0.20)
ANONYMOUS_SHARE = 0.08
CONFIDENTIAL_SHARE = 0.03
OTHER_AGENCY_SHARE = 0.05  # forwarded to an agency other than the category's default
MISSING_KELURAHAN = 0.02
MISSING_POINT = 0.01
JITTER_DEG = 0.0022  # ~250 m standard deviation, ~300 m typical distance from the centroid

WIB_S = 7 * 3600
DAY_S = 86400
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]


def category_matrix() -> np.ndarray:
    """Category weights per kecamatan, shape (kecamatan, category)."""
    base = np.array([CATEGORY_WEIGHT[c] for c in CAT_CODES], dtype=float)
    mat = np.tile(base, (len(KEC_CODES), 1))
    for group, cat, mult in LOCAL_EMPHASIS:
        for kec in group:
            mat[KEC_CODES.index(kec), CAT[cat]] *= mult
    return mat


def day_weights(rng: np.random.Generator, period: Period, cal: WorkCalendar) -> tuple[np.ndarray, np.ndarray]:
    """Overall volume per day and per-day category multipliers (season, storms): (D,), (D, C)."""
    dates = period.dates()
    n_days = len(dates)
    weekday = np.array([WEEKDAY[d.weekday()] for d in dates])
    holiday = np.array([d.weekday() < 5 and not cal.is_working_day(d) for d in dates])
    growth = 1.0 + GROWTH * np.arange(n_days) / max(1, n_days - 1)
    noise = rng.lognormal(0.0, 0.12, n_days)
    volume = weekday * np.where(holiday, HOLIDAY, 1.0) * growth * noise

    months = np.array([d.month for d in dates])
    season = np.ones((n_days, len(CAT_CODES)))
    for cat, by_month in SEASONAL.items():
        season[:, CAT[cat]] = np.asarray(by_month)[months - 1]
    rainy = np.isin(months, RAINY_MONTHS)
    storm = rainy & (rng.random(n_days) < STORM_DAY_P)
    season[storm, CAT["banjir_drainase"]] *= rng.uniform(4.0, 9.0, storm.sum())
    season[storm, CAT["bencana"]] *= 3.0  # fallen trees
    season[storm, CAT["pju"]] *= 1.5  # lamps out after the storm
    return volume, season


def sample_cells(
    rng: np.random.Generator, n: int, volume: np.ndarray, season: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Draw (day, kecamatan, category) for n complaints from the joint intensity."""
    kec_w = np.array([KEC_WEIGHT[k] for k in KEC_CODES])
    local = category_matrix() * kec_w[:, None]
    # Intensity of cell (d, k, c) = volume(d) * season(d, c) * local(k, c).
    lam = volume[:, None, None] * season[:, None, :] * local[None, :, :]
    p = lam.ravel() / lam.sum()
    cells = np.sort(rng.choice(p.size, size=n, p=p))
    return np.unravel_index(cells, lam.shape)


def created_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after WIB midnight, following the hour-of-day profile."""
    w = np.asarray(HOUR_WEIGHT) / sum(HOUR_WEIGHT)
    return rng.choice(24, size=n, p=w) * 3600 + rng.integers(0, 3600, size=n)


def place(rng: np.random.Generator, kec: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kelurahan index (-1 when missing) and a point near its centroid (NaN when missing)."""
    n = kec.size
    kel = np.full(n, -1)
    kel_kec = np.array([KEC_CODES.index(k.kecamatan_code) for k in KELURAHAN])
    for k in range(len(KEC_CODES)):
        rows = np.flatnonzero(kec == k)
        choices = np.flatnonzero(kel_kec == k)
        # Some kelurahan are denser than others; fixed per seed.
        w = rng.lognormal(0.0, 0.5, choices.size)
        kel[rows] = rng.choice(choices, size=rows.size, p=w / w.sum())
    kel[rng.random(n) < MISSING_KELURAHAN] = -1
    kel_lat = np.array([k.lat for k in KELURAHAN])
    kel_lon = np.array([k.lon for k in KELURAHAN])
    kec_lat = np.array([k.lat for k in KECAMATAN])[kec]
    kec_lon = np.array([k.lon for k in KECAMATAN])[kec]
    has_kel = kel >= 0
    # Without a kelurahan the reporter's pin is only known to be somewhere in the kecamatan.
    spread = np.where(has_kel, JITTER_DEG, 3 * JITTER_DEG)
    lat = np.where(has_kel, kel_lat[kel], kec_lat) + rng.normal(0.0, 1.0, n) * spread
    lon = np.where(has_kel, kel_lon[kel], kec_lon) + rng.normal(0.0, 1.0, n) * spread
    missing = rng.random(n) < MISSING_POINT
    lat[missing] = np.nan
    lon[missing] = np.nan
    return kel, lat, lon


def channels(rng: np.random.Generator, progress: np.ndarray) -> np.ndarray:
    """Channel index into CHANNELS, drifting from CHANNEL_START to CHANNEL_END over the period."""
    start = np.array([CHANNEL_START[c] for c in CHANNELS])
    end = np.array([CHANNEL_END[c] for c in CHANNELS])
    probs = start[None, :] + (end - start)[None, :] * progress[:, None]
    cum = np.cumsum(probs, axis=1)
    u = rng.random(progress.size) * cum[:, -1]
    return (u[:, None] >= cum[:, :-1]).sum(axis=1)


def report_types(rng: np.random.Generator, cat: np.ndarray) -> np.ndarray:
    """Report type index into store.vocab.REPORT_TYPES; information requests cluster in a few categories."""
    heavy = np.isin(cat, [CAT[c] for c in INFO_HEAVY])
    base = np.cumsum(REPORT_TYPE_SHARE)[:-1]
    info = np.cumsum(INFO_HEAVY_SHARE)[:-1]
    u = rng.random(cat.size)
    return np.where(heavy, (u[:, None] >= info).sum(axis=1), (u[:, None] >= base).sum(axis=1))


def agencies(rng: np.random.Generator, cat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Agency index per complaint and whether it is not the category's default agency."""
    unknown_agency = AGENCY[UNKNOWN_CODE]
    real = np.array([i for i, code in enumerate(AGENCY_CODES) if code != UNKNOWN_CODE])
    default = np.array(
        [AGENCY[c.default_agency_code] if c.default_agency_code else unknown_agency for c in CATEGORIES]
    )
    agency = default[cat].copy()
    other = rng.random(cat.size) < OTHER_AGENCY_SHARE
    pick = real[rng.integers(0, real.size, cat.size)]
    # Redraw once when the pick is the default; the rare second hit stays default (not "other").
    pick = np.where(pick == agency, real[rng.integers(0, real.size, cat.size)], pick)
    agency = np.where(other, pick, agency)
    unknown_cat = cat == CAT[UNKNOWN_CODE]
    # With no category, the admin still forwards four in ten somewhere.
    guessed = unknown_cat & (rng.random(cat.size) < 0.4)
    agency = np.where(unknown_cat, np.where(guessed, pick, unknown_agency), agency)
    return agency, (agency != default[cat]) & ~unknown_cat


def reporters(rng: np.random.Generator, n: int) -> np.ndarray:
    """Reporter number per complaint: most report once, a few report often."""
    pool = max(20, n // 2)
    w = 1.0 / (np.arange(pool) + 8.0) ** 1.1
    return rng.choice(pool, size=n, p=w / w.sum())


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - _EPOCH).days
