"""Immune cell fractions from bulk RNA-seq by the quanTIseq method and its TIL10 signature.

Finotello F. et al., Genome Medicine 11, 34 (2019). For each sample, the TPM of the signature genes is
explained as a mixture of the ten TIL10 cell types by least squares with every fraction >= 0 and their
sum <= 1 (what is left is "Other": tumour and stromal cells). The fractions are then corrected for each
cell type's mRNA content, and regulatory T cells below 2% are averaged with a fit that has no CD4 T cells,
as quanTIseq does. The signature and its companions are bundled (`bundled/til10/`, BSD 3-Clause).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from icilens import BUNDLED

TIL10 = BUNDLED / "til10"
OTHER = "Other"
MIN_TREGS = 0.02  # below this, quanTIseq averages Tregs with a fit that lacks CD4 T cells
LOG2_BELOW = 50  # a matrix whose largest value is below this is log2 and is un-logged, as quanTIseq does
SUM_WEIGHT = 1e6  # weight of the row that holds the fractions' sum at 1 when the bound is reached


@lru_cache(maxsize=2)
def til10_signature(tumour: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the TIL10 signature (genes x cell types, TPM) without the genes quanTIseq leaves out, and mRNA scaling.

    tumour leaves out, in addition, the genes tumour cells express highly (quanTIseq's --tumor).
    """
    signature = pd.read_csv(TIL10 / "TIL10_signature.txt", sep="\t", index_col=0)
    left_out = set(pd.read_csv(TIL10 / "TIL10_rmgenes.txt", header=None)[0])
    if tumour:
        left_out |= set(pd.read_csv(TIL10 / "TIL10_TCGA_aberrant_immune_genes.txt", header=None)[0])
    scaling = pd.read_csv(TIL10 / "TIL10_mRNA_scaling.txt", sep="\t", header=None, index_col=0)[1]
    signature = signature[~signature.index.isin(left_out)]
    return signature, scaling.reindex(signature.columns).to_numpy(dtype="float64")


def estimate_cell_fractions(expression: pd.DataFrame, tumour: bool = False) -> pd.DataFrame:
    """Return samples x (ten immune cell types, Other): quanTIseq's cell fractions, each row summing to 1.

    expression holds genes (HGNC symbols) as rows and samples as columns, in TPM or log2 TPM; a repeated
    gene is read as its median, and each sample is scaled back to a million over its genes, as quanTIseq does.
    """
    if expression.empty:
        raise ValueError("estimate_cell_fractions needs genes as rows and samples as columns; the matrix is empty")
    values = expression.astype("float64")
    if float(np.nanmax(values.to_numpy())) < LOG2_BELOW:
        values = 2.0**values
    values = values.groupby(level=0).median()
    values = values * 1e6 / values.sum()
    signature, scaling = til10_signature(tumour)
    fractions = _deconvolve(values, signature, scaling)
    without_cd4 = signature.drop(columns="T.cells.CD4")
    kept = [c != "T.cells.CD4" for c in signature.columns]
    low = fractions["Tregs"] < MIN_TREGS
    if low.any():
        second = _deconvolve(values.loc[:, low.to_numpy()], without_cd4, scaling[kept])
        # quanTIseq_decon.R's order: Tregs become the mean of both fits first, and CD4 then loses the mean of
        # the second fit's Tregs and the Tregs just updated
        fractions.loc[low, "Tregs"] = (second["Tregs"] + fractions.loc[low, "Tregs"]) / 2
        taken = (second["Tregs"] + fractions.loc[low, "Tregs"]) / 2
        fractions.loc[low, "T.cells.CD4"] = np.maximum(0.0, fractions.loc[low, "T.cells.CD4"] - taken)
    return fractions.div(fractions.sum(axis=1), axis=0)


def _deconvolve(values: pd.DataFrame, signature: pd.DataFrame, scaling: np.ndarray) -> pd.DataFrame:
    """Return samples x (cell types, Other) before the final normalisation, as quanTIseq's DClsei gives them."""
    genes = signature.index.intersection(values.index)
    a = signature.loc[genes].to_numpy(dtype="float64")
    scale = np.linalg.norm(a, 2)
    rows = []
    for sample in values.columns:
        b = values.loc[genes, sample].to_numpy(dtype="float64")
        measured = np.isfinite(b)  # a gene not measured in this sample leaves the fit, as quanTIseq drops it
        estimate = bounded_least_squares(a[measured] / scale, b[measured] / scale)
        total = estimate.sum()
        corrected = estimate / scaling
        corrected = corrected / corrected.sum() * total if corrected.sum() > 0 else corrected
        rows.append([*corrected, max(0.0, 1.0 - corrected.sum())])
    return pd.DataFrame(rows, index=values.columns, columns=[*signature.columns, OTHER])


def bounded_least_squares(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return x minimising |a x - b| with x >= 0 and sum(x) <= 1 (limSolve's lsei with quanTIseq's constraints).

    Non-negative least squares first; when its sum exceeds 1 the bound is active, and the sum is held at 1 by a
    heavily weighted extra equation.
    """
    from scipy.optimize import nnls  # SciPy's optimisers take a second to import; only deconvolution needs them

    x, _ = nnls(a, b, maxiter=50 * a.shape[1])
    if x.sum() <= 1.0:
        return x
    weight = SUM_WEIGHT * max(1.0, float(np.abs(a).max()))
    held, _ = nnls(np.vstack([a, np.full(a.shape[1], weight)]), np.append(b, weight), maxiter=50 * a.shape[1])
    return held
