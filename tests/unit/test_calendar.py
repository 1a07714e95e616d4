from datetime import UTC, date, datetime

import pytest

from store.calendar import WIB, WorkCalendar, wib_day


def test_weekends_and_national_holidays_are_not_working_days():
    cal = WorkCalendar()
    assert cal.is_working_day(date(2025, 8, 15))  # Friday
    assert not cal.is_working_day(date(2025, 8, 16))  # Saturday
    assert not cal.is_working_day(date(2025, 8, 17))  # Sunday, Independence Day
    assert not cal.is_working_day(date(2025, 8, 18))  # cuti bersama after Independence Day
    assert not cal.is_working_day(date(2025, 12, 25))


def test_three_working_days_across_lebaran_2025_skip_holidays_and_cuti_bersama():
    cal = WorkCalendar()
    # Thu 27 Mar 2025; 28 Mar cuti bersama, 31 Mar-1 Apr Idul Fitri, 2-4 and 7 Apr cuti bersama.
    assert cal.add_working_days(date(2025, 3, 27), 3) == date(2025, 4, 10)


def test_configured_cuti_bersama_dates_are_honoured():
    plain = WorkCalendar()
    extra = WorkCalendar([date(2026, 3, 3)])
    assert plain.add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 3)
    assert extra.add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 4)


def test_deadline_is_midnight_wib_after_the_nth_working_day_and_aware_utc():
    cal = WorkCalendar()
    received = datetime(2026, 3, 2, 9, 0, tzinfo=WIB)  # Monday
    due = cal.deadline(received, 3)
    assert due.tzinfo is not None
    assert due == datetime(2026, 3, 6, 0, 0, tzinfo=WIB)
    assert due.astimezone(UTC) == datetime(2026, 3, 5, 17, 0, tzinfo=UTC)


def test_deadline_counts_from_the_wib_day_not_the_utc_day():
    cal = WorkCalendar()
    # 23:30 UTC Sunday is 06:30 WIB Monday: the clock starts on Monday in Palembang.
    received = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert wib_day(received) == date(2026, 3, 2)
    assert cal.deadline(received, 1) == datetime(2026, 3, 4, 0, 0, tzinfo=WIB)


def test_working_days_between_counts_half_open_interval():
    cal = WorkCalendar()
    assert cal.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert cal.working_days_between(date(2026, 3, 2), date(2026, 3, 9)) == 5


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        WorkCalendar().deadline(datetime(2026, 3, 2, 9, 0), 3)
