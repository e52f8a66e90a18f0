"""All transcriptome descriptors of a set of samples, each with its coverage and, when missing, the reason."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from icilens.transcriptome.catalogue import CELL_LABELS, FRACTION_PREFIX, SIGNATURE_PREFIX
from icilens.transcriptome.quantiseq import OTHER, estimate_cell_fractions, til10_signature
from icilens.transcriptome.scale import MIN_TRANSCRIPTOME_GENES  # quanTIseq's totals need a whole transcriptome
from icilens.transcriptome.signatures import (
    MIN_COHORT_SAMPLES,
    MIN_COVERAGE,
    load_signatures,
    measure_signature_coverage,
    score_relative_signatures,
    score_signatures,
)


@dataclass(frozen=True)
class Descriptors:
    """Samples x descriptors, the coverage behind each value, and why a value is missing."""

    values: pd.DataFrame
    coverage: pd.DataFrame
    reasons: pd.DataFrame  # "" where the value exists


def describe_descriptor(name: str) -> str:
    """Return a descriptor's label in words: "CD8 T-cell fraction", "GEP", ..."""
    if name.startswith(FRACTION_PREFIX):
        cell = name.removeprefix(FRACTION_PREFIX)
        return f"{CELL_LABELS.get(cell, cell)} fraction"
    signature = load_signatures().get(name.removeprefix(SIGNATURE_PREFIX))
    return signature.short if signature else name


def compute_descriptors(
    tpm: pd.DataFrame, genes_measured: pd.Series | None = None, relative: bool = False
) -> Descriptors:
    """Return every descriptor of the samples in tpm (genes x samples, HGNC symbols, linear TPM).

    A signature is missing for a sample whose coverage is below MIN_COVERAGE; the chemokine signature for
    fewer than MIN_COHORT_SAMPLES samples; cell fractions when fewer than MIN_TRANSCRIPTOME_GENES genes were
    measured or the TIL10 coverage is below MIN_COVERAGE. genes_measured, per sample, counts the genes of the
    whole file when tpm holds only the descriptor genes and a row with the rest of each sample's total.
    relative: tpm holds per-gene z-scores; signatures are mean z-scores and cell fractions are left out.
    """
    scores = score_relative_signatures(tpm) if relative else score_signatures(tpm)
    signature_values = scores.add_prefix(SIGNATURE_PREFIX)
    signature_coverage = measure_signature_coverage(tpm).add_prefix(SIGNATURE_PREFIX)
    reasons = pd.DataFrame("", index=tpm.columns, columns=signature_values.columns)
    for column in signature_values.columns:
        low = signature_coverage[column] < MIN_COVERAGE
        reasons.loc[low, column] = [
            f"{share:.0%} of its genes measured; {MIN_COVERAGE:.0%} needed"
            for share in signature_coverage.loc[low, column]
        ]
    chemokine = f"{SIGNATURE_PREFIX}chemokine12"
    if tpm.shape[1] < MIN_COHORT_SAMPLES:
        reasons.loc[reasons[chemokine] == "", chemokine] = (
            f"a cohort score: needs {MIN_COHORT_SAMPLES} samples scored together, got {tpm.shape[1]}"
        )
    measured = genes_measured if genes_measured is not None else np.isfinite(tpm.astype("float64")).sum(axis=0)
    fractions, fraction_coverage, fraction_reasons = _fractions(tpm, measured.reindex(tpm.columns), relative)
    return Descriptors(
        values=pd.concat([signature_values, fractions], axis=1),
        coverage=pd.concat([signature_coverage, fraction_coverage], axis=1),
        reasons=pd.concat([reasons, fraction_reasons], axis=1),
    )


def _fractions(
    tpm: pd.DataFrame, measured: pd.Series, relative: bool
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    signature, _ = til10_signature(tumour=True)
    columns = [FRACTION_PREFIX + c for c in [*signature.columns, OTHER]]
    finite = np.isfinite(tpm.astype("float64"))
    til10 = finite.reindex(signature.index, fill_value=False).mean(axis=0)
    coverage = pd.DataFrame({c: til10 for c in columns}, index=tpm.columns)
    reasons = pd.DataFrame("", index=tpm.columns, columns=columns)
    reasons[(measured < MIN_TRANSCRIPTOME_GENES).to_numpy()] = (
        f"needs a whole transcriptome ({MIN_TRANSCRIPTOME_GENES:,} genes or more)"
    )
    if relative:
        reasons[:] = "z-scores carry no expression level, which cell fractions need"
    low = (til10 < MIN_COVERAGE) & (reasons.iloc[:, 0] == "")
    reasons[low.to_numpy()] = f"below {MIN_COVERAGE:.0%} of the TIL10 signature genes measured"
    values = pd.DataFrame(np.nan, index=tpm.columns, columns=columns)
    usable = reasons.iloc[:, 0] == ""
    if usable.any():
        estimated = estimate_cell_fractions(tpm.loc[:, usable.to_numpy()], tumour=True)
        values.loc[usable, columns] = estimated.add_prefix(FRACTION_PREFIX)[columns].to_numpy()
    return values, coverage, reasons
