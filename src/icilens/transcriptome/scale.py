"""The scale of an expression matrix, told from its values: counts, TPM or FPKM, log2 of either, or z-scores.

Each sample is judged on its own, so a file that mixes scales across samples is caught and the samples named.
The descriptors need TPM; `to_tpm` brings each accepted scale there and says what that costs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LOG_MAX = 30.0  # log2 of any real expression stays below this (2**30 TPM is a thousand times a million)
LINEAR_MIN_MAX = 100.0  # a linear sample's largest gene is far above this
MILLION = 1e6
# Fewer genes than this are a targeted panel: their total is not a transcriptome's, so it is not rescaled.
MIN_TRANSCRIPTOME_GENES = 10_000

COUNTS = "raw counts"
TPM = "TPM"
FPKM = "FPKM, RPKM or TPM of part of the genes"
LOG2_LINEAR = "log2 of TPM or FPKM"
LOG2_COUNTS = "log2 of counts"
ZSCORE = "per-gene centred values (z-scores)"


@dataclass(frozen=True)
class Scale:
    """The decided scale, the log offset when logged, and the evidence in words."""

    kind: str
    offset: float = 0.0  # what was added before log2 (1, 0.001, ...)
    evidence: str = ""


class ScaleError(ValueError):
    """The scale cannot be told or cannot give TPM; the message says what was seen and what to upload."""


def decide_scale(values: pd.DataFrame) -> Scale:
    """Return the scale of genes x samples values; raise ScaleError when samples disagree or it cannot be told."""
    finite = values.where(np.isfinite(values))
    per_sample = pd.DataFrame({"max": finite.max(), "min": finite.min()})
    logged = per_sample["max"] <= LOG_MAX
    linear = per_sample["max"] >= LINEAR_MIN_MAX
    if logged.any() and linear.any():
        raise ScaleError(
            f"the samples are on different scales: {_names(per_sample.index[logged])} look log2 (largest value "
            f"at most {LOG_MAX:g}) and {_names(per_sample.index[linear])} linear (largest value {LINEAR_MIN_MAX:g} or "
            "more). Export every sample on one scale, then upload again."
        )
    if not (logged.all() or linear.all()):
        raise ScaleError(
            f"the scale cannot be told: samples {_names(per_sample.index[~logged & ~linear])} have a largest value "
            f"between {LOG_MAX:g} and {LINEAR_MIN_MAX:g}, neither log2 nor linear expression. Upload TPM, raw counts "
            "or log2 of either."
        )
    lowest = float(per_sample["min"].min())
    if linear.all():
        if lowest < 0:
            raise ScaleError(
                f"negative values ({lowest:g} the lowest) in linear expression, where none can be: samples "
                f"{_names(per_sample.index[per_sample['min'] < 0])}. Check the export; upload TPM or raw counts."
            )
        return _linear_kind(finite)
    return _log_kind(finite, lowest)


def _linear_kind(values: pd.DataFrame) -> Scale:
    whole = bool(np.allclose(values.fillna(0).to_numpy()[:2000], np.round(values.fillna(0).to_numpy()[:2000])))
    totals = values.sum()
    if whole and float(totals.median()) > 2 * MILLION:
        return Scale(COUNTS, evidence=f"whole numbers, a median of {totals.median():,.0f} per sample")
    near_million = ((totals - MILLION).abs() / MILLION < 0.05).mean()
    if near_million > 0.9:
        return Scale(TPM, evidence="each sample sums to about a million")
    return Scale(FPKM, evidence=f"not whole numbers; samples sum to {totals.min():,.0f} to {totals.max():,.0f}")


def _log_kind(values: pd.DataFrame, lowest: float) -> Scale:
    centred = values.mean(axis=1).abs().median() < 0.25 and (values < 0).mean().mean() > 0.3
    if centred:
        return Scale(ZSCORE, evidence="each gene averages about 0 across samples, with many negative values")
    if lowest < 0:
        # log2(x + offset) floors at log2(offset): ClinSets writes log2(TPM + 0.001), whose floor is -9.97
        offset = float(2.0**lowest)
        return Scale(
            LOG2_LINEAR,
            offset=offset,
            evidence=f"largest value at most {LOG_MAX:g}, floor {lowest:.2f} = log2({offset:g})",
        )
    unlogged = 2.0**values - 1
    whole = bool(
        np.allclose(unlogged.fillna(0).to_numpy()[:2000], np.round(unlogged.fillna(0).to_numpy()[:2000]), atol=1e-3)
    )
    if whole and float(unlogged.sum().median()) > 2 * MILLION:
        return Scale(LOG2_COUNTS, offset=1.0, evidence="log2(x + 1) of whole numbers")
    return Scale(LOG2_LINEAR, offset=1.0, evidence=f"largest value at most {LOG_MAX:g}, no value below 0: log2(x + 1)")


def to_tpm(values: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """Return values as TPM, each sample summing to a million over all its genes (a whole transcriptome).

    FPKM and RPKM become TPM exactly by that rescaling. Counts become counts per million: without gene lengths
    each gene is off by its own constant factor, the same in every sample (said in the intake's findings).
    A targeted panel (fewer than MIN_TRANSCRIPTOME_GENES genes) is only unlogged, not rescaled.
    """
    if scale.kind == ZSCORE:
        raise ScaleError(
            "per-gene centred values (z-scores) cannot be turned back into expression: each gene's level is gone, "
            "and the signatures and cell fractions need it. Upload TPM, raw counts or log2 of either."
        )
    linear = values if scale.kind in (COUNTS, TPM, FPKM) else (2.0**values - scale.offset).clip(lower=0)
    if values.shape[0] < MIN_TRANSCRIPTOME_GENES:
        return linear
    totals = linear.sum()
    return linear.div(totals.where(totals > 0), axis=1) * MILLION


def _names(index: pd.Index, most: int = 5) -> str:
    shown = ", ".join(str(x) for x in index[:most])
    return shown + (f" and {len(index) - most} more" if len(index) > most else "")
