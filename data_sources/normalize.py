"""Normalisation of place names, categories, agencies and the controlled vocabularies.

Every lookup goes through a *key*: lower case, accents and punctuation gone, administrative
prefixes dropped ("Kec.", "Kelurahan", "Kota Palembang"), Indonesian number words and Roman
numerals turned into numbers ("Dua-puluh Ilir Satu" == "20 Ilir I" == "20 Ilir D. I"), and
spaces ignored ("Bukitkecil" == "Bukit Kecil"). A key that points at two places resolves to
nothing: a wrong kecamatan is worse than an unknown one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from data_sources.synonyms import (
    BOOL_FALSE,
    BOOL_TRUE,
    CHANNEL_SYNONYMS,
    OUTCOME_SYNONYMS,
    REPORT_TYPE_SYNONYMS,
    STATUS_SYNONYMS,
)

# Values people type for "no value" (and Excel's own).
BLANKS = frozenset({"", "-", "--", "—", "–", ".", "?", "nan", "none", "null", "nil", "n/a", "na", "#n/a"})

# --------------------------------------------------------------------------- blanks ----


def is_blank(value: object) -> bool:
    """True for None, NaN, empty or placeholder text ("-", "null", "N/A", ...)."""
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        text = value.strip()
        return not text or (len(text) <= 4 and text.lower() in BLANKS)
    if kind is float:
        return value != value  # NaN
    return False


def clean_text(value: object) -> str:
    """The value as one line of text with runs of whitespace collapsed ("" for a blank)."""
    if is_blank(value):
        return ""
    if type(value) is float and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _fold(text: str) -> str:
    # NFKD splits accents from letters; dropping the combining marks leaves plain ASCII letters.
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


# ---------------------------------------------------------------------- place keys ----

_UNITS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_DROP = frozenset({"kec", "kecamatan", "kel", "kelurahan", "desa", "kota", "palembang", "plg", "kab"})
_SYNONYMS = {"sei": "sungai", "sg": "sungai", "jl": "jalan"}
_TOKEN = re.compile(r"\d+|[a-z]+")
_JOINED_NUMBER = re.compile(r"(satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|se)(puluh|belas)")
_REDUPLICATED = re.compile(r"\b([a-z]{3,})2\b")  # "alang2" is written "alang-alang"


def _numbers(tokens: list[str]) -> list[str]:
    """Indonesian number words to digits: "dua puluh enam" -> "26", "sebelas" -> "11"."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok == "se" and nxt in ("puluh", "belas"):
            tok, i = ("sepuluh" if nxt == "puluh" else "sebelas"), i + 1
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok == "sepuluh":
            out.append("10")
        elif tok == "sebelas":
            out.append("11")
        elif tok in _UNITS and nxt == "belas":
            out.append(str(10 + _UNITS[tok]))
            i += 1
        elif tok in _UNITS and nxt == "puluh":
            value = 10 * _UNITS[tok]
            i += 1
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if after in _UNITS:
                value += _UNITS[after]
                i += 1
            out.append(str(value))
        elif tok in _UNITS:
            out.append(str(_UNITS[tok]))
        elif tok in _ROMAN:
            out.append(str(_ROMAN[tok]))
        else:
            out.append(str(int(tok)) if tok.isdigit() else _SYNONYMS.get(tok, tok))
        i += 1
    return out


@lru_cache(maxsize=65536)
def place_key(name: str) -> str:
    """Comparable form of a kecamatan/kelurahan name; "" when nothing is left."""
    text = _fold(name)
    text = _REDUPLICATED.sub(r"\1 \1", text)
    text = _JOINED_NUMBER.sub(r"\1 \2", text)
    tokens = [t for t in _TOKEN.findall(text) if t not in _DROP]
    tokens = _numbers(tokens)
    # "20 Ilir D. I": the "D." (dusun) before a number carries nothing.
    tokens = [
        t for j, t in enumerate(tokens) if not (t == "d" and j + 1 < len(tokens) and tokens[j + 1].isdigit())
    ]
    # Numbers keep a marker so "2 6 ilir" never meets "26 ilir"; words join so spaces do not matter.
    return "".join(f"#{t}#" if t.isdigit() else t for t in tokens)


@lru_cache(maxsize=65536)
def alias_key(name: str) -> str:
    """Comparable form of a category/agency name: letters and digits only, city suffix dropped."""
    text = _fold(name).replace("&", " dan ")
    tokens = [t for t in _TOKEN.findall(text) if t not in ("kota", "palembang", "pemkot", "plg")]
    return "".join(tokens)


_KEY_NUMBER = re.compile(r"#(\d+)#")
_CODE_LIKE = re.compile(r"[\d.\s-]+")
_NOT_DIGIT = re.compile(r"\D")


def _letters(key: str) -> str:
    return _KEY_NUMBER.sub("", key)


def _digits(key: str) -> tuple[str, ...]:
    return tuple(_KEY_NUMBER.findall(key))


def _within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


_MISSING = object()


class KeyIndex:
    """key -> code, where a key claimed by two codes resolves to nothing (ambiguous)."""

    def __init__(self, key_func) -> None:
        self._key = key_func
        self._codes: dict[str, str | None] = {}
        self._memo: dict[str, str | None] = {}  # name -> code, exact lookups
        self._memo_fuzzy: dict[str, str | None] = {}

    def add(self, name: str, code: str, *, override: bool = False) -> None:
        """Map `name` to `code`; a second code for the same key makes it ambiguous unless `override`."""
        key = self._key(name)
        if not key:
            return
        if override or key not in self._codes:
            self._codes[key] = code
        elif self._codes[key] != code:
            self._codes[key] = None
        self._memo.clear()
        self._memo_fuzzy.clear()

    def ambiguous(self) -> list[str]:
        """Keys that two codes claim."""
        return sorted(k for k, v in self._codes.items() if v is None)

    def lookup(self, name: str, *, fuzzy: bool = False) -> str | None:
        """The code of `name`, or None when unknown or ambiguous (fuzzy: one typo allowed)."""
        memo = self._memo_fuzzy if fuzzy else self._memo
        code = memo.get(name, _MISSING)
        if code is not _MISSING:
            return code
        key = self._key(name)
        code = self._codes.get(key)
        if code is None and key not in self._codes and fuzzy:
            code = self._fuzzy(key)
        if len(memo) < 50_000:
            memo[name] = code
        return code

    def _fuzzy(self, key: str) -> str | None:
        letters, digits = _letters(key), _digits(key)
        # Short names are too close to each other for a typo to be told from another name.
        if len(letters) < 6:
            return None
        found = {
            code
            for k, code in self._codes.items()
            if code is not None and _digits(k) == digits and _within_one_edit(_letters(k), letters)
        }
        return found.pop() if len(found) == 1 else None


# ------------------------------------------------------------------- vocabularies ----


def _vocab(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, words in synonyms.items():
        for word in (code, *words):
            index[alias_key(word)] = code
    return index


class Vocabulary:
    """Synonym lookups for the coded fields; `None` means "not a value we know"."""

    def __init__(self) -> None:
        self.status = _vocab(STATUS_SYNONYMS)
        self.outcome = _vocab(OUTCOME_SYNONYMS)
        self.channel = _vocab(CHANNEL_SYNONYMS)
        self.report_type = _vocab(REPORT_TYPE_SYNONYMS)

    @staticmethod
    def lookup(table: dict[str, str], value: str) -> str | None:
        """The code of `value` in one of the tables above."""
        return table.get(alias_key(value))


def parse_bool(value: object) -> bool | None:
    """Yes/no in Indonesian or English ("Ya", "Tidak", "1", True...); None when unreadable."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return bool(value) if value in (0, 1) else None
    text = clean_text(value).lower()
    if text == "":
        return False
    if text in BOOL_TRUE:
        return True
    if text in BOOL_FALSE:
        return False
    return None


# -------------------------------------------------------------------- kecamatan ----

# Seven-digit BPS codes (16 71 0X0) of the six old kecamatan carry the same number as the
# Kemendagri code; the later splits are numbered differently by BPS, so they are not guessed.
_BPS_OLD = {f"0{n}0": f"0{n}" for n in range(1, 7)}
_CITY_BOX = (-3.15, -2.80, 104.55, 104.95)  # lat min/max, lon min/max: Palembang with a margin
MAX_CENTROID_KM = 6.0


# Place values repeat (18 kecamatan, 107 kelurahan, their spellings): each text is read once.
@lru_cache(maxsize=8192)
def code_digits(value: str) -> str | None:
    """The digits of a code-like value ("16.71.05", "1671050", "16.71.05.1009"); None for a name."""
    text = value.strip()
    if not text or not _CODE_LIKE.fullmatch(text):
        return None
    return _NOT_DIGIT.sub("", text)


def kecamatan_from_code(digits: str) -> str | None:
    """The Kemendagri code "16.71.xx" of a kecamatan code in digits, else None."""
    if not digits.startswith("1671"):
        return None
    rest = digits[4:]
    if len(rest) == 2:
        return f"16.71.{rest}"
    if len(rest) == 3:
        two = _BPS_OLD.get(rest)
        return f"16.71.{two}" if two else None
    return None


def kelurahan_from_code(digits: str) -> str | None:
    """The Kemendagri code "16.71.xx.xxxx" of a kelurahan code in digits, else None."""
    if len(digits) == 10 and digits.startswith("1671"):
        return f"16.71.{digits[4:6]}.{digits[6:]}"
    return None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def in_city_box(lat: float, lon: float) -> bool:
    """True when the point lies in a box around Palembang."""
    return _CITY_BOX[0] <= lat <= _CITY_BOX[1] and _CITY_BOX[2] <= lon <= _CITY_BOX[3]


class NearestCentroid:
    """Kecamatan of the nearest kelurahan centroid (finer than kecamatan centroids), within a limit."""

    def __init__(self, points: Iterable[tuple[float, float, str]], max_km: float = MAX_CENTROID_KM) -> None:
        self._points = list(points)
        self._max_km = max_km

    def __call__(self, lat: float, lon: float) -> str | None:
        if not self._points or not in_city_box(lat, lon):
            return None
        best = min(self._points, key=lambda p: (p[0] - lat) ** 2 + ((p[1] - lon) * 0.9986) ** 2)
        return best[2] if haversine_km(lat, lon, best[0], best[1]) <= self._max_km else None


def resolve_place(raw: dict, lat: float | None, lon: float | None, ctx) -> tuple[str | None, str | None]:
    """Kecamatan from its code or name, else from the kelurahan, else from the coordinates."""
    kec_value, kel_value = raw.get("kecamatan"), raw.get("kelurahan")
    kec = kel = None
    if not is_blank(kec_value):
        text = str(int(kec_value) if isinstance(kec_value, float) and kec_value.is_integer() else kec_value)
        digits = code_digits(text)
        if digits is not None:
            kec = kecamatan_from_code(digits)
            if kec is None and (kel_code := kelurahan_from_code(digits)) in ctx.kelurahan_kecamatan:
                kec = ctx.kelurahan_kecamatan[kel_code]
            kec = kec if kec in ctx.kecamatan_codes else None
        else:
            kec = ctx.kecamatan.lookup(text, fuzzy=True)
    if not is_blank(kel_value):
        text = str(int(kel_value) if isinstance(kel_value, float) and kel_value.is_integer() else kel_value)
        digits = code_digits(text)
        if digits is not None:
            code = kelurahan_from_code(digits)
            kel = code if code in ctx.kelurahan_kecamatan else None
        else:
            inside = ctx.kelurahan_in.get(kec) if kec else None
            kel = inside.lookup(text, fuzzy=True) if inside else None
            kel = kel or ctx.kelurahan.lookup(text, fuzzy=True)
        if kel is not None and kec is not None and ctx.kelurahan_kecamatan[kel] != kec:
            ctx.notes["kelurahan.outside_kecamatan"] += 1
            kel = None
        elif kel is not None and kec is None:
            kec = ctx.kelurahan_kecamatan[kel]
            ctx.notes["kecamatan.from_kelurahan"] += 1
    if kec is None and lat is not None and lon is not None:
        kec = ctx.locate(lat, lon)
        if kec is not None:
            ctx.notes["kecamatan.from_coordinates"] += 1
    if kec is None:
        ctx.count_unknown("kecamatan", kec_value)
    if kel is None:
        ctx.count_unknown("kelurahan", kel_value)
    return kec, kel
