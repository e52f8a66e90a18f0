"""Cells read as missing: the same answer for a short column read cell by cell and a long one read by pandas."""

import numpy as np
import pandas as pd
import pytest

from icilens.intake.values import FEW_CELLS, is_missing

CELLS = [" NA ", "n/a", "\u00a0na\u00a0", "Unknown", "", "  ", "NaN ", "-", "1.5", "na1", "N.A", "none of them", np.nan]


@pytest.mark.parametrize("dtype", ["str", object])
def test_missing_cells_read_alike_in_a_short_and_a_long_column(dtype):
    short = pd.Series(CELLS, dtype=dtype)
    repeats = FEW_CELLS // len(CELLS) + 1
    long = pd.Series(CELLS * repeats, dtype=dtype)
    assert len(short) <= FEW_CELLS < len(long)
    expected = [isinstance(c, str) and c.strip().lower() in {"na", "n/a", "unknown", "", "nan", "-"} for c in CELLS]
    assert is_missing(short).tolist() == expected
    assert is_missing(long).tolist() == expected * repeats
