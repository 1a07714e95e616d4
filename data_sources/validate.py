"""Raw record (the canonical dict every adapter produces) -> ComplaintRecord or Rejection.

validate() never raises on bad input: it returns a Rejection naming the field and the reason.
Identity leaves here only as a salted hash (none for anonymous reports); titles, descriptions
and history notes are scrubbed of phone numbers, e-mails and NIK. Unknown categories, agencies
and places do not reject a record: they become "tidak_diketahui" (or no kecamatan) and are
counted in `ctx.unknown`, with the values seen in `ctx.unrecognised`, so they can be mapped.

Inferences, each counted in `ctx.notes`: a missing status from the history or the timestamps;
missing lifecycle timestamps from the first history entry of that status; a missing
updated_at from the latest timestamp; status "selesai" without an outcome is outcome "selesai";
a closed record without closed_at takes resolved_at, its history or updated_at (else rejected).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from data_sources import checks
from data_sources.checks import Problem
from data_sources.normalize import (
    KeyIndex,
    NearestCentroid,
    Vocabulary,
    alias_key,
    clean_text,
    is_blank,
    place_key,
    resolve_place,
)
from data_sources.privacy import reporter_hash, safe_payload, scrub
from data_sources.records import ComplaintRecord, Rejection
from store.vocab import OPEN_STATUSES, UNKNOWN_CODE

TITLE_MAX = 200
EXTERNAL_ID_MAX = 64
TRACKING_ID_MAX = 32

__all__ = ["NormalizeContext", "Problem", "check", "rejection", "validate"]


def utc_now() -> datetime:
    """The present moment, aware UTC (NormalizeContext's default clock)."""
    return datetime.now(UTC)


@dataclass
class NormalizeContext:
    """Lookups and counters for validate(); build it with store.ingest.load_normalize_context."""

    kecamatan: KeyIndex
    kecamatan_codes: frozenset[str]
    kelurahan: KeyIndex
    kelurahan_in: dict[str, KeyIndex]
    kelurahan_kecamatan: dict[str, str]
    category: KeyIndex
    agency: KeyIndex
    salt: str
    locate: Callable[[float, float], str | None]
    now: Callable[[], datetime] = utc_now
    # A timestamp further ahead than this is a typo (2062 for 2026), not a report.
    max_future: timedelta | None = timedelta(days=1)
    vocab: Vocabulary = field(default_factory=Vocabulary)
    unknown: Counter = field(default_factory=Counter)
    unrecognised: dict[str, Counter] = field(default_factory=dict)
    notes: Counter = field(default_factory=Counter)
    # (limit, max_future) last computed from the wall clock: see future_limit.
    _limit: tuple[datetime, timedelta] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        *,
        kecamatan: list[tuple[str, list[str]]],
        kelurahan: list[tuple[str, str, str, float, float]],
        categories: list[tuple[str, list[str]]],
        agencies: list[tuple[str, list[str]]],
        category_aliases: list[tuple[str, str]] = (),
        agency_aliases: list[tuple[str, str]] = (),
        salt: str,
        locate: Callable[[float, float], str | None] | None = None,
        **options: Any,
    ) -> NormalizeContext:
        """A context from plain rows: (code, names) per kecamatan/category/agency, kelurahan rows, aliases."""
        kec_index = KeyIndex(place_key)
        for code, names in kecamatan:
            for name in names:
                kec_index.add(name, code)
        kel_index = KeyIndex(place_key)
        kel_in: dict[str, KeyIndex] = {}
        kel_kec: dict[str, str] = {}
        for code, kec_code, name, _lat, _lon in kelurahan:
            kel_index.add(name, code)
            kel_in.setdefault(kec_code, KeyIndex(place_key)).add(name, code)
            kel_kec[code] = kec_code
        points = [(lat, lon, kec_code) for _c, kec_code, _n, lat, lon in kelurahan]
        return cls(
            kecamatan=kec_index,
            kecamatan_codes=frozenset(code for code, _ in kecamatan),
            kelurahan=kel_index,
            kelurahan_in=kel_in,
            kelurahan_kecamatan=kel_kec,
            category=_coded_index(categories, category_aliases),
            agency=_coded_index(agencies, agency_aliases),
            salt=salt,
            locate=locate or NearestCentroid(points),
            **options,
        )

    @classmethod
    def from_reference(cls, salt: str, **options: Any) -> NormalizeContext:
        """A context from the reference data written into the project (no database needed)."""
        from data_sources.synonyms import AGENCY_ALIASES, CATEGORY_ALIASES
        from store.reference_data import KECAMATAN, KELURAHAN
        from store.vocab import AGENCIES, CATEGORIES

        return cls.build(
            kecamatan=[(k.code, [k.code, k.name, k.common_name, *k.aliases]) for k in KECAMATAN],
            kelurahan=[(k.code, k.kecamatan_code, k.name, k.lat, k.lon) for k in KELURAHAN],
            categories=[(c.code, [c.code, c.name_id, c.name_en]) for c in CATEGORIES],
            agencies=[(a.code, [a.code, a.name, a.short_name]) for a in AGENCIES],
            category_aliases=[(alias, code) for code, names in CATEGORY_ALIASES.items() for alias in names],
            agency_aliases=[(alias, code) for code, names in AGENCY_ALIASES.items() for alias in names],
            salt=salt,
            **options,
        )

    def future_limit(self, fresh: bool = False) -> tuple[datetime | None, bool]:
        """(now() + max_future or None without a limit, whether that limit may be an earlier one).

        The wall clock only moves forward, so a limit computed for an earlier record is at most
        the present one: a moment not past it is not past the present limit either, and the
        clock (datetime.now, ~1 us) is read again only for a moment beyond it (`fresh`), not
        once per record. An injected clock (tests) is read on every call, as before.
        """
        if self.max_future is None:
            return None, False
        if self.now is not utc_now:
            return self.now() + self.max_future, False
        cached = self._limit
        if fresh or cached is None or cached[1] != self.max_future:
            cached = self._limit = (utc_now() + self.max_future, self.max_future)
            return cached[0], False
        return cached[0], True

    def count_unknown(self, name: str, value: object) -> None:
        """Count an unknown `name` and remember the value that could not be mapped."""
        self.unknown[name] += 1
        if not is_blank(value):
            seen = self.unrecognised.setdefault(name, Counter())
            if len(seen) < 1000 or value in seen:
                seen[str(value)[:120]] += 1

    def take_counts(self) -> dict[str, Any]:
        """The counters so far (unknown, unrecognised, notes), then reset them."""
        out = {
            "unknown": dict(self.unknown),
            "unrecognised": {k: dict(v.most_common(20)) for k, v in self.unrecognised.items()},
            "notes": dict(self.notes),
        }
        self.unknown, self.unrecognised, self.notes = Counter(), {}, Counter()
        return out


def _coded_index(rows: list[tuple[str, list[str]]], aliases: list[tuple[str, str]]) -> KeyIndex:
    index = KeyIndex(alias_key)
    known = {code for code, _ in rows}
    for code, names in rows:
        for name in names:
            index.add(name, code)
    # The editable alias table overrides names; two alias rows for one key cancel out.
    alias_index = KeyIndex(alias_key)
    for alias, code in aliases:
        if code in known:
            alias_index.add(alias, code)
    for key, code in alias_index._codes.items():
        index._codes[key] = code
    return index


# ------------------------------------------------------------------------ validate ----


def check(
    raw: dict[str, Any], source: str, ctx: NormalizeContext
) -> tuple[ComplaintRecord | None, list[Problem]]:
    """Every problem of `raw` (a file report lists them all), or the record when there is none."""
    problems: list[Problem] = []
    vocab = ctx.vocab
    get = raw.get

    external_id = checks.ident(get("external_id"))
    if external_id is None:
        value = get("external_id")
        reason = (
            "missing (the record has no id)"
            if is_blank(value)
            else f"{clean_text(value)[:40]!r} is not an id"
        )
        problems.append(Problem("external_id", reason))
    elif len(external_id) > EXTERNAL_ID_MAX:
        problems.append(Problem("external_id", f"{len(external_id)} characters (at most {EXTERNAL_ID_MAX})"))
    tracking_id = checks.ident(get("tracking_id"))
    if tracking_id is not None and len(tracking_id) > TRACKING_ID_MAX:
        problems.append(Problem("tracking_id", f"{len(tracking_id)} characters (at most {TRACKING_ID_MAX})"))

    title = scrub(clean_text(get("title")))
    description_raw = get("description")
    description = "" if is_blank(description_raw) else scrub(str(description_raw).strip())
    if not title and not description:
        problems.append(Problem("title", "title and description are both empty"))
    elif not title:
        title = clean_text(description)[:100]
        ctx.notes["title.from_description"] += 1
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
        ctx.notes["title.truncated"] += 1

    report_type = checks.code(vocab.report_type, get("report_type"), "report_type", problems, _REPORT_TYPES)
    if report_type is None and is_blank(get("report_type")):
        report_type = "pengaduan"
        ctx.notes["report_type.defaulted"] += 1
    channel = checks.code(vocab.channel, get("channel"), "channel", problems, _CHANNELS)
    if channel is None and is_blank(get("channel")):
        channel = "web"
        ctx.notes["channel.defaulted"] += 1
    status = checks.code(vocab.status, get("status"), "status", problems, _STATUSES)
    outcome = checks.code(vocab.outcome, get("outcome"), "outcome", problems, _OUTCOMES)
    anonymous = checks.flag(raw, "anonymous", problems)
    confidential = checks.flag(raw, "confidential", problems)
    lat, lon = checks.coordinates(raw, ctx, problems)

    if is_blank(get("created_at")):
        problems.append(Problem("created_at", "missing (the date the report came in is required)"))
    times = checks.dates(raw, problems)
    history = checks.history(raw, vocab, problems)
    if problems:
        return None, problems

    inferred: set[str] = set()
    status = checks.lifecycle(times, history, status, outcome, ctx, problems, inferred)
    if status in OPEN_STATUSES and outcome is not None:
        problems.append(Problem("outcome", f"outcome {outcome!r} given but status {status!r} is still open"))
    if status == "selesai" and outcome is None:
        outcome = "selesai"
        ctx.notes["outcome.inferred"] += 1
    checks.order(times, history, ctx, problems, inferred)
    if problems:
        return None, problems
    if outcome == "selesai" and times["resolved_at"] is None and times["closed_at"] is not None:
        times["resolved_at"] = times["closed_at"]  # hours to resolve need it; after the order check

    kecamatan_code, kelurahan_code = resolve_place(raw, lat, lon, ctx)
    record = ComplaintRecord(
        source=source,
        external_id=external_id,
        report_type=report_type,
        title=title,
        description=description,
        channel=channel,
        status=status,
        created_at=times["created_at"],
        updated_at=times["updated_at"],
        tracking_id=tracking_id,
        category_code=_mapped(ctx, ctx.category, "category", get("category")),
        agency_code=_mapped(ctx, ctx.agency, "agency", get("agency")),
        kecamatan_code=kecamatan_code,
        kelurahan_code=kelurahan_code,
        lat=lat,
        lon=lon,
        anonymous=anonymous,
        confidential=confidential,
        # Anonymous reporters get no hash: see data_sources/privacy.py.
        reporter_hash=None
        if anonymous
        else reporter_hash(
            ctx.salt, get("reporter_name"), get("reporter_phone"), get("reporter_email"), get("reporter_nik")
        ),
        verified_at=times["verified_at"],
        forwarded_at=times["forwarded_at"],
        first_response_at=times["first_response_at"],
        resolved_at=times["resolved_at"],
        closed_at=times["closed_at"],
        outcome=outcome,
        history=history,
    )
    return record, []


def validate(raw: dict[str, Any], source: str, ctx: NormalizeContext) -> ComplaintRecord | Rejection:
    """A normalised, identity-free ComplaintRecord, or a Rejection naming the field and the reason."""
    try:
        record, problems = check(raw, source, ctx)
    except Exception as exc:  # a bug must not stop a sync: the record is quarantined with the error
        problems, record = [Problem("record", f"could not be validated ({type(exc).__name__}: {exc})")], None
    if record is not None:
        return record
    return rejection(raw, source, problems)


def rejection(raw: dict[str, Any], source: str, problems: list[Problem], row: int | None = None) -> Rejection:
    """The Rejection for `problems`: the first one's field, every reason, a scrubbed payload."""
    first = problems[0]
    reason = first.reason
    if len(problems) > 1:
        more = (p.reason if p.reason.startswith(p.field) else f"{p.field}: {p.reason}" for p in problems[1:])
        reason += "; also " + "; ".join(more)
    external_id = checks.ident(raw.get("external_id")) if isinstance(raw, dict) else None
    if external_id is not None and len(external_id) > EXTERNAL_ID_MAX:
        external_id = external_id[: EXTERNAL_ID_MAX - 1] + "…"
    payload = safe_payload(raw) if isinstance(raw, dict) else {"value": str(raw)[:2000]}
    return Rejection(
        source=source, external_id=external_id, field=first.field, reason=reason, payload=payload, row=row
    )


_REPORT_TYPES = ("Pengaduan", "Aspirasi", "Permintaan Informasi")
_CHANNELS = ("Web", "SMS 1708", "Aplikasi", "Media Sosial")
_STATUSES = ("Baru", "Diverifikasi", "Diteruskan", "Ditindaklanjuti", "Selesai", "Ditutup")
_OUTCOMES = ("Selesai", "Bukan Wewenang", "Dikembalikan", "Ditolak")


def _mapped(ctx: NormalizeContext, index: KeyIndex, name: str, value: object) -> str:
    code = None if is_blank(value) else index.lookup(str(value))
    if code is None or code == UNKNOWN_CODE:
        ctx.count_unknown(name, value)
        return UNKNOWN_CODE
    return code
