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


BLOCK = 512  # samples per block: the statistics below never copy more than this many samples at once
CHECKED_GENES = 500  # genes checked for whole numbers (counts) in every sample


def _per_sample(values: pd.DataFrame, statistic) -> np.ndarray:
    """Return statistic(block) for blocks of samples (genes x samples numpy), joined along the samples."""
    array = values.to_numpy(dtype="float64", copy=False)
    return np.concatenate([statistic(array[:, i : i + BLOCK]) for i in range(0, array.shape[1], BLOCK)])


def _finite_max(block: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(block), block, -np.inf).max(axis=0)


def _finite_min(block: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(block), block, np.inf).min(axis=0)


def _finite_sum(block: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(block), block, 0.0).sum(axis=0)


def decide_scale(values: pd.DataFrame) -> Scale:
    """Return the scale of genes x samples values; raise ScaleError when samples disagree or it cannot be told."""
    per_sample = pd.DataFrame(
        {"max": _per_sample(values, _finite_max), "min": _per_sample(values, _finite_min)}, index=values.columns
    )
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
        return _linear_kind(values)
    return _log_kind(values, lowest)


def _whole(sample: np.ndarray) -> bool:
    sample = sample[np.isfinite(sample)]
    return bool(np.allclose(sample, np.round(sample), atol=1e-3))


def _linear_kind(values: pd.DataFrame) -> Scale:
    whole = _whole(values.to_numpy(dtype="float64", copy=False)[:CHECKED_GENES])
    totals = pd.Series(_per_sample(values, _finite_sum))
    if whole and float(totals.median()) > 2 * MILLION:
        return Scale(COUNTS, evidence=f"whole numbers, a median of {totals.median():,.0f} per sample")
    near_million = ((totals - MILLION).abs() / MILLION < 0.05).mean()
    if near_million > 0.9:
        return Scale(TPM, evidence="each sample sums to about a million")
    return Scale(FPKM, evidence=f"not whole numbers; samples sum to {totals.min():,.0f} to {totals.max():,.0f}")


def _log_kind(values: pd.DataFrame, lowest: float) -> Scale:
    gene_means = values.mean(axis=1)
    negative = float(_per_sample(values, lambda b: (b < 0).mean(axis=0)).mean())
    if gene_means.abs().median() < 0.25 and negative > 0.3:
        return Scale(ZSCORE, evidence="each gene averages about 0 across samples, with many negative values")
    if lowest < 0:
        # log2(x + offset) floors at log2(offset): ClinSets writes log2(TPM + 0.001), whose floor is -9.97
        offset = float(2.0**lowest)
        return Scale(
            LOG2_LINEAR,
            offset=offset,
            evidence=f"largest value at most {LOG_MAX:g}, floor {lowest:.2f} = log2({offset:g})",
        )
    sample = 2.0 ** values.to_numpy(dtype="float64", copy=False)[:CHECKED_GENES] - 1
    totals = _per_sample(values, lambda b: _finite_sum(2.0**b - 1))
    if _whole(sample) and float(np.median(totals)) > 2 * MILLION:
        return Scale(LOG2_COUNTS, offset=1.0, evidence="log2(x + 1) of whole numbers")
    return Scale(LOG2_LINEAR, offset=1.0, evidence=f"largest value at most {LOG_MAX:g}, no value below 0: log2(x + 1)")


def to_tpm(values: pd.DataFrame, scale: Scale, lengths: pd.Series | None = None) -> pd.DataFrame:
    """Return values as TPM, each sample summing to a million over all its genes (a whole transcriptome).

    FPKM and RPKM become TPM exactly by that rescaling. Counts with gene lengths (featureCounts' Length) become
    TPM exactly: each count divided by its gene's length, then rescaled. Counts without lengths become counts
    per million: each gene is off by its own constant factor, the same in every sample (said in the findings).
    A targeted panel (fewer than MIN_TRANSCRIPTOME_GENES genes) is only unlogged, not rescaled. One copy of
    the matrix is made, and worked on in place.
    """
    if scale.kind == ZSCORE:
        raise ScaleError(
            "per-gene centred values (z-scores) cannot be turned back into expression: each gene's level is gone, "
            "and the signatures and cell fractions need it. Upload TPM, raw counts or log2 of either."
        )
    array = values.to_numpy(dtype="float64", copy=True)
    if scale.kind == COUNTS and lengths is not None:
        per_base = lengths.to_numpy(dtype="float64")
        array /= np.where(per_base > 0, per_base, np.nan)[:, None]
        return _rescale(array, values, force=True)
    if scale.kind not in (COUNTS, TPM, FPKM):
        np.exp2(array, out=array)
        array -= scale.offset
        np.clip(array, 0, None, out=array)
    return _rescale(array, values, force=False)


def _rescale(array: np.ndarray, values: pd.DataFrame, force: bool) -> pd.DataFrame:
    """Return array with each sample summing to a million, when it is a whole transcriptome (or force)."""
    if force or values.shape[0] >= MIN_TRANSCRIPTOME_GENES:
        for i in range(0, array.shape[1], BLOCK):
            block = array[:, i : i + BLOCK]
            totals = _finite_sum(block)
            block *= np.divide(MILLION, totals, out=np.full_like(totals, np.nan), where=totals > 0)
    return pd.DataFrame(array, index=values.index, columns=values.columns)


def _names(index: pd.Index, most: int = 5) -> str:
    shown = ", ".join(str(x) for x in index[:most])
    return shown + (f" and {len(index) - most} more" if len(index) > most else "")
