"""fmt_int / fmt_num give Babel's text (the reference they replaced for speed) in both languages."""

from __future__ import annotations

import random

import numpy as np
import pytest
from babel.numbers import format_decimal

from components.i18n import _LOCALE, fmt_int, fmt_num, fmt_pct


def _babel_int(n, lang):
    return format_decimal(round(n), locale=_LOCALE[lang])


def _babel_num(x, lang, digits):
    return format_decimal(round(x, digits), format=f"#,##0.{'0' * digits}", locale=_LOCALE[lang])


def _samples():
    rng = random.Random(11)
    values = [
        0,
        1,
        -1,
        0.5,
        1.5,
        2.5,
        -0.04,
        0.05,
        0.15,
        0.25,
        999.95,
        1234.5,
        99.99,
        100.0,
        12.345,
        1e7 + 0.55,
    ]
    values += [rng.uniform(-1e6, 1e6) for _ in range(3000)]
    values += [rng.uniform(0, 100) for _ in range(3000)]
    values += [round(rng.uniform(0, 100), 2) for _ in range(3000)]  # percentages as the store rounds them
    values += [rng.randint(-(10**9), 10**9) for _ in range(1000)]
    values += [np.float64(rng.uniform(0, 1000)) for _ in range(500)] + [
        np.int64(rng.randint(0, 10**6)) for _ in range(500)
    ]
    return values


@pytest.mark.parametrize("lang", ["id", "en"])
def test_numbers_read_as_babel_writes_them(lang):
    for x in _samples():
        assert fmt_int(x, lang) == _babel_int(x, lang), x
        for digits in (0, 1, 2):
            assert fmt_num(x, lang, digits) == _babel_num(x, lang, digits), (x, digits)


def test_separators_missing_and_non_finite_values():
    assert fmt_int(1234567, "id") == "1.234.567" and fmt_int(1234567, "en") == "1,234,567"
    assert fmt_num(1234.56, "id") == "1.234,6" and fmt_pct(61.54, "en") == "61.5%"
    assert fmt_int(None, "id") == "–" and fmt_num(None, "en") == "–"
    assert fmt_num(float("nan"), "en") == _babel_num(float("nan"), "en", 1)
