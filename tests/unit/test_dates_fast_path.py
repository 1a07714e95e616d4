"""The day-first fast path of data_sources.dates gives exactly what the general reader gives."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from data_sources import dates
from data_sources.dates import DateError, _day_first, _from_text, parse_datetime


def _general(text: str):
    try:
        return _from_text(text)
    except DateError as exc:
        return f"error: {exc}"


def _texts() -> list[str]:
    rng = random.Random(3)
    out = [
        "03/12/2025 05:47:25", "03/12/2025 05:47", "31-01-2026 23:59:59", "01.02.2026 10.30",
        "01.02.2026 10.30.15", "29/02/2024 12:00", "29/02/2025 12:00", "31/04/2026 08:00",
        "00/01/2026 08:00", "01/00/2026 08:00", "01/13/2026 08:00", "12/31/2026 08:00",
        "01/02/0026 10:30", "01/02/0000 10:30", "01/02/0999 10:30", "01/02/2026 24:00",
        "01/02/2026 23:60", "01/02/2026 23:59:60", "01/02/2026T10:30", "01/02-2026 10:30",
        "01/02/2026 10:30x00", "0１/02/2026 10:30", "01/02/2026 1:30:00", "a1/02/2026 10:30",
    ]  # fmt: skip
    for _ in range(3000):
        sep = rng.choice("/-.")
        year = rng.choice(["1999", "2024", "2026", "2100", "0050"])
        text = f"{rng.randint(0, 32):02d}{sep}{rng.randint(0, 13):02d}{sep}{year}"
        text += f" {rng.randint(0, 25):02d}{rng.choice(':.')}{rng.randint(0, 61):02d}"
        if rng.random() < 0.6:
            text += f"{rng.choice(':.')}{rng.randint(0, 61):02d}"
        out.append(text)
    return out


def test_fast_path_agrees_with_the_general_reader():
    # One test over 3,000+ texts (a parametrized case each would only inflate the test count);
    # every disagreement is listed, not just the first.
    wrong = []
    for text in _texts():
        fast = _day_first(text) if len(text) in (16, 19) and text[2] in "/-." else None
        if fast is not None and (fast != _from_text(text) or fast.tzinfo is not UTC):
            wrong.append(f"{text!r}: fast path {fast!r}")
        dates._PARSED.clear()
        try:
            through = parse_datetime(text)
        except DateError as exc:
            through = f"error: {exc}"
        if through != _general(text):
            wrong.append(f"{text!r}: {through!r} != {_general(text)!r}")
    assert wrong == []


def test_export_form_is_read_as_wib():
    dates._PARSED.clear()
    assert parse_datetime("03/12/2025 05:47:25") == datetime(2025, 12, 2, 22, 47, 25, tzinfo=UTC)
    assert parse_datetime("01.02.2026 10.30") == datetime(2026, 2, 1, 3, 30, tzinfo=UTC)


def test_impossible_dates_keep_their_reason():
    dates._PARSED.clear()
    with pytest.raises(DateError, match="month 13 does not exist"):
        parse_datetime("01/13/2026 08:00")
    with pytest.raises(DateError, match="not a real date"):
        parse_datetime("31/04/2026 08:00")
