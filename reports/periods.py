"""Report periods (week, month, quarter, custom) and the Filter a report's scope stands for."""

from __future__ import annotations

from datetime import date, timedelta

from store.filters import Filter

PERIOD_KINDS = ("week", "month", "quarter", "custom")


def period_containing(kind: str, day: date) -> tuple[date, date]:
    """The ISO week (Monday-Sunday), calendar month or quarter that contains `day`."""
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if kind == "month":
        start = day.replace(day=1)
    elif kind == "quarter":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    else:
        raise ValueError(f"period kind {kind!r}: expected week, month or quarter")
    months = 1 if kind == "month" else 3
    year, month = divmod(start.month - 1 + months, 12)
    return start, date(start.year + year, month + 1, 1) - timedelta(days=1)


def previous_complete(kind: str, today: date) -> tuple[date, date]:
    """The last whole week or month before `today` (what a Monday or 1st-of-month run reports)."""
    start, _ = period_containing(kind, today)
    return period_containing(kind, start - timedelta(days=1))


def report_filter(start: date, end: date, scope_kind: str, scope_code: str | None) -> Filter:
    """The read-side Filter of a report: the period, narrowed to one kecamatan or OPD."""
    if scope_kind == "city":
        return Filter(start=start, end=end)
    if not scope_code:
        raise ValueError(f"scope {scope_kind!r} needs a code")
    if scope_kind == "kecamatan":
        return Filter(start=start, end=end, kecamatan=(scope_code,))
    if scope_kind == "agency":
        return Filter(start=start, end=end, agency=(scope_code,))
    raise ValueError(f"scope {scope_kind!r}: expected city, kecamatan or agency")
