"""Response to checkpoint blockade from transcriptome descriptors: the candidate models compared across cohorts.

Every candidate reads descriptors as percentiles within the patient's cohort (`reference.rank_within_cohort`),
columns prefixed `rank_`. The untrained ones need no fit; the trained ones are fitted on the training cohorts
only, so leave-one-cohort-out validation (benchmarks/transcriptome_loco.py) never lets the held-out cohort in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from icilens.analysis.metrics import roc_auc
from icilens.transcriptome.catalogue import select_descriptors

SIGNATURES = select_descriptors(in_model=True)
CANDIDATE_DESCRIPTORS = select_descriptors(in_candidates=True)
MIN_VALIDATION_PATIENTS = 10
Candidate = Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]


def validation_cohorts(reference: pd.DataFrame) -> pd.DataFrame:
    """Return the reference patients of cohorts fit to validate on: RECIST labels of both kinds, at least
    MIN_VALIDATION_PATIENTS patients, and the signatures measured (not a targeted panel lacking their genes)."""
    labelled = reference[reference["response"].notna()]
    keep = []
    for cohort, patients in labelled.groupby("cohort", sort=False):
        measured = patients["signature_gep"].notna().mean() >= 0.5
        if len(patients) >= MIN_VALIDATION_PATIENTS and patients["response"].nunique() == 2 and measured:
            keep.append(cohort)
    return labelled[labelled["cohort"].isin(keep)].reset_index(drop=True)


def _ranks(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return table[[f"rank_{c}" for c in columns]]


def mean_signature_rank(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Return, untrained, each patient's mean within-cohort percentile of the five single-sample signatures."""
    return _ranks(test, SIGNATURES).mean(axis=1, skipna=True).to_numpy()


def logistic_on_ranks(columns: list[str], strength: float = 1.0) -> Candidate:
    """Return a candidate: L2 logistic regression on the within-cohort percentiles of columns (missing = 0.5)."""

    def fit(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
        from sklearn.linear_model import LogisticRegression  # seconds to import; only validation fits candidates

        model = LogisticRegression(C=strength, max_iter=1000)
        model.fit(_ranks(train, columns).fillna(0.5), train["response"].astype(int))
        return model.predict_proba(_ranks(test, columns).fillna(0.5))[:, 1]

    return fit


def lightgbm_on_ranks(columns: list[str], params: dict[str, Any] | None = None) -> Candidate:
    """Return a candidate: a small LightGBM on within-cohort percentiles, signatures held monotone increasing."""
    settings: dict[str, Any] = {"num_leaves": 4, "min_child_samples": 20, "learning_rate": 0.05, "n_estimators": 150}
    settings |= params or {}

    def fit(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
        import lightgbm as lgb  # a second to import; only validation fits candidates

        monotone = [1 if c.startswith("signature_") or c == "tmb_per_mb" else 0 for c in columns]
        model = lgb.LGBMClassifier(
            **settings,
            monotone_constraints=monotone,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.8,
            random_state=0,
            verbose=-1,
        )
        model.fit(_ranks(train, columns), train["response"].astype(int))
        return np.asarray(model.predict_proba(_ranks(test, columns)))[:, 1]

    return fit


LIGHTGBM_SETTINGS = [
    {"num_leaves": leaves, "min_child_samples": child, "n_estimators": trees}
    for leaves in (2, 4)
    for child in (20, 40)
    for trees in (50, 150)
]


def tuned_lightgbm_on_ranks(columns: list[str]) -> Candidate:
    """Return a candidate: LightGBM whose settings are chosen by leave-one-cohort-out within the training cohorts."""

    def fit(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
        best = max(LIGHTGBM_SETTINGS, key=lambda params: _inner_auc(train, lightgbm_on_ranks(columns, params)))
        return lightgbm_on_ranks(columns, best)(train, test)

    return fit


def _inner_auc(train: pd.DataFrame, candidate: Candidate) -> float:
    aucs = []
    for cohort in train["cohort"].unique():
        held = (train["cohort"] == cohort).to_numpy()
        y = train.loc[held, "response"].to_numpy()
        if len(np.unique(y)) == 2:
            aucs.append(roc_auc(y, candidate(train.loc[~held], train.loc[held])))
    return float(np.mean(aucs))


def candidate_models() -> dict[str, Candidate]:
    """Return the candidates the leave-one-cohort-out benchmark compares, by label."""
    return {
        "mean signature rank": mean_signature_rank,
        "logistic, 5 signatures": logistic_on_ranks(SIGNATURES),
        "logistic, 11 descriptors": logistic_on_ranks(CANDIDATE_DESCRIPTORS),
        "logistic, 11 descriptors + TMB": logistic_on_ranks([*CANDIDATE_DESCRIPTORS, "tmb_per_mb"]),
        "LightGBM, 11 descriptors": lightgbm_on_ranks(CANDIDATE_DESCRIPTORS),
        "LightGBM, 5 signatures": lightgbm_on_ranks(SIGNATURES),
        "LightGBM, 11 descriptors + TMB": lightgbm_on_ranks([*CANDIDATE_DESCRIPTORS, "tmb_per_mb"]),
        "LightGBM, 11 descriptors, settings by inner LOCO": tuned_lightgbm_on_ranks(CANDIDATE_DESCRIPTORS),
    }
