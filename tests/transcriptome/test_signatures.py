"""Each published signature scored on a worked example whose answer follows from the published rule by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from icilens.transcriptome import MIN_COHORT_SAMPLES, load_signatures, measure_signature_coverage, score_signatures

SIGNATURES = load_signatures()


def matrix(values: dict[str, float], samples: int = 1) -> pd.DataFrame:
    return pd.DataFrame({f"s{i}": values for i in range(samples)}, dtype="float64")


def test_the_bundled_definitions_are_the_published_ones():
    assert set(SIGNATURES) == {"cyt", "ifng6", "immune18", "gep", "chemokine12", "tls"}
    assert set(SIGNATURES["cyt"].weights) == {"GZMA", "PRF1"}
    assert set(SIGNATURES["ifng6"].weights) == {"IFNG", "STAT1", "CXCL9", "CXCL10", "IDO1", "HLA-DRA"}
    assert len(SIGNATURES["immune18"].weights) == 18 and len(SIGNATURES["gep"].weights) == 18
    assert len(SIGNATURES["gep"].housekeeping) == 11 and len(SIGNATURES["chemokine12"].weights) == 12
    assert SIGNATURES["gep"].weights["STAT1"] == 0.250229 and SIGNATURES["gep"].weights["CD276"] == -0.0239
    assert len(SIGNATURES["tls"].weights) == 9
    assert all(s.citation and "PMID" in s.citation for s in SIGNATURES.values())


def test_cytolytic_activity_is_the_geometric_mean_of_gzma_and_prf1_plus_a_hundredth():
    scores = score_signatures(matrix({"GZMA": 99.99, "PRF1": 0.99}))
    assert scores.loc["s0", "cyt"] == pytest.approx(math.sqrt(100 * 1))


def test_ifn_gamma_and_expanded_immune_are_means_of_log2_tpm_plus_one():
    genes = {g: 3.0 for g in SIGNATURES["ifng6"].weights} | {"IFNG": 15.0}
    assert score_signatures(matrix(genes)).loc["s0", "ifng6"] == pytest.approx((5 * 2 + 4) / 6)
    immune = {g: 7.0 for g in SIGNATURES["immune18"].weights}
    assert score_signatures(matrix(immune)).loc["s0", "immune18"] == pytest.approx(3.0)


def test_gep_is_the_weighted_sum_of_housekeeping_normalised_log2_expression():
    gep = SIGNATURES["gep"]
    values = {g: 3.0 for g in gep.weights} | {g: 1.0 for g in gep.housekeeping}
    values["STAT1"] = 15.0  # log2 16 = 4, so STAT1 is 3 above the housekeeping mean of 1
    expected = sum(gep.weights.values()) * (2 - 1) + gep.weights["STAT1"] * (4 - 2)
    assert score_signatures(matrix(values)).loc["s0", "gep"] == pytest.approx(expected)


def test_tls_is_the_exponential_of_mean_log2_tpm_plus_one_as_easier_computes_it():
    values = {g: 3.0 for g in SIGNATURES["tls"].weights}
    assert score_signatures(matrix(values)).loc["s0", "tls"] == pytest.approx(math.exp(2.0))


def test_the_chemokine_score_follows_the_shared_axis_of_the_twelve_genes_in_a_cohort():
    rng = np.random.default_rng(0)
    level = np.linspace(-2, 2, 30)
    genes = SIGNATURES["chemokine12"].weights
    log2 = {g: 4 + (1 + i / 10) * level + rng.normal(0, 0.05, level.size) for i, g in enumerate(genes)}
    tpm = pd.DataFrame({g: 2.0**v - 1 for g, v in log2.items()}).T
    score = score_signatures(tpm)["chemokine12"]
    assert np.corrcoef(score, level)[0, 1] > 0.99  # oriented: higher expression, higher score


def test_the_chemokine_score_needs_a_cohort_and_says_so_by_staying_missing():
    values = {g: 5.0 for g in SIGNATURES["chemokine12"].weights}
    few = matrix(values, samples=MIN_COHORT_SAMPLES - 1)
    assert score_signatures(few)["chemokine12"].isna().all()
    assert not SIGNATURES["chemokine12"].single_sample and SIGNATURES["gep"].single_sample


def test_a_signature_missing_too_many_genes_is_left_missing_never_computed_on_the_rest():
    values = {g: 3.0 for g in SIGNATURES["ifng6"].weights}
    one_gone = matrix({k: v for k, v in values.items() if k != "IFNG"})
    two_gone = matrix({k: v for k, v in values.items() if k not in ("IFNG", "IDO1")})
    assert score_signatures(one_gone).loc["s0", "ifng6"] == pytest.approx(2.0)  # 5 of 6 = 83% >= 80%
    assert np.isnan(score_signatures(two_gone).loc["s0", "ifng6"])  # 4 of 6 = 67%
    assert measure_signature_coverage(two_gone).loc["s0", "ifng6"] == pytest.approx(4 / 6)
    no_prf1 = matrix({"GZMA": 10.0})
    assert np.isnan(score_signatures(no_prf1).loc["s0", "cyt"])


def test_coverage_is_per_sample_a_gene_missing_in_one_sample_only_costs_that_sample():
    tpm = matrix({"GZMA": 10.0, "PRF1": 10.0}, samples=2)
    tpm.loc["PRF1", "s1"] = np.nan
    scores = score_signatures(tpm)
    assert scores.loc["s0", "cyt"] == pytest.approx(10.01) and np.isnan(scores.loc["s1", "cyt"])


def test_repeated_genes_are_refused_with_the_gene_named():
    tpm = pd.DataFrame({"s0": [1.0, 2.0]}, index=["GZMA", "GZMA"])
    with pytest.raises(ValueError, match="GZMA"):
        score_signatures(tpm)
