"""Lifecycle of demo complaints around the LAPOR! deadlines, vectorised over all complaints.

Steps are drawn in working days on the same calendar as the SLA clocks (store.calendar), so
that most complaints meet the deadlines and a share misses them by a day or by weeks:
verification within hours to days, forwarding mostly within 3 working days (the admin gets
better over the period), the agency's first response around its own lateness factor against the
5-working-day deadline (slower for PUPR in the rainy season), then resolution and closing. A few
complaints stall for good. Whatever would happen after the end moment has not happened yet:
those complaints are open at the stage they had reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from demo.world import AGENCY_CODES, CAT, CAT_CODES, DAY_S, RAINY_MONTHS, WIB_S, day_number
from store.calendar import WorkCalendar
from store.vocab import OUTCOMES, SLA_AUTOCLOSE_WORKDAYS, STATUSES

# Stage columns of the timestamp matrix; -1 means "not (yet) happened".
CREATED, VERIFIED, FORWARDED, RESPONDED, RESOLVED, CLOSED = range(6)
MISSING = -1
EVENT_STAGES = [CREATED, VERIFIED, FORWARDED, RESPONDED, CLOSED]  # each one a status change
O_SELESAI, O_BUKAN, O_KEMBALI, O_TOLAK = (OUTCOMES.index(o) for o in OUTCOMES)
STUCK = len(OUTCOMES)  # planned to stall: never closes
S = {s: i for i, s in enumerate(STATUSES)}

# How slow an agency is to respond, relative to a typical one (1.0).
LATENESS = {
    "pupr": 1.9, "perkim": 1.3, "dlhk": 1.1, "dishub": 1.0, "dinkes": 0.9, "disdik": 1.0,
    "disdukcapil": 0.45, "dinsos": 1.4, "satpolpp": 0.9, "bpbd": 0.7, "damkar": 0.5, "tirtamusi": 1.8,
    "diskominfo": 0.6, "bppd": 0.8, "dpmptsp": 0.7, "pasarjaya": 1.5, "tidak_diketahui": 2.0,
}  # fmt: skip
RAINY_LOAD = {"pupr": 1.3, "bpbd": 1.2}
# Median working days from first response to "done", per category.
RESOLVE_WORKDAYS = {
    "jalan_rusak": 12, "banjir_drainase": 8, "sampah": 2, "pju": 4, "lalu_lintas": 3, "air_bersih": 3,
    "kesehatan": 3, "pendidikan": 5, "adminduk": 2, "bansos": 7, "ketertiban": 3, "bencana": 1,
    "perizinan": 5, "pajak": 3, "pasar": 4, "layanan_publik": 3, "tidak_diketahui": 4,
}  # fmt: skip
VERIFY_OFFSETS, VERIFY_P = (0, 1, 2, 3, 4), (0.60, 0.27, 0.09, 0.03, 0.01)
FORWARD_EXTRA, FORWARD_P = (0, 1, 2, 3, 4, 6, 8), (0.50, 0.27, 0.12, 0.06, 0.03, 0.015, 0.005)
CONFIRMED_SHARE = 0.65  # reporter confirms the fix; the rest close automatically after 10 working days


class WorkdayTable:
    """Working days as arrays, for adding n working days to a million WIB days at once."""

    def __init__(self, cal: WorkCalendar, first: date, last: date) -> None:
        n = (last - first).days + 1
        self.day0 = day_number(first)
        work = np.array([cal.is_working_day(first + timedelta(days=i)) for i in range(n)])
        self.work = work
        self._count = np.cumsum(work)  # working days on or before day i
        self._workdays = np.flatnonzero(work)

    def day_of(self, ts: np.ndarray) -> np.ndarray:
        """Index of the WIB day of epoch seconds."""
        return (ts + WIB_S) // DAY_S - self.day0

    def midnight(self, day: np.ndarray) -> np.ndarray:
        """Epoch seconds of 00:00 WIB of day index."""
        return (day + self.day0) * DAY_S - WIB_S

    def add(self, day: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Day index of the k-th working day after `day` (k=0: `day` itself), like WorkCalendar."""
        j = np.minimum(self._count[day] + k - 1, self._workdays.size - 1)
        return np.where(k > 0, self._workdays[j], day)


@dataclass
class Lifecycle:
    times: np.ndarray  # (n, 6) epoch seconds or MISSING, stage columns as above
    status: np.ndarray  # index into STATUSES
    outcome: np.ndarray  # index into OUTCOMES, MISSING while open


def _office_time(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight during office hours, 07:30 to 17:00 WIB, busiest late morning."""
    return (7.5 * 3600 + rng.beta(2.2, 3.2, n) * 9.5 * 3600).astype(np.int64)


def _on_workday(
    rng: np.random.Generator, wt: WorkdayTable, prev: np.ndarray, k: np.ndarray, quick_mean_s: float
) -> np.ndarray:
    """A step k working days after the day of `prev` (k=0: a little later the same day)."""
    n = prev.size
    day = wt.add(wt.day_of(prev), k)
    later = wt.midnight(day) + _office_time(rng, n)
    soon = prev + 60 + rng.exponential(quick_mean_s, n).astype(np.int64)
    # Never before the previous step, whatever the office hours say.
    return np.maximum(np.where(k > 0, later, soon), prev + 60)


def _auto_close(rng: np.random.Generator, wt: WorkdayTable, prev: np.ndarray) -> np.ndarray:
    """The system closes a report in the night after the 10th working day without reply."""
    day = wt.add(wt.day_of(prev), np.full(prev.size, SLA_AUTOCLOSE_WORKDAYS)) + 1
    return wt.midnight(day) + rng.integers(0, 3600, prev.size)


def plan_outcomes(
    rng: np.random.Generator, cat: np.ndarray, agency: np.ndarray, other: np.ndarray
) -> np.ndarray:
    """Where each complaint is headed: an OUTCOMES index or STUCK."""
    n = cat.size
    unknown = cat == CAT["tidak_diketahui"]
    late = np.array([LATENESS[a] for a in AGENCY_CODES])[agency]
    p_tolak = np.where(unknown, 0.15, 0.045)
    p_kembali = np.where(unknown, 0.08, 0.035)
    p_bukan = np.where(other, 0.30, 0.03)  # sent to the wrong agency: often "not ours"
    p_stuck = 0.008 * late**1.5
    u = rng.random(n)
    edges = np.cumsum(np.stack([p_tolak, p_kembali, p_bukan, p_stuck]), axis=0)
    plan = np.full(n, O_SELESAI)
    for edge_i, value in zip(range(3, -1, -1), (STUCK, O_BUKAN, O_KEMBALI, O_TOLAK), strict=True):
        plan = np.where(u < edges[edge_i], value, plan)
    return plan


def simulate(
    rng: np.random.Generator,
    wt: WorkdayTable,
    created: np.ndarray,
    cat: np.ndarray,
    agency: np.ndarray,
    plan: np.ndarray,
    info_request: np.ndarray,
    progress: np.ndarray,
    end_ts: int,
) -> Lifecycle:
    """Timestamps, status and outcome of every complaint as seen at `end_ts`."""
    n = created.size
    t = np.full((n, 6), MISSING, dtype=np.int64)
    t[:, CREATED] = created

    kv = rng.choice(VERIFY_OFFSETS, size=n, p=VERIFY_P)
    off_day = ~wt.work[wt.day_of(created)]
    kv = np.where(off_day & (kv == 0) & (rng.random(n) < 0.7), 1, kv)  # a weekend piket verifies some
    t[:, VERIFIED] = _on_workday(rng, wt, created, kv, 1.5 * 3600)

    extra = rng.choice(FORWARD_EXTRA, size=n, p=FORWARD_P)
    extra += 2 * (rng.random(n) < 0.12 * (1.0 - progress))  # the admin desk improves over the period
    forwarded = _on_workday(rng, wt, t[:, VERIFIED], extra, 1.5 * 3600)
    goes_on = plan != O_TOLAK
    t[:, FORWARDED] = np.where(goes_on, forwarded, MISSING)

    month = ((wt.day_of(created) + wt.day0) * DAY_S).astype("datetime64[s]").astype("datetime64[M]")
    month = month.astype(int) % 12 + 1
    factor = np.array([LATENESS[a] for a in AGENCY_CODES])[agency]
    load = np.array([RAINY_LOAD.get(a, 1.0) for a in AGENCY_CODES])[agency]
    factor = factor * np.where(np.isin(month, RAINY_MONTHS), load, 1.0)
    factor = factor * np.where(info_request, 0.6, 1.0)
    kr = np.floor(rng.gamma(1.6, 1.5 * factor)).astype(np.int64)
    responded = _on_workday(rng, wt, forwarded, kr, 3 * 3600)
    stuck_unanswered = (plan == STUCK) & (rng.random(n) < 0.55)
    t[:, RESPONDED] = np.where(goes_on & ~stuck_unanswered, responded, MISSING)

    median = np.array([RESOLVE_WORKDAYS[c] for c in CAT_CODES], dtype=float)[cat] * np.sqrt(factor)
    kres = np.round(rng.lognormal(np.log(median + 0.5), 0.8)).astype(np.int64)
    kres = np.where(info_request, 0, np.minimum(kres, 250))  # an answer is the whole follow-up
    resolved = _on_workday(rng, wt, responded, kres, 2 * 3600)
    t[:, RESOLVED] = np.where(plan == O_SELESAI, resolved, MISSING)

    confirmed = rng.random(n) < CONFIRMED_SHARE
    closed = np.full(n, MISSING, dtype=np.int64)
    quick = resolved + 600 + rng.exponential(20 * 3600, n).astype(np.int64)
    closed = np.where(plan == O_SELESAI, np.where(confirmed, quick, _auto_close(rng, wt, resolved)), closed)
    bukan = responded + 600 + rng.exponential(DAY_S, n).astype(np.int64)
    closed = np.where(plan == O_BUKAN, bukan, closed)
    closed = np.where(plan == O_KEMBALI, _auto_close(rng, wt, responded), closed)
    tolak = t[:, VERIFIED] + 60 + rng.exponential(40 * 60, n).astype(np.int64)
    closed = np.where(plan == O_TOLAK, tolak, closed)
    t[:, CLOSED] = closed

    # What would happen after the end moment has not happened: cut it and everything after it.
    t[np.maximum.accumulate(t > end_ts, axis=1)] = MISSING
    is_closed = t[:, CLOSED] != MISSING
    t[~is_closed, RESOLVED] = MISSING  # "resolved" is only known once the report is closed
    outcome = np.where(is_closed, plan, MISSING)

    status = np.full(n, S["baru"])
    for col, name in ((VERIFIED, "diverifikasi"), (FORWARDED, "diteruskan"), (RESPONDED, "ditindaklanjuti")):
        status = np.where(t[:, col] != MISSING, S[name], status)
    final = np.where((outcome == O_SELESAI) & confirmed, S["selesai"], S["ditutup"])
    status = np.where(is_closed, final, status)
    return Lifecycle(times=t, status=status, outcome=outcome)
