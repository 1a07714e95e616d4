"""Field-level checks for data_sources.validate: each appends a Problem instead of raising.

Also the lifecycle rules: timestamps filled from the status history, a missing status inferred,
closed records given a closing time, and the order created <= verified <= forwarded <= first
response <= resolved <= closed enforced (a violation names both fields).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING

from data_sources.dates import DateError, parse_datetime, show
from data_sources.normalize import Vocabulary, clean_text, is_blank, parse_bool
from data_sources.privacy import scrub
from data_sources.records import StatusChange
from store.vocab import OPEN_STATUSES

if TYPE_CHECKING:
    from data_sources.validate import NormalizeContext

NOTE_MAX = 200
LIFECYCLE = ("created_at", "verified_at", "forwarded_at", "first_response_at", "resolved_at", "closed_at")
# The lifecycle timestamp that a status change sets.
STATUS_TIME = {
    "baru": "created_at",
    "diverifikasi": "verified_at",
    "diteruskan": "forwarded_at",
    "ditindaklanjuti": "first_response_at",
    "selesai": "resolved_at",
    "ditutup": "closed_at",
}
_DATE_FIELDS = (*LIFECYCLE, "updated_at")
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_HISTORY_SLACK = timedelta(minutes=1)  # two clocks at the source may disagree by seconds


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str


def ident(value: object) -> str | None:
    """An id as text; None when blank or not a text/number (a list or an object is no id)."""
    if is_blank(value) or isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def number(value: object, name: str, problems: list[Problem]) -> float | None:
    """A float from a number or text ("-2,95" too); appends a Problem and returns None if unreadable."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        problems.append(Problem(name, f"{value!r} is not a coordinate"))
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("−", "-").replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            problems.append(Problem(name, f"{value!r} is not a number"))
            return None
    if math.isnan(number) or math.isinf(number):
        problems.append(Problem(name, f"{value!r} is not a number"))
        return None
    return number


def coordinates(
    raw: dict, ctx: NormalizeContext, problems: list[Problem]
) -> tuple[float | None, float | None]:
    """(lat, lon) checked for range; swapped pairs fixed, "0,0" dropped, half a pair rejected."""
    n = len(problems)
    lat = number(raw.get("lat"), "lat", problems)
    lon = number(raw.get("lon"), "lon", problems)
    if len(problems) > n:
        return None, None
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        problems.append(Problem("lat" if lat is None else "lon", "one coordinate given without the other"))
        return None, None
    if lat == 0 and lon == 0:  # "0,0" is what an unset GPS field exports
        ctx.notes["coordinates.zero_dropped"] += 1
        return None, None
    if not -90 <= lat <= 90 and -90 <= lon <= 90 and -180 <= lat <= 180:
        lat, lon = lon, lat  # written the other way round: Palembang's 104 E cannot be a latitude
        ctx.notes["coordinates.swapped"] += 1
    if not -90 <= lat <= 90:
        problems.append(Problem("lat", f"latitude {lat} is outside -90..90"))
    elif not -180 <= lon <= 180:
        problems.append(Problem("lon", f"longitude {lon} is outside -180..180"))
    else:
        return lat, lon
    return None, None


def code(
    table: dict[str, str], value: object, name: str, problems: list[Problem], accepted: tuple
) -> str | None:
    """The code of a coded field via its synonyms; an unknown value appends a Problem."""
    if is_blank(value):
        return None
    code = Vocabulary.lookup(table, str(value))
    if code is None:
        problems.append(
            Problem(name, f"unknown {name} {clean_text(value)!r} (expected one of {', '.join(accepted)})")
        )
    return code


def flag(raw: dict, name: str, problems: list[Problem]) -> bool:
    """A yes/no field (blank is no); an unreadable value appends a Problem."""
    value = raw.get(name)
    flag = parse_bool(value)
    if flag is None:
        problems.append(Problem(name, f"{clean_text(value)!r} is not yes/no (Ya/Tidak)"))
        return False
    return flag


def dates(raw: dict, problems: list[Problem]) -> dict[str, datetime | None]:
    """Every lifecycle timestamp and updated_at parsed (None when blank); each bad one a Problem."""
    out: dict[str, datetime | None] = {}
    for name in _DATE_FIELDS:
        value = raw.get(name)
        if value is None or is_blank(value):  # most blanks are None: no call for them
            out[name] = None
            continue
        try:
            out[name] = parse_datetime(value)
        except DateError as exc:
            out[name] = None
            problems.append(Problem(name, str(exc)))
    return out


def history(raw: dict, vocab: Vocabulary, problems: list[Problem]) -> list[StatusChange]:
    """The status history as StatusChanges sorted by time; a bad entry rejects the whole history."""
    value = raw.get("history")
    if is_blank(value) or value == []:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            problems.append(Problem("history", "is not a JSON list of status changes"))
            return []
    if not isinstance(value, list):
        problems.append(Problem("history", f"expected a list of status changes, got {type(value).__name__}"))
        return []
    out: list[StatusChange] = []
    table = vocab.status
    for i, entry in enumerate(value, 1):
        if type(entry) is not dict:
            problems.append(Problem("history", f"entry {i} is not an object"))
            return []
        try:
            at = parse_datetime(entry.get("at"))
        except DateError as exc:
            problems.append(Problem("history", f"entry {i}: {exc}"))
            return []
        raw_status = entry.get("status")
        # Feeds send our codes as they are: a direct hit skips building the key.
        status = table.get(raw_status) if type(raw_status) is str else None
        status = status or Vocabulary.lookup(table, str(raw_status or ""))
        if status is None:
            problems.append(Problem("history", f"entry {i}: unknown status {raw_status!r}"))
            return []
        note = entry.get("note")
        if note is not None:
            note = _note(note) if type(note) is str else _note_of(note)
        out.append(_new_change(StatusChange, (at, status, note)))
    out.sort(key=_AT)
    return out


# StatusChange(at, status, note) runs the NamedTuple's Python __new__; tuple.__new__ with the
# three values makes the same object in one C call (~5 a record). The sort key likewise in C.
_new_change = tuple.__new__
_AT = itemgetter(0)


def _note_of(value: object) -> str | None:
    note = clean_text(value) or None
    if note:
        note = scrub(note)
        note = note if len(note) <= NOTE_MAX else note[: NOTE_MAX - 1] + "…"
    return note


# History notes are mostly the source's fixed phrases ("Laporan diverifikasi oleh admin"):
# cleaning and scrubbing each distinct text once is enough (it depends on the text alone).
_note = lru_cache(maxsize=4096)(_note_of)


def lifecycle(times: dict, history: list[StatusChange], status: str | None, outcome: str | None,
              ctx: NormalizeContext, problems: list[Problem], inferred: set[str]) -> str:  # fmt: skip
    """Fill timestamps from the history, infer a missing status, close what is closed.

    Names of the timestamps filled in go to `inferred`: a problem with one of them is reported
    once, at the field it was taken from.
    """
    for change in history:
        name = STATUS_TIME[change.status]
        if times[name] is None:
            times[name] = change.at
            ctx.notes[f"{name}.from_history"] += 1
    if status is None:
        status = history[-1].status if history else _status_from_times(times, outcome)
        ctx.notes["status.inferred"] += 1
    if status in OPEN_STATUSES:
        if times["closed_at"] is not None:
            problems.append(
                Problem("status", f"status {status!r} is open but closed_at is {show(times['closed_at'])}")
            )
    elif times["closed_at"] is None:
        fallback = times["resolved_at"] if status == "selesai" else None
        fallback = fallback or times["updated_at"]
        if fallback is None:
            problems.append(Problem("status", f"status {status!r} is closed but no closing date is given"))
        else:
            times["closed_at"] = fallback
            inferred.add("closed_at")
            ctx.notes["closed_at.inferred"] += 1
    if times["updated_at"] is None:
        moments = [t for t in (times[n] for n in LIFECYCLE) if t is not None]
        moments += [c.at for c in history]
        times["updated_at"] = max(moments)
        inferred.add("updated_at")
        ctx.notes["updated_at.inferred"] += 1
    return status


def _status_from_times(times: dict, outcome: str | None) -> str:
    if times["closed_at"] is not None:
        return "selesai" if outcome == "selesai" else "ditutup"
    for name, status in (
        ("resolved_at", "selesai"),
        ("first_response_at", "ditindaklanjuti"),
        ("forwarded_at", "diteruskan"),
        ("verified_at", "diverifikasi"),
    ):
        if times[name] is not None:
            return status
    return "baru"


def order(times: dict, history: list[StatusChange], ctx: NormalizeContext, problems: list[Problem],
          inferred: set[str] = frozenset()) -> None:  # fmt: skip
    """created <= verified <= forwarded <= first response <= resolved <= closed; nothing implausible."""
    created = times["created_at"]
    latest, earlier = ctx.future_limit()
    for name in (*LIFECYCLE, "updated_at"):
        moment = times[name]
        if moment is None or name in inferred:
            continue
        if moment < _EARLIEST:
            problems.append(Problem(name, f"{show(moment)} is before 2000: not a plausible date"))
        elif latest is not None and moment > latest:
            if earlier:  # a limit kept from an earlier record: the present one decides
                latest, earlier = ctx.future_limit(fresh=True)
                if moment <= latest:
                    continue
            problems.append(Problem(name, f"{show(moment)} is in the future"))
    if problems:
        return
    previous = "created_at"
    for name in LIFECYCLE[1:]:
        moment = times[name]
        if moment is None or name in inferred:
            continue
        if moment < created:
            problems.append(Problem(name, f"{name} {show(moment)} is before created_at {show(created)}"))
        elif moment < times[previous]:
            problems.append(
                Problem(name, f"{name} {show(moment)} is before {previous} {show(times[previous])}")
            )
        else:
            previous = name
    updated = times["updated_at"]
    if "updated_at" not in inferred and updated < created:
        problems.append(
            Problem("updated_at", f"updated_at {show(updated)} is before created_at {show(created)}")
        )
    if history and history[0].at < created - _HISTORY_SLACK:
        problems.append(
            Problem(
                "history", f"a status change at {show(history[0].at)} is before created_at {show(created)}"
            )
        )
