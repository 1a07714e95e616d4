"""The one filter object every read-side query takes, its URL form, and its SQL condition."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, select, true

from store.calendar import WIB
from store.models import Agency, Category, Complaint
from store.reference_data import KECAMATAN
from store.vocab import CHANNELS, REPORT_TYPES, STATUSES

MAX_DAYS = 366 * 20  # a hand-edited URL cannot ask for a 10,000-year scan


class FilterError(ValueError):
    """A filter value that does not exist or does not parse; the message names the field."""

    def __init__(self, field_name: str, value: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason} ({value!r})")
        self.field = field_name
        self.value = value
        self.reason = reason


@dataclass(frozen=True)
class Filter:
    """Complaints received between start and end (WIB days, inclusive), narrowed by the lists.

    An empty list means "all". Codes: kecamatan 16.71.xx, category and agency codes, channel,
    report type and status codes from store.vocab.
    """

    start: date
    end: date
    kecamatan: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    agency: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    report_type: tuple[str, ...] = ()
    status: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise FilterError("end", self.end.isoformat(), "end date is before start date")
        if (self.end - self.start).days > MAX_DAYS:
            raise FilterError("start", self.start.isoformat(), "period longer than 20 years")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filter:
        """The period of equal length right before this one, same narrowing."""
        return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))

    def end_moment(self) -> datetime:
        """24:00 WIB at the end of the last day, as an aware datetime."""
        return datetime.combine(self.end + timedelta(days=1), time(0), WIB)

    def with_(self, **changes: object) -> Filter:
        return replace(self, **changes)

    def to_params(self) -> dict[str, str]:
        """URL query form: dates ISO, lists comma-joined, empty lists left out."""
        out = {"dari": self.start.isoformat(), "sampai": self.end.isoformat()}
        for name, key in _LIST_PARAMS.items():
            values = getattr(self, name)
            if values:
                out[key] = ",".join(values)
        return out


# URL parameter names are Indonesian: shared links are read by Indonesian users.
_LIST_PARAMS = {
    "kecamatan": "kecamatan",
    "category": "kategori",
    "agency": "opd",
    "channel": "kanal",
    "report_type": "jenis",
    "status": "status",
}


@dataclass(frozen=True)
class Known:
    """The codes a filter may name; categories and agencies come from the database."""

    kecamatan: frozenset[str] = frozenset(k.code for k in KECAMATAN)
    category: frozenset[str] = frozenset()
    agency: frozenset[str] = frozenset()
    channel: frozenset[str] = frozenset(CHANNELS)
    report_type: frozenset[str] = frozenset(REPORT_TYPES)
    status: frozenset[str] = frozenset(STATUSES)


def _parse_date(key: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise FilterError(key, raw, "not a date in YYYY-MM-DD form") from None


def parse_params(params: Mapping[str, str | Iterable[str]], default: Filter, known: Known) -> Filter:
    """Build a Filter from URL query parameters; unknown codes raise FilterError naming them."""

    def one(key: str) -> str | None:
        value = params.get(key)
        if value is None or isinstance(value, str):
            return value
        value = list(value)
        return value[-1] if value else None

    start = _parse_date("dari", one("dari")) if one("dari") else default.start
    end = _parse_date("sampai", one("sampai")) if one("sampai") else default.end
    lists: dict[str, tuple[str, ...]] = {}
    for name, key in _LIST_PARAMS.items():
        raw = one(key)
        if not raw:
            lists[name] = getattr(default, name)
            continue
        values = tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
        allowed = getattr(known, name)
        for v in values:
            if v not in allowed:
                raise FilterError(key, v, "unknown value")
        lists[name] = values
    return Filter(start=start, end=end, **lists)


def condition(f: Filter, with_dates: bool = True) -> ColumnElement[bool]:
    """SQL condition on Complaint for the filter (dates on the WIB day the report came in)."""
    parts: list[ColumnElement[bool]] = []
    if with_dates:
        parts.append(Complaint.created_day.between(f.start, f.end))
    if f.kecamatan:
        parts.append(Complaint.kecamatan_code.in_(f.kecamatan))
    if f.category:
        parts.append(Complaint.category_id.in_(select(Category.id).where(Category.code.in_(f.category))))
    if f.agency:
        parts.append(Complaint.agency_id.in_(select(Agency.id).where(Agency.code.in_(f.agency))))
    if f.channel:
        parts.append(Complaint.channel.in_(f.channel))
    if f.report_type:
        parts.append(Complaint.report_type.in_(f.report_type))
    if f.status:
        parts.append(Complaint.status.in_(f.status))
    return and_(true(), *parts)


FILTER_FIELDS = tuple(fl.name for fl in fields(Filter))
