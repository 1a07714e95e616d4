"""Privacy at ingest: contact details in free text are replaced, reporter identity is hashed.

What is replaced: e-mail addresses, Indonesian phone numbers (08xx, +62 8xx, 62 8xx, landlines
with an area code such as (0711) 352020 or 021-5551234, with spaces, dots or dashes) and 16-digit
NIK (also written 4-4-4-4 or 2.2.2.6.4). What must survive: dates, times, money amounts
("Rp 1.500.000"), RT/RW numbers, 5-digit postal codes and ordinary counts.

Anonymous reports get no reporter hash at all: the reporter chose not to be identifiable, and
a hash would still link their reports together (and a phone number hash can be brute-forced
by anyone holding the salt).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import Any

from data_sources.normalize import is_blank

PHONE = "[telepon]"
EMAIL = "[email]"
NIK = "[NIK]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# The leading lookahead lets the engine skip every position that cannot start a number.
_NUMBER = re.compile(
    r"(?=[\d+(])(?:"
    # NIK: 16 digits not starting with 0; contiguous, 4-4-4-4 or 2-2-2-6-4 with one kind of separator.
    r"(?P<nik>(?<![\d.,])(?:[1-9]\d{15}"
    r"|[1-9]\d{3}(?P<s1>[ .\-])\d{4}(?P=s1)\d{4}(?P=s1)\d{4}"
    r"|[1-9]\d(?P<s2>[ .\-])\d{2}(?P=s2)\d{2}(?P=s2)\d{6}(?P=s2)\d{4})(?!\d|[.,]\d))"
    # Mobile: 08.., +62 8.., 62 8.., (+62) 8..; digit groups of 3-4 after the operator prefix.
    r"|(?P<mobile>(?<![\w+])(?:\(?\+62\)?[ .\-]?|62[ .\-]?|0)8\d{1,3}(?:[ .\-]?\d{3,4}){1,3}(?!\d|[.,]\d))"
    # Landline: an area code 0[2-9]x(x) (or +62 [2-9]x(x)) set off by parentheses or a separator.
    r"|(?P<land>(?<![\w+])(?:\(0[2-9]\d{1,2}\)[ .\-]?|(?:\+62|62)[ .\-]?[2-9]\d{1,2}[ .\-]"
    r"|0[2-9]\d{1,2}[ .\-])"
    r"\d{3,4}[ .\-]?\d{2,4}(?!\d|[.,]\d)))"
)
# Nothing with fewer than nine digits in a row (separators allowed) is a phone number or a NIK.
# Scanning text with a regex costs ~25 ns a character; this gate costs ~1 ns: bytes are mapped
# digit -> "0", anything else -> "x", separators are dropped, then "000000000" is looked for.
_GATE = bytes(48 if 48 <= c <= 57 else 120 for c in range(256))
_GATE_DROP = b" .-()+"
_MONEY = ("rp", "rp.", "idr", "usd", "$")


def _replace_number(match: re.Match[str]) -> tuple[str, int]:
    """The replacement of a candidate number, and where the search goes on from."""
    # "Rp 62.800.000" is an amount: nothing after a currency sign is a phone number or NIK.
    before = match.string[max(0, match.start() - 5) : match.start()].rstrip().lower()
    if before.endswith(_MONEY):
        return match.group(0), match.end()
    if match.group("nik"):
        return NIK, match.end()
    found = match.group(0)
    if match.group("mobile") and not 10 <= sum(map(str.isdigit, found)) <= 14:
        # Two numbers in a row ("0812 9911 4455 0813 ...") read as one over-long number: cut at
        # the last separator that leaves a phone number, and look for the next one from there.
        for cut in sorted((m.start() for m in re.finditer(r"[ .\-]", found)), reverse=True):
            if 10 <= sum(map(str.isdigit, found[:cut])) <= 14:
                return PHONE, match.start() + cut
        return found, match.end()
    return PHONE, match.end()


def scrub(text: str | None) -> str:
    """`text` with phone numbers, e-mail addresses and NIK replaced by placeholders."""
    if not text:
        return text or ""
    # E-mail first: the digits of an address must not be read as a phone number.
    if "@" in text:
        text = _EMAIL.sub(EMAIL, text)
    if b"000000000" in text.encode("utf-8", "surrogatepass").translate(_GATE, _GATE_DROP):
        text = _scrub_numbers(text)
    return text


# Runs of digits and separators long enough to hold a number; the precise pattern then runs only
# inside them (it may look behind a run's start, for the currency and digit checks).
_CANDIDATE = re.compile(r"[\d(+][\d .\-()+]{8,}")


def _scrub_numbers(text: str) -> str:
    parts: list[str] = []
    last = 0
    for run in _CANDIDATE.finditer(text):
        pos, end = run.start(), min(len(text), run.end() + 2)
        while (match := _NUMBER.search(text, pos, end)) is not None:
            parts.append(text[last : match.start()])
            replacement, last = _replace_number(match)
            parts.append(replacement)
            pos = last
    parts.append(text[last:])
    return "".join(parts)


# ----------------------------------------------------------------- reporter hash ----

_NOT_DIGIT = re.compile(r"\D")
_NOT_NAME = re.compile(r"[^a-z0-9 ]")

# Names that say "nobody": they identify no one and must not merge strangers into one reporter.
_NO_NAME = frozenset(
    {"anonim", "anonymous", "anon", "tanpa nama", "hamba allah", "nn", "n n", "warga", "masyarakat",
     "pelapor", "tidak diketahui", "rahasia", "dirahasiakan", "unknown", "xxx", "x"}
)  # fmt: skip


def normalize_phone(value: Any) -> str | None:
    """Digits of an Indonesian phone number in 62... form; None when it is not a plausible number."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = _NOT_DIGIT.sub("", str(value))
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):  # a spreadsheet ate the leading 0
        digits = "62" + digits
    return digits if 9 <= len(digits) <= 15 else None


def normalize_email(value: Any) -> str | None:
    """Lower-case address; None when it has no "@"."""
    if is_blank(value):
        return None
    text = str(value).strip().lower()
    return text if "@" in text and " " not in text else None


def normalize_nik(value: Any) -> str | None:
    """The 16 digits of a NIK; None when it has another length."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = _NOT_DIGIT.sub("", str(value))
    return digits if len(digits) == 16 else None


def normalize_name(value: Any) -> str | None:
    """Lower-case name without accents or punctuation; None for "Anonim" and the like."""
    if is_blank(value):
        return None
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = " ".join(_NOT_NAME.sub(" ", text).split())
    return None if not text or text in _NO_NAME else text


def reporter_identity(name: Any, phone: Any, email: Any, nik: Any) -> str | None:
    """The one identifier a reporter is known by, strongest first: NIK, phone, e-mail, name."""
    # One identifier, not all of them combined: the same person reporting once with a phone and
    # once with phone and e-mail must count as one repeat reporter.
    # Lazily: most records stop at the phone number.
    for kind, normalize, value in (
        ("nik", normalize_nik, nik),
        ("tel", normalize_phone, phone),
        ("email", normalize_email, email),
        ("name", normalize_name, name),
    ):
        if value is not None and (found := normalize(value)):
            return f"{kind}:{found}"
    return None


def reporter_hash(salt: str, name: Any, phone: Any, email: Any, nik: Any) -> str | None:
    """HMAC-SHA256 (hex, 64 chars) of the reporter's normalised identity, or None without one."""
    identity = reporter_identity(name, phone, email, nik)
    if identity is None:
        return None
    inner, outer = _keyed(salt)
    inner = inner.copy()
    inner.update(identity.encode("utf-8"))
    outer = outer.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


@lru_cache(maxsize=8)
def _keyed(salt: str) -> tuple[Any, Any]:
    # HMAC (RFC 2104) by hand: the two keyed SHA-256 states are made once per salt, and a record
    # copies plain hashlib objects, half the time of copying an hmac.HMAC (a Python object) per
    # record. The digest is the same as hmac.new(salt, identity, sha256) (a test compares them).
    key = salt.encode("utf-8")
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return hashlib.sha256(key.translate(_IPAD)), hashlib.sha256(key.translate(_OPAD))


_BLOCK = hashlib.sha256().block_size
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


REPORTER_FIELDS = ("reporter_name", "reporter_phone", "reporter_email", "reporter_nik")


def safe_payload(raw: dict[str, Any], max_text: int = 2000) -> dict[str, Any]:
    """A raw record fit for the quarantine: no reporter fields, free text scrubbed, JSON-safe values."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in REPORTER_FIELDS or str(key).startswith("reporter"):
            continue
        out[str(key)] = _safe_value(value, max_text)
    return out


def _safe_value(value: Any, max_text: int) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return None if value != value else value  # NaN is not JSON
    if isinstance(value, dict):
        return {
            str(k): _safe_value(v, max_text) for k, v in value.items() if not str(k).startswith("reporter")
        }
    if isinstance(value, list | tuple):
        return [_safe_value(v, max_text) for v in value[:200]]
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    text = scrub(text)
    return text if len(text) <= max_text else text[: max_text - 1] + "…"
