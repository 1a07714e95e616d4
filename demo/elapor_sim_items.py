"""The simulator's complaints as JSON, written the way an e-Lapor export writes them.

Indonesian field names and labels, WIB timestamps with their offset, the reporter's identity in
`pelapor` (ingestion must hash or drop it), and name variants as they occur in the wild:
kecamatan by common name, alias ("IT I"), official name or code; categories and agencies by
name, short name or a common alias. Each record's latest rendering is cached with the change
it shows, so a record is written again only after it has moved on; dates of a page are
converted in one vectorised call.
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from data_sources.synonyms import AGENCY_ALIASES, CATEGORY_ALIASES
from demo import seed_text
from demo.elapor_sim_faults import KIND, VARIANTS, corrupt_dynamic, corrupt_static
from demo.lifecycle import MISSING, RESOLVED
from demo.world import AGENCY_CODES, CAT_CODES
from store.reference_data import KECAMATAN, KELURAHAN
from store.vocab import AGENCIES, CATEGORIES, CHANNELS, OUTCOMES, REPORT_TYPES, STATUSES, UNKNOWN_CODE

if TYPE_CHECKING:
    from demo.elapor_sim_world import SimWorld

ID_BASE = 3_100_000
WIB_S = 7 * 3600
OPEN_STATUS_OF_EVENT = ("baru", "diverifikasi", "diteruskan", "ditindaklanjuti")
STATUS_LABEL = {
    "baru": "Belum Terverifikasi",
    "diverifikasi": "Terverifikasi",
    "diteruskan": "Didisposisikan",
    "ditindaklanjuti": "Ditindaklanjuti",
    "selesai": "Selesai",
    "ditutup": "Ditutup",
}
OUTCOME_LABEL = {"selesai": "Selesai", "bukan_wewenang": "Bukan Wewenang", "dikembalikan": "Dikembalikan",
                 "ditolak": "Ditolak"}  # fmt: skip
REPORT_TYPE_LABEL = {
    "pengaduan": "Pengaduan",
    "aspirasi": "Aspirasi",
    "permintaan_informasi": "Permintaan Informasi",
}
CHANNEL_LABELS = {
    "web": ("Website", "Website", "Web"),
    "sms1708": ("SMS 1708", "SMS 1708", "SMS"),
    "app": ("Aplikasi Mobile", "Android", "iOS"),
    "sosmed": ("Twitter", "Instagram", "Facebook"),
}
CHANNEL_NOTE = {
    "web": "situs LAPOR!",
    "sms1708": "SMS 1708",
    "app": "aplikasi LAPOR!",
    "sosmed": "media sosial",
}
CLOSE_NOTE = {
    ("selesai", "selesai"): "Selesai: tindak lanjut dikonfirmasi pelapor",
    ("selesai", "ditutup"): "Ditutup otomatis: 10 hari kerja tanpa balasan pelapor setelah tindak lanjut",
    ("bukan_wewenang", "ditutup"): "Ditutup: bukan wewenang {agency}",
    ("dikembalikan", "ditutup"): "Ditutup: dikembalikan kepada pelapor, tidak dilengkapi dalam 10 hari kerja",
    ("ditolak", "ditutup"): "Ditolak: tidak memenuhi syarat laporan (tidak jelas atau duplikat)",
}
_AGENCY = {a.code: a for a in AGENCIES}
_CATEGORY = {c.code: c for c in CATEGORIES}
# Kinds whose fault touches the history, which is written per request.
_DYNAMIC_KINDS = frozenset(KIND[name] for name, options in VARIANTS.items() if any(o[2] for o in options))


def iso(ts: int) -> str:
    """Epoch seconds as e-Lapor writes them: ISO 8601 in WIB with its offset."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+07:00", time.gmtime(ts + WIB_S))


def iso_utc(ts: int) -> str:
    """Epoch seconds as ISO 8601 UTC (the truth endpoint speaks UTC, like the database)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))


def year_of(ts: int) -> int:
    return time.gmtime(ts + WIB_S).tm_year


def tracking_id(r: int, created_ts: int) -> str:
    """The LAPOR!-style ticket number of record index `r`."""
    return f"PLG-{year_of(created_ts)}-{r + 1:07d}"


def note(r_status: str, j: int, agency_code: str, channel: str, outcome: str | None) -> str:
    """The history note of change j (0..4) of a record."""
    agency = _AGENCY[agency_code].short_name
    if j == 0:
        return f"Laporan diterima melalui {CHANNEL_NOTE[channel]}"
    if j == 1:
        return "Laporan diverifikasi oleh admin LAPOR! Kota Palembang"
    if j == 2:
        return f"Didisposisikan ke {agency}"
    if j == 3:
        return f"Tanggapan {agency}: laporan sedang ditindaklanjuti"
    return CLOSE_NOTE[(outcome, r_status)].format(agency=agency)


class Reporters:
    """Identity of every reporter number, drawn at once: repeat reporters keep theirs."""

    def __init__(self, seed: int, count: int) -> None:
        rng = np.random.default_rng([seed, 17])
        size = max(count, 1)
        # Plain lists: a record reads eight of them, and numpy scalars are slow one at a time.
        self.first = rng.integers(len(seed_text.FIRST_NAMES), size=size).tolist()
        self.last = rng.integers(len(seed_text.LAST_NAMES), size=size).tolist()
        self.prefix = rng.integers(len(seed_text.MOBILE_PREFIXES), size=size).tolist()
        self.digits = rng.integers(10**8, size=size).tolist()
        self.email = np.where(rng.random(size) < 0.4, rng.integers(1, 100, size=size), 0).tolist()
        self.domain = rng.integers(len(seed_text.MAIL_DOMAINS), size=size).tolist()
        self.nik = np.where(rng.random(size) < 0.3, rng.integers(1, 2**31, size=size), 0).tolist()

    def identity(self, number: int, kecamatan_code: str) -> dict[str, Any]:
        """Name, mobile number, e-mail (some) and NIK (some) of reporter `number`."""
        first = seed_text.FIRST_NAMES[self.first[number]]
        last = seed_text.LAST_NAMES[self.last[number]]
        email = nik = None
        if self.email[number]:
            domain = seed_text.MAIL_DOMAINS[self.domain[number]]
            email = f"{first.lower()}.{last.lower()}{self.email[number]}@{domain}"
        if d := self.nik[number]:
            day = 1 + d % 28 + 40 * (d >> 5 & 1)  # women: day + 40, as the NIK writes it
            month, year, serial = 1 + (d >> 6) % 12, (d >> 10) % 100, 1 + (d >> 17) % 2999
            nik = f"1671{kecamatan_code[-2:]}{day:02d}{month:02d}{year:02d}{serial:04d}"
        return {
            "nama": f"{first} {last}",
            "telepon": f"{seed_text.MOBILE_PREFIXES[self.prefix[number]]}{self.digits[number]:08d}",
            "email": email,
            "nik": nik,
        }


class Renderer:
    """Writes the JSON of a world's records, caching each record's latest rendering."""

    def __init__(self, world: SimWorld) -> None:
        self.w = world
        self.reporters = Reporters(world.seed, int(world.reporter.max()) + 1 if world.n else 1)
        # The latest rendering of each record, with the change it shows: a record is rendered
        # again only when it has moved on (the first sync of 100,000 is the expensive one).
        self._cache: dict[int, tuple[int, str]] = {}

    def forget(self, rows: list[int]) -> None:
        """Drop cached JSON of these records (their faults were redrawn)."""
        for r in rows:
            self._cache.pop(r, None)

    def item_json(self, r: int, stage: int) -> str:
        """The JSON text of record `r` as it stood at its change `stage` (0..4)."""
        return self.page([r], [stage])[0]

    def page(self, recs: list[int], stages: list[int]) -> list[str]:
        """JSON texts of records `recs`, each at its change in `stages`."""
        w = self.w
        cache = self._cache
        out: list[str | None] = []
        todo: list[int] = []
        for i, (r, stage) in enumerate(zip(recs, stages, strict=True)):
            hit = cache.get(r)
            if hit is not None and (hit[0] == stage or w.frozen[r]):
                out.append(hit[1])
            else:
                out.append(None)
                todo.append(i)
        if todo:
            rows = np.asarray([recs[i] for i in todo], dtype=np.int64)
            moments = np.concatenate([w.events[rows], w.times[rows, RESOLVED][:, None]], axis=1)
            # One vectorised conversion for the page instead of one strftime per date.
            texts = np.datetime_as_string((moments + WIB_S).astype("datetime64[s]"), unit="s").tolist()
            for i, ints, strs in zip(todo, moments.tolist(), texts, strict=True):
                r = recs[i]
                stage = 0 if w.frozen[r] else stages[i]
                out[i] = text = self._render(r, stage, ints, strs)
                cache[r] = (stage, text)
        return out  # type: ignore[return-value]

    def _render(self, r: int, stage: int, ints: list[int], strs: list[str]) -> str:
        w = self.w
        kind = int(w.kind[r])
        item = self.static_item(r, f"{strs[0]}+07:00")
        static = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        dates = [f'"{t}+07:00"' if v != MISSING else "null" for v, t in zip(ints, strs, strict=True)]
        dyn = self._dynamic_text(r, stage, ints, dates)
        if kind in _DYNAMIC_KINDS:
            dynamic = json.loads("{" + dyn + "}")
            corrupt_dynamic(dynamic, kind, int(w.variant[r]), year_of(ints[0]))
            dyn = json.dumps(dynamic, ensure_ascii=False, separators=(",", ":"))[1:-1]
        text = f"{static[:-1]},{dyn}}}"
        return json.dumps(text, ensure_ascii=False) if kind == KIND["not_object"] else text

    def static_item(self, r: int, created_text: str | None = None) -> dict[str, Any]:
        """The fields that never change over the record's life (after its record fault)."""
        w = self.w
        kec = KECAMATAN[w.kec[r]]
        kel = KELURAHAN[w.kel[r]] if w.kel[r] >= 0 else None
        cat_code, agency_code = CAT_CODES[w.cat[r]], AGENCY_CODES[w.agency[r]]
        report_type = REPORT_TYPES[w.report_type[r]]
        d0, d1 = int(w.draw[r, 0]), int(w.draw[r, 1])
        local, street_i = w.street[r].tolist()
        streets = seed_text.STREETS[kec.code] if local else seed_text.CITY_STREETS
        street = streets[street_i % len(streets)]
        place = kel.name if kel else f"Kecamatan {kec.common_name}"
        title, description = seed_text.compose(
            cat_code, report_type, street, place, tuple(w.picks[r].tolist())
        )
        if w.pii[r, 0] >= 0:
            kinds = tuple(seed_text.PII_KINDS[k] for k in w.pii[r] if k >= 0)
            rng = np.random.default_rng([w.seed, r, 11])
            description = seed_text.with_pii(rng, description, kinds, kel.name if kel else "", kec.code)
        lat, lon = float(w.lat[r]), float(w.lon[r])
        created = int(w.events[r, 0])
        item: dict[str, Any] = {
            "id": ID_BASE + r,
            "nomor_tiket": tracking_id(r, created),
            "jenis_laporan": REPORT_TYPE_LABEL[report_type],
            "judul": title,
            "isi": description,
            "kategori": _category_label(cat_code, d1),
            "instansi_tujuan": _agency_label(agency_code, d1 >> 4),
            "kecamatan": _kecamatan_label(kec, d1 >> 8),
            "kelurahan": None if kel is None else ("Kel. " if (d1 >> 12) % 10 == 0 else "") + kel.name,
            "alamat": f"{street}, " + (f"Kel. {kel.name}, " if kel else "") + f"Kec. {kec.common_name}",
            "lokasi": None if lat != lat else {"lat": round(lat, 6), "lng": round(lon, 6)},
            "kanal": CHANNEL_LABELS[CHANNELS[w.channel[r]]][(d1 >> 16) % 3],
            "anonim": bool(w.anonymous[r]),
            "rahasia": bool(w.confidential[r]),
            "pelapor": self.reporters.identity(int(w.reporter[r]), kec.code),
            "tanggal_dibuat": created_text or iso(created),
        }
        corrupt_static(item, int(w.kind[r]), int(w.variant[r]), year_of(created), d0 >> 8)
        return item

    def history(self, r: int, stage: int) -> list[tuple[int, str, str]]:
        """(time, status code, note) of every change up to `stage`, oldest first."""
        w = self.w
        agency_code, channel = AGENCY_CODES[w.agency[r]], CHANNELS[w.channel[r]]
        final = STATUSES[w.final[r]]
        outcome = OUTCOMES[w.outcome[r]] if w.outcome[r] != MISSING else None
        out = []
        for j, t in enumerate(w.events[r, : stage + 1].tolist()):
            if t == MISSING:
                continue
            status = OPEN_STATUS_OF_EVENT[j] if j < 4 else final
            out.append((t, status, note(status, j, agency_code, channel, outcome)))
        return out

    def _dynamic_text(self, r: int, stage: int, ints: list[int], dates: list[str]) -> str:
        """Status, dates and history at `stage` as JSON members (no braces); `dates` JSON-ready."""
        w = self.w
        closed = stage == 4
        seen = [j for j in range(stage + 1) if ints[j] != MISSING]
        statuses = [OPEN_STATUS_OF_EVENT[j] if j < 4 else STATUSES[w.final[r]] for j in seen]
        notes = _notes(int(w.agency[r]), int(w.channel[r]), int(w.final[r]), int(w.outcome[r]))
        entries = ",".join(
            f'{{"waktu":{dates[j]},"status":"{STATUS_LABEL[s]}","catatan":{notes[j]}}}'
            for j, s in zip(seen, statuses, strict=True)
        )

        def at(j: int) -> str:
            return dates[j] if j <= stage else "null"

        outcome = f'"{OUTCOME_LABEL[OUTCOMES[w.outcome[r]]]}"' if closed else "null"
        return (
            f'"status":"{STATUS_LABEL[statuses[-1]]}","hasil":{outcome},'
            f'"tanggal_verifikasi":{at(1)},"tanggal_disposisi":{at(2)},"tanggal_tanggapan_pertama":{at(3)},'
            f'"tanggal_selesai":{dates[5] if closed else "null"},"tanggal_ditutup":{at(4)},'
            f'"tanggal_diperbarui":{dates[seen[-1]]},"riwayat":[{entries}]'
        )


@lru_cache(maxsize=8192)
def _notes(agency: int, channel: int, final: int, outcome: int) -> tuple[str, ...]:
    """The five history notes of a record, JSON-quoted (few combinations: cached)."""
    agency_code, channel_code = AGENCY_CODES[agency], CHANNELS[channel]
    final_status = STATUSES[final]
    outcome_code = OUTCOMES[outcome] if outcome != MISSING else None
    out = []
    for j in range(5):
        if j == 4 and outcome_code is None:
            out.append("null")
        else:
            status = OPEN_STATUS_OF_EVENT[j] if j < 4 else final_status
            out.append(
                json.dumps(note(status, j, agency_code, channel_code, outcome_code), ensure_ascii=False)
            )
    return tuple(out)


def _category_label(code: str, draw: int) -> str | None:
    if code == UNKNOWN_CODE:
        return None
    aliases = CATEGORY_ALIASES.get(code, ())
    if aliases and draw % 100 < 15:
        return aliases[(draw // 100) % len(aliases)]
    return _CATEGORY[code].name_id


def _agency_label(code: str, draw: int) -> str | None:
    if code == UNKNOWN_CODE:
        return None
    ref = _AGENCY[code]
    pick = draw % 100
    aliases = AGENCY_ALIASES.get(code, ())
    if pick < 60 or (pick >= 85 and not aliases):
        return ref.name
    if pick < 85:
        return ref.short_name
    return aliases[(draw // 100) % len(aliases)]


def _kecamatan_label(kec: Any, draw: int) -> str:
    pick = draw % 100
    if pick < 80 or (pick < 92 and not kec.aliases):
        return kec.common_name
    if pick < 92:
        return kec.aliases[(draw // 100) % len(kec.aliases)]
    if pick < 97:
        return kec.name
    return kec.code
