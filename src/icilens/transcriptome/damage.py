"""Values no expression measurement can have, found per sample so that the damage stops at its sample.

An infinite value, or one of a billion or more on any scale, is damage: the sample is left out with the reason,
and the other samples are read as if it had never been there. After the scale is decided, a TPM above a
million (the total of a whole sample) is the same.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.intake.findings import WARNING, Findings
from icilens.vocabulary import FindingCode

IMPOSSIBLE = 1e9  # no gene reaches a billion reads, TPM or FPKM; log2 values stay below 30
MILLION = 1e6


def leave_out_damaged(
    values: pd.DataFrame, findings: Findings, ceiling: float = IMPOSSIBLE, unit: str = ""
) -> pd.DataFrame:
    """Return values without the samples holding a non-finite value or one at or above ceiling, each named."""
    array = values.to_numpy(dtype="float64", copy=False)
    infinite = np.isinf(array).sum(axis=0)
    huge = (np.abs(np.where(np.isfinite(array), array, 0.0)) >= ceiling).sum(axis=0)
    damaged = (infinite > 0) | (huge > 0)
    for position in np.flatnonzero(damaged):
        sample = str(values.columns[position])
        column = array[:, position]
        if infinite[position]:
            first = column[np.isinf(column)][0]
            what = f"{int(infinite[position])} infinite value(s), such as {first:g}"
        else:
            first = column[np.abs(np.nan_to_num(column)) >= ceiling][0]
            what = f"{int(huge[position])} value(s) no expression can have{unit}, such as {first:g}"
        findings.add(
            None,
            sample,
            f"{first:g}",
            f"sample {sample}: {what}",
            "Left out; the other samples are read without it. Check this sample's export",
            WARNING,
            FindingCode.SAMPLE_DAMAGED,
        )
    return values.loc[:, ~damaged] if damaged.any() else values
