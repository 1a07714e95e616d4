"""Date and time parsing for feeds and spreadsheets; every result is an aware UTC datetime.

Forms read: ISO 8601 with or without an offset ("Z" too); "yyyy-mm-dd HH:MM[:SS]";
"dd/mm/yyyy HH:MM[:SS]", "dd-mm-yyyy", "dd.mm.yyyy" (day first, as Indonesians write it; a
two-digit year is 20yy); "2 Januari 2026 14.30", "Jumat, 02 Jan 2026 14:30 WIB" (Indonesian and
English month names); Excel serial numbers (46024.6 = 2026-01-02 14:24) and Unix epochs in
seconds or milliseconds; datetime/date objects. A time without a zone is WIB (UTC+7), the
zone every Palembang clerk and e-Lapor export uses; "WITA"/"WIT"/"UTC"/"GMT" suffixes are read.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta, timezone

from data_sources.normalize import is_blank

WIB = timezone(timedelta(hours=7), "WIB")
_ZONES = {"wib": 7, "wita": 8, "wit": 9, "utc": 0, "gmt": 0, "z": 0}
_EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (with the 1900 leap-year bug folded in)
# Excel serials from 1982 to 2119, epochs from 2001 on: anything else is not a timestamp.
_SERIAL_RANGE = (30000, 80000)
_EPOCH_S_RANGE = (978_307_200, 4_102_444_800)

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "february": 2, "peb": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agst": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip

_TIME = (
    r"(?:[T\s,]+(?:pukul|jam|pkl\.?)?\s*(?P<H>\d{1,2})[:.](?P<M>\d{2})"
    r"(?:[:.](?P<S>\d{2})(?:[.,]\d+)?)?\s*(?P<ampm>am|pm)?)?"
)
_ZONE = r"\s*(?P<zone>wib|wita|wit|utc|gmt|z|[+-]\d{2}:?\d{2})?"
_NUMERIC = re.compile(
    r"(?P<a>\d{1,4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{2,4})" + _TIME + _ZONE + r"\s*$",
    re.IGNORECASE,
)
_WORDS = re.compile(
    r"(?:[a-z]+,?\s+)?(?P<d>\d{1,2})\s+(?P<mon>[a-z]+)\.?\s+(?P<y>\d{4})" + _TIME + _ZONE + r"\s*$",
    re.IGNORECASE,
)


class DateError(ValueError):
    """A value that is not a readable date; the message says why."""


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    text = text.lower()
    if text in _ZONES:
        return timezone(timedelta(hours=_ZONES[text]))
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _aware(moment: datetime, zone: timezone | None = None) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or WIB)
    return moment.astimezone(UTC)


def _from_number(value: float) -> datetime:
    if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
        # Rounded to the second: Excel stores 14:30 as 0.604166..., a float a hair off.
        seconds = round(value * 86400)
        return _aware(_EXCEL_EPOCH + timedelta(seconds=seconds))
    if _EPOCH_S_RANGE[0] <= value <= _EPOCH_S_RANGE[1]:
        return datetime.fromtimestamp(value, UTC)
    if _EPOCH_S_RANGE[0] * 1000 <= value <= _EPOCH_S_RANGE[1] * 1000:
        return datetime.fromtimestamp(value / 1000, UTC)
    raise DateError(f"the number {value:g} is neither an Excel date nor a Unix time")


def _build(y: int, mo: int, d: int, m: re.Match[str], raw: str) -> datetime:
    if y < 100:
        y += 2000
    hour = int(m.group("H") or 0)
    minute = int(m.group("M") or 0)
    second = int(m.group("S") or 0)
    ampm = (m.group("ampm") or "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        moment = datetime(y, mo, d, hour, minute, second)
    except ValueError as exc:
        raise DateError(f"{raw!r} is not a real date/time ({exc})") from None
    return _aware(moment, _zone(m.group("zone")))


def _from_text(raw: str) -> datetime:
    text = raw.strip()
    if text != raw:  # parse_datetime already tried the unstripped text
        try:
            # The fast path: ISO 8601 as APIs send it.
            return _aware(datetime.fromisoformat(text))
        except ValueError:
            pass
    m = _NUMERIC.match(text)
    if m:
        a, b, c = m.group("a"), m.group("b"), m.group("c")
        if len(a) == 4:  # yyyy-mm-dd with a zone word or an odd time the ISO parser refused
            return _build(int(a), int(b), int(c), m, raw)
        if len(c) == 3:
            raise DateError(f"{raw!r} has a three-digit year")
        if int(b) > 12:
            raise DateError(f"{raw!r}: month {int(b)} does not exist (dates are read day first)")
        return _build(int(c), int(b), int(a), m, raw)
    m = _WORDS.match(text)
    if m:
        month = MONTHS.get(m.group("mon").lower())
        if month is None:
            raise DateError(f"{raw!r}: unknown month name {m.group('mon')!r}")
        return _build(int(m.group("y")), month, int(m.group("d")), m, raw)
    try:
        return _from_number(float(text.replace(",", ".")))
    except ValueError:
        pass
    raise DateError(f"cannot read {raw!r} as a date")


def _day_first(text: str) -> datetime | None:
    # "dd/mm/yyyy HH:MM[:SS]" (also with - or . between the date's parts), the form of e-Lapor
    # exports, read without the regex: the same answer as _NUMERIC gives it, 4-5x sooner.
    # Anything else, and a date or time that does not exist, goes the long way (None), which
    # names the problem. An export repeats its days and times of day (a few hundred days, at
    # most 86,400 times): each part is read once, as WIB midnight in UTC and an offset from it.
    if text[5] != text[2] or text[10] != " " or text[13] not in ":.":
        return None
    if len(text) == 19 and text[16] not in ":.":
        return None
    day = _DAYS.get(text[:10], _UNREAD)
    if day is _UNREAD:
        day = _day_part(text[:10])
    offset = _TIMES.get(text[11:], _UNREAD)
    if offset is _UNREAD:
        offset = _time_part(text[11:])
    if day is None or offset is None:
        return None
    return day + offset


_UNREAD = object()
_DAYS: dict[str, datetime | None] = {}
_TIMES: dict[str, timedelta | None] = {}
_PARTS_MAX = 100_000  # each dict is emptied when full
_WIB_OFFSET = timedelta(hours=7)


def _day_part(text: str) -> datetime | None:
    # "dd/mm/yyyy" -> 00:00 WIB of that day in UTC, or None (then the long way names the problem).
    day, month, year = text[0:2], text[3:5], text[6:10]
    digits = day + month + year
    # A two-digit year written with zeros ("0026") is 20yy the long way; month 13 is named there.
    if not (digits.isascii() and digits.isdigit()) or month > "12" or year < "0100":
        moment = None
    else:
        try:
            moment = datetime(int(year), int(month), int(day), tzinfo=UTC) - _WIB_OFFSET
        except ValueError:
            moment = None
    if len(_DAYS) >= _PARTS_MAX:
        _DAYS.clear()
    _DAYS[text] = moment
    return moment


def _time_part(text: str) -> timedelta | None:
    # "HH:MM" or "HH:MM:SS" (":" or ".") -> the time since midnight, or None when it does not exist.
    hour, minute, second = text[0:2], text[3:5], text[6:8] if len(text) == 8 else "00"
    digits = hour + minute + second
    if not (digits.isascii() and digits.isdigit()) or hour > "23" or minute > "59" or second > "59":
        offset = None
    else:
        offset = timedelta(hours=int(hour), minutes=int(minute), seconds=int(second))
    if len(_TIMES) >= _PARTS_MAX:
        _TIMES.clear()
    _TIMES[text] = offset
    return offset


# Text -> parsed moment. A record repeats its own moments (created_at is the first history
# entry, updated_at the last), so about half the parses of a feed are answered here. Results are
# immutable and depend on the text alone; the dict is simply emptied when full.
_PARSED: dict[str, datetime] = {}
_PARSED_MAX = 20_000


def parse_datetime(value: object) -> datetime:
    """`value` as an aware UTC datetime; naive values are WIB. Raises DateError naming the value."""
    if type(value) is str:
        moment = _PARSED.get(value)
        if moment is not None:
            return moment
        moment = _day_first(value) if len(value) in (16, 19) and value[2] in "/-." else None
        if moment is None:
            try:
                # The fast path: ISO 8601 as APIs send it (most records, every history entry).
                moment = datetime.fromisoformat(value)
            except ValueError:
                if value.startswith("#") and value.endswith(("!", "?")):
                    raise DateError(f"the cell holds the spreadsheet error {value}") from None
                moment = _from_text(value)
            else:
                if moment.tzinfo is not UTC:
                    moment = moment.astimezone(UTC) if moment.tzinfo is not None else _aware(moment)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[value] = moment
        return moment
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return _aware(datetime.combine(value, time(0)))
    if isinstance(value, bool):
        raise DateError(f"{value!r} is not a date")
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            raise DateError("empty")
        return _from_number(float(value))
    if isinstance(value, str):  # a str subclass: read as plain text
        return parse_datetime(str(value))
    raise DateError(f"{value!r} is not a date")


def parse_optional(value: object) -> datetime | None:
    """Like parse_datetime, but a blank value is None."""
    return None if is_blank(value) else parse_datetime(value)


def parse_time_of_day(value: object) -> time | None:
    """A time of day from a separate "Jam" column ("14.30", "14:30:05", an Excel fraction)."""
    if is_blank(value):
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, int | float) and 0 <= value < 1:
        seconds = round(value * 86400)
        return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(?:wib)?\s*", str(value), re.IGNORECASE)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise DateError(f"cannot read {value!r} as a time of day")
    return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def with_time(day_value: object, time_value: object) -> object:
    """Join a date cell and a separate time cell into one naive WIB datetime (or leave the date)."""
    if is_blank(time_value) or is_blank(day_value):
        return day_value
    moment = parse_datetime(day_value).astimezone(WIB)
    if moment.time() != time(0):  # the date cell carried its own time: it wins
        return day_value
    return datetime.combine(moment.date(), parse_time_of_day(time_value))


def show(moment: datetime) -> str:
    """A datetime as people here read it: "2026-01-02 14:30 WIB"."""
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")
