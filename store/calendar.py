"""Indonesian working-day calendar for the LAPOR! SLA clocks.

Working days are Monday to Friday that are neither a national holiday nor a cuti bersama day.
Holidays come from the `holidays` package (public and government categories, the latter holds
cuti bersama); the setting CUTI_BERSAMA adds dates a new SKB declares before the package knows.
Deadlines are computed on WIB calendar days and returned as aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone

import holidays

WIB = timezone(timedelta(hours=7), "WIB")
_WIB_S = 7 * 3600


class WorkCalendar:
    """Working days in Indonesia, with extra non-working dates on top of the package's."""

    def __init__(self, extra_holidays: Iterable[date] = ()) -> None:
        self._extra = frozenset(extra_holidays)
        self._years: set[int] = set()
        self._holidays: set[date] = set()
        # A deadline depends only on the WIB day and the count: bulk writes (seeding, upserts)
        # ask for the same few hundred days over and over.
        self._deadlines: dict[tuple[int, int], datetime] = {}

    def _ensure(self, year: int) -> None:
        if year in self._years:
            return
        self._years.add(year)
        cal = holidays.country_holidays("ID", years=year, categories=holidays.Indonesia.supported_categories)
        self._holidays.update(cal.keys())

    def is_working_day(self, day: date) -> bool:
        """True for a Monday-Friday that is not a holiday or cuti bersama."""
        if day.weekday() >= 5 or day in self._extra:
            return False
        self._ensure(day.year)
        return day not in self._holidays

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end <= start."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def deadline(self, moment: datetime, workdays: int) -> datetime:
        """End (24:00 WIB) of the `workdays`-th working day after the WIB day of `moment`."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        key = ((int(moment.timestamp()) + _WIB_S) // 86400, workdays)
        due = self._deadlines.get(key)
        if due is None:
            local_day = moment.astimezone(WIB).date()
            due_day = self.add_working_days(local_day, workdays)
            due = datetime.combine(due_day + timedelta(days=1), time(0), WIB).astimezone(UTC)
            self._deadlines[key] = due
        return due


def wib_day(moment: datetime) -> date:
    """The calendar day in WIB of an aware datetime."""
    return moment.astimezone(WIB).date()
