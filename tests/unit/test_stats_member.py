"""stats_fast._member answers as np.isin does, for every code width the columns use."""

from __future__ import annotations

import numpy as np
import pytest

from store.stats_fast import _member


@pytest.mark.parametrize("dtype", [np.int16, np.int32])
@pytest.mark.parametrize("values", [[], [0], [3, 5, 7], [19], [25], [0, 70], [2**15 - 1]])
def test_member_is_isin(dtype, values):
    column = np.random.default_rng(3).integers(-1, 20, 5_000).astype(dtype)
    column[:3] = [-1, 0, 19]
    assert np.array_equal(_member(column, values), np.isin(column, values))
