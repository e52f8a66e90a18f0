"""Published immune gene signatures scored on bulk RNA-seq, each by the rule its authors gave.

The genes, weights, citations and rules are data (`bundled/signatures/signatures.json`, from the easier
manuscript code, MIT). A signature is scored for a sample only when enough of its genes were measured in
that sample (MIN_COVERAGE); otherwise it is left missing and the coverage says why. Every rule except the
chemokine signature is defined for one sample alone; the chemokine signature is the first principal
component within a cohort and needs MIN_COHORT_SAMPLES samples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from icilens import BUNDLED

SIGNATURES = BUNDLED / "signatures" / "signatures.json"
MIN_COVERAGE = 0.8  # share of a signature's genes a sample must have; below it the score is left missing
# A principal component of 12 genes on fewer samples than this follows noise in a few samples, and its
# sign (oriented to the mean z-score) flips between near-identical cohorts.
MIN_COHORT_SAMPLES = 10
SINGLE_SAMPLE_RULES = frozenset(
    {"geometric_mean_tpm", "mean_log2_tpm", "weighted_log2_tpm_minus_housekeeping", "geometric_mean_log2_tpm"}
)


@dataclass(frozen=True)
class Signature:
    """One published signature: its genes with weights, optional housekeeping genes and scoring rule."""

    name: str
    label: str
    short: str
    citation: str
    rule: str
    weights: dict[str, float]
    housekeeping: tuple[str, ...] = ()
    offset: float = 1.0

    @property
    def genes(self) -> tuple[str, ...]:
        """Return every gene the score reads, housekeeping genes included."""
        return tuple(self.weights) + self.housekeeping

    @property
    def single_sample(self) -> bool:
        """Return whether the score of one sample depends on that sample alone."""
        return self.rule in SINGLE_SAMPLE_RULES


@lru_cache(maxsize=1)
def load_signatures() -> dict[str, Signature]:
    """Return the bundled signatures by name, in the order they are published in the data file."""
    data = json.loads(SIGNATURES.read_text(encoding="utf-8"))
    return {
        item["name"]: Signature(
            name=item["name"],
            label=item["label"],
            short=item["short"],
            citation=item["citation"],
            rule=item["rule"],
            weights={gene: float(w) for gene, w in item["genes"].items()},
            housekeeping=tuple(item.get("housekeeping", ())),
            offset=float(item.get("offset", 1.0)),
        )
        for item in data["signatures"]
    }


def measure_signature_coverage(tpm: pd.DataFrame) -> pd.DataFrame:
    """Return samples x signatures: the share of each signature's genes measured (finite) in each sample."""
    _check_matrix(tpm, "measure_signature_coverage")
    finite = np.isfinite(tpm.astype("float64"))
    columns = {}
    for name, signature in load_signatures().items():
        present = finite.reindex(list(signature.genes), fill_value=False)
        columns[name] = present.mean(axis=0)
    return pd.DataFrame(columns, index=tpm.columns)


def score_signatures(tpm: pd.DataFrame) -> pd.DataFrame:
    """Return samples x signatures: each signature's score, missing where coverage is below MIN_COVERAGE.

    tpm holds genes (HGNC symbols, unique) as rows and samples as columns, in linear TPM. The chemokine
    signature is missing for every sample when there are fewer than MIN_COHORT_SAMPLES samples.
    """
    _check_matrix(tpm, "score_signatures")
    values = tpm.astype("float64")
    coverage = measure_signature_coverage(values)
    scores = {}
    for name, signature in load_signatures().items():
        score = _score(signature, values)
        scores[name] = score.where(coverage[name] >= MIN_COVERAGE)
    return pd.DataFrame(scores, index=tpm.columns)


def score_relative_signatures(z: pd.DataFrame) -> pd.DataFrame:
    """Return samples x signatures from per-gene z-scores: the mean z-score of each signature's genes (the GEP's
    weights applied, its housekeeping step skipped, since z-scores already centre each gene), missing where
    coverage is below MIN_COVERAGE. Relative to the samples the z-scores were computed over, by nature."""
    _check_matrix(z, "score_relative_signatures")
    values = z.astype("float64")
    coverage = measure_signature_coverage(values)
    scores = {}
    for name, signature in load_signatures().items():
        genes = values.reindex(list(signature.weights))
        if signature.rule == "first_principal_component":
            score = _first_component(genes)
        elif signature.rule == "weighted_log2_tpm_minus_housekeeping":
            score = genes.mul(pd.Series(signature.weights), axis=0).sum(axis=0, min_count=1)
        else:
            score = genes.mean(axis=0, skipna=True)
        scores[name] = score.where(coverage[name] >= MIN_COVERAGE)
    return pd.DataFrame(scores, index=z.columns)


def _check_matrix(tpm: pd.DataFrame, caller: str) -> None:
    if not isinstance(tpm, pd.DataFrame) or tpm.empty:
        raise ValueError(f"{caller} needs a DataFrame with genes as rows and samples as columns; got an empty one")
    if not tpm.index.is_unique:
        repeated = tpm.index[tpm.index.duplicated()].unique()[:3].tolist()
        raise ValueError(f"{caller} needs one row per gene; repeated: {repeated}. Resolve repeats at intake.")


def _log2(values: pd.DataFrame, offset: float = 1.0) -> pd.DataFrame:
    return np.log2(values + offset)


def _score(signature: Signature, tpm: pd.DataFrame) -> pd.Series:
    genes = tpm.reindex(list(signature.weights))
    if signature.rule == "geometric_mean_tpm":
        return np.exp(np.log(genes + signature.offset).mean(axis=0, skipna=True))
    if signature.rule == "mean_log2_tpm":
        return _log2(genes).mean(axis=0, skipna=True)
    if signature.rule == "geometric_mean_log2_tpm":
        # easier's TLS score: exp of the mean log2(TPM + 1); monotone in the mean log2 expression
        return np.exp(_log2(genes).mean(axis=0, skipna=True))
    if signature.rule == "weighted_log2_tpm_minus_housekeeping":
        housekeeping = _log2(tpm.reindex(list(signature.housekeeping))).mean(axis=0, skipna=True)
        normalised = _log2(genes) - housekeeping
        weights = pd.Series(signature.weights)
        return normalised.mul(weights, axis=0).sum(axis=0, min_count=1)
    if signature.rule == "first_principal_component":
        return _first_component(_log2(genes))
    raise ValueError(f"signature {signature.name} has an unknown rule {signature.rule!r}; see signatures.json")


def _first_component(log_genes: pd.DataFrame) -> pd.Series:
    """Return each sample's score on the first principal component of the z-scored genes, oriented so that
    higher means higher expression (the sign of a component is arbitrary)."""
    missing = pd.Series(np.nan, index=log_genes.columns)
    genes = log_genes.dropna(axis=0, how="any")
    if genes.shape[1] < MIN_COHORT_SAMPLES or genes.shape[0] < 2:
        return missing
    spread = genes.std(axis=1, ddof=1)
    genes = genes[spread > 0]
    if genes.shape[0] < 2:
        return missing
    z = genes.sub(genes.mean(axis=1), axis=0).div(genes.std(axis=1, ddof=1), axis=0).T.to_numpy()
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    loading = vt[0]
    if loading.sum() < 0:
        loading = -loading
    return pd.Series(z @ loading, index=log_genes.columns)
