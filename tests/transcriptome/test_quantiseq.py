"""quanTIseq's cell fractions reproduced on the public example that comes with its repository."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from icilens.transcriptome import bounded_least_squares, estimate_cell_fractions, til10_signature
from tests.conftest import ROOT

EXAMPLE = ROOT / "tests" / "data" / "quantiseq"
# The example's TPM table names four signature genes by symbols HGNC has since replaced; quanTIseq maps
# previous symbols through its HGNC table before deconvolution, so the test does the same for these four.
PREVIOUS_SYMBOLS = {"ADRBK2": "GRK3", "SQRDL": "SQOR", "FAM179A": "TOGARAM2", "BZRAP1": "TSPOAP1"}


@pytest.mark.parametrize("example", ["quanTIseq", "ss"])
def test_the_published_example_is_reproduced_fraction_by_fraction(example):
    tpm = pd.read_csv(EXAMPLE / f"{example}_gene_tpm.txt", sep="\t", index_col=0).rename(index=PREVIOUS_SYMBOLS)
    published = pd.read_csv(EXAMPLE / f"{example}_cell_fractions.txt", sep="\t", index_col=0)
    ours = estimate_cell_fractions(tpm)
    assert list(ours.columns) == list(published.columns)
    # quanTIseq also drops genes its 2017 HGNC table does not know, which moves each sample's TPM total a little
    np.testing.assert_allclose(ours.to_numpy(), published.to_numpy(), atol=3e-4)
    np.testing.assert_allclose(ours.sum(axis=1), 1.0)


def test_log2_input_gives_the_same_fractions():
    tpm = pd.read_csv(EXAMPLE / "quanTIseq_gene_tpm.txt", sep="\t", index_col=0).rename(index=PREVIOUS_SYMBOLS)
    with np.errstate(divide="ignore"):  # log2(0) is -inf, and 2**-inf is 0 again
        logged = np.log2(tpm)
    assert logged.to_numpy().max() < 50  # what tells quanTIseq, and us, that the values are log2
    pd.testing.assert_frame_equal(estimate_cell_fractions(logged), estimate_cell_fractions(tpm), atol=1e-9)


def test_the_bounded_fit_matches_a_general_solver_when_the_sum_bound_is_reached():
    rng = np.random.default_rng(3)
    a = rng.uniform(0, 1, size=(40, 5))
    b = a @ np.array([0.5, 0.4, 0.3, 0.0, 0.2]) + rng.normal(0, 0.01, 40)  # true fractions sum to 1.4
    ours = bounded_least_squares(a, b)
    general = minimize(
        lambda x: ((a @ x - b) ** 2).sum(),
        np.full(5, 0.2),
        bounds=[(0, None)] * 5,
        constraints=({"type": "ineq", "fun": lambda x: 1 - x.sum()},),
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 500},
    ).x
    assert ours.sum() == pytest.approx(1.0, abs=1e-6) and (ours >= 0).all()
    np.testing.assert_allclose(ours, general, atol=1e-4)


def test_the_tumour_option_leaves_out_the_genes_tumour_cells_express():
    plain, _ = til10_signature()
    tumour, scaling = til10_signature(tumour=True)
    assert len(plain) == 153 and len(tumour) < len(plain) and set(tumour.index) < set(plain.index)
    assert scaling.shape == (10,) and (scaling > 0).all()


def test_an_empty_matrix_is_refused_with_what_is_expected():
    with pytest.raises(ValueError, match="genes as rows and samples as columns"):
        estimate_cell_fractions(pd.DataFrame())


def test_low_tregs_are_corrected_in_quantiseqs_order_where_cd4_stays_above_zero():
    from icilens.transcriptome.quantiseq import _deconvolve

    signature, scaling = til10_signature()
    # a mixture rich in CD4 T cells with few Tregs, so the Treg correction applies and CD4 stays above zero
    weights = pd.Series(0.02, index=signature.columns)
    weights[["T.cells.CD4", "Tregs"]] = [0.4, 0.005]
    tpm = signature @ weights
    tpm["OTHER_GENES"] = 1e6 - tpm.sum()  # the rest of a whole transcriptome
    tpm = tpm.to_frame("s1")
    first = _deconvolve(tpm, signature, scaling)
    kept = [c != "T.cells.CD4" for c in signature.columns]
    second = _deconvolve(tpm, signature.drop(columns="T.cells.CD4"), scaling[kept])
    assert first.loc["s1", "Tregs"] < 0.02
    tregs = (second.loc["s1", "Tregs"] + first.loc["s1", "Tregs"]) / 2
    cd4 = max(0.0, first.loc["s1", "T.cells.CD4"] - (second.loc["s1", "Tregs"] + tregs) / 2)
    assert cd4 > 0
    expected = first.copy()
    expected.loc["s1", ["Tregs", "T.cells.CD4"]] = [tregs, cd4]
    expected = expected.div(expected.sum(axis=1), axis=0)
    pd.testing.assert_frame_equal(estimate_cell_fractions(tpm), expected, atol=1e-12)
