"""Response to checkpoint blockade from transcriptome descriptors: the candidate models compared across cohorts.

Every candidate reads descriptors as percentiles among the reference patients of the other cohorts
(`loco.with_ranks`), columns prefixed `rank_`. The untrained ones need no fit; the trained ones are fitted on the
training cohorts only, so leave-one-cohort-out validation (benchmarks/transcriptome_loco.py) never lets the
held-out cohort's outcomes in. `declared_candidates` are the five the README declared before they were run;
`transcriptome.selection` chooses among them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from icilens.analysis.metrics import roc_auc
from icilens.analysis.survival import fit_cox
from icilens.model.ensemble import import_lightgbm
from icilens.transcriptome.catalogue import select_descriptors
from icilens.transcriptome.reference_cohorts import load_reference_cohorts, place_cohort
from icilens.transcriptome.signature_model import (
    MIN_SIGNATURES,
    SignatureModel,
    explain_response,
    fit_signature_model,
    predict_response,
    signature_model_candidate,
)

SIGNATURES = select_descriptors(in_model=True)
CANDIDATE_DESCRIPTORS = select_descriptors(in_candidates=True)
MIN_VALIDATION_PATIENTS = 10
Candidate = Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]


def validation_cohorts(reference: pd.DataFrame) -> pd.DataFrame:
    """Return the reference patients of cohorts fit to validate on: RECIST labels of both kinds, at least
    MIN_VALIDATION_PATIENTS patients, and most of them scored by the model (MIN_SIGNATURES of its signatures
    measured; a targeted panel can lack them)."""
    labelled = reference[reference["response"].notna()]
    keep = []
    for cohort, patients in labelled.groupby("cohort", sort=False):
        measured = (patients[list(SIGNATURES)].notna().sum(axis=1) >= MIN_SIGNATURES).mean() >= 0.5
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


# What scikit-learn's LGBMClassifier passes to LightGBM beside a candidate's own settings, written out: the same
# trees without its wrappers, which are missing when the clinical model imported lightgbm first (import_lightgbm).
SKLEARN_DEFAULTS: dict[str, Any] = {
    "boosting_type": "gbdt",
    "objective": "binary",
    "max_depth": -1,
    "min_child_weight": 0.001,
    "min_split_gain": 0.0,
    "reg_alpha": 0.0,
    "reg_lambda": 0.0,
    "subsample_for_bin": 200000,
    "random_state": 0,
    "verbose": -1,
}


def lightgbm_on_ranks(columns: list[str], params: dict[str, Any] | None = None) -> Candidate:
    """Return a candidate: a small LightGBM on within-cohort percentiles, signatures held monotone increasing."""
    settings: dict[str, Any] = {"num_leaves": 4, "min_child_samples": 20, "learning_rate": 0.05, "n_estimators": 150}
    settings |= params or {}
    rounds = settings.pop("n_estimators")
    booster_params = SKLEARN_DEFAULTS | settings | {"subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8}

    def fit(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
        lgb = import_lightgbm()
        monotone = [1 if c.startswith("signature_") or c == "tmb_per_mb" else 0 for c in columns]
        data = lgb.Dataset(_ranks(train, columns), train["response"].astype(int))
        model = lgb.train(booster_params | {"monotone_constraints": monotone}, data, num_boost_round=rounds)
        return np.asarray(model.predict(_ranks(test, columns)))

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


MIN_JOINT_PATIENTS = 30  # training patients with TMB and GEP needed to fit the joint model at all


def signatures_by_cancer_type(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Return the current model's probabilities with every patient, in training and test alike, placed among the
    reference patients of the same cancer type (of the other cohorts) where there are MIN_SAME_TYPE, else among all."""

    def by_type(table: pd.DataFrame) -> pd.DataFrame:
        parts = [
            place_cohort(rows[list(SIGNATURES)], cohort, cancer_type=cancer)
            for (cohort, cancer), rows in table.groupby(["cohort", "cancer_type"], sort=False)
        ]
        return table.assign(**pd.concat(parts).loc[table.index].add_prefix("rank_"))

    return predict_response(fit_signature_model(by_type(train)), by_type(test))["probability"].to_numpy()


def tmb_with_gep(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Return Cristescu's two axes as one probability: a logistic fit of GEP's and TMB's percentiles on the
    training patients with both, for test patients with both; the current model for everyone else."""
    from sklearn.linear_model import LogisticRegression  # seconds to import; only validation fits candidates

    columns = ["rank_signature_gep", "rank_tmb_per_mb"]
    fallback = signature_model_candidate(train, test)
    both = train[columns].notna().all(axis=1)
    if both.sum() < MIN_JOINT_PATIENTS or train.loc[both, "response"].nunique() < 2:
        return fallback
    model = LogisticRegression(max_iter=1000).fit(train.loc[both, columns], train.loc[both, "response"].astype(int))
    measured = test[columns].notna().all(axis=1).to_numpy()
    joint = np.full(len(test), np.nan)
    if measured.any():
        joint[measured] = model.predict_proba(test.loc[measured, columns])[:, 1]
    return np.where(measured, joint, fallback)


def fit_survival_weights(train: pd.DataFrame) -> tuple[float, ...]:
    """Return the five signatures' weights, their absolute values summing to 1: minus the coefficients of a Cox
    model of overall survival on their percentiles (missing = 0.5), fitted on the training patients with a time and
    on the patients of the reference cohorts that are never validated on (survival without RECIST)."""
    columns = [f"rank_{s}" for s in SIGNATURES]
    fit_on = pd.concat([train, _survival_only_patients()], ignore_index=True)
    fit_on = fit_on[fit_on[columns].notna().sum(axis=1) >= MIN_SIGNATURES]
    coefficients = fit_cox(fit_on["os_months"], fit_on["os_event"], fit_on[columns].fillna(0.5))
    return tuple(float(w) for w in -coefficients / np.abs(coefficients).sum())


def cox_on_signatures(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Return each test patient's relative chance of living longer: the signatures' percentiles weighted by the Cox
    model of fit_survival_weights (a higher score, a lower risk of death), uncalibrated."""
    uncalibrated = SignatureModel(intercept=0.0, slope=1.0, weights=fit_survival_weights(train))
    return explain_response(uncalibrated, test).sum(axis=1, min_count=1).to_numpy()


def fit_shipped_model(train: pd.DataFrame, card: dict | None = None) -> SignatureModel:
    """Return the shipped transcriptome model fitted on train: the signatures weighted as by cox_on_signatures,
    the candidate the nested selection chose, calibrated to RECIST response."""
    return fit_signature_model(train, card, fit_survival_weights(train))


def shipped_model_candidate(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Return test patients' probabilities from the shipped model's design fitted on train."""
    return predict_response(fit_shipped_model(train), test)["probability"].to_numpy()


@lru_cache(maxsize=1)
def _survival_only_patients() -> pd.DataFrame:
    """Return the reference patients with overall survival in cohorts never validated on, each cohort's
    signatures placed among the other cohorts' patients as a new upload is."""
    reference = load_reference_cohorts()
    validated = set(validation_cohorts(reference)["cohort"])
    rows = reference[~reference["cohort"].isin(validated) & reference["os_months"].notna()]
    ranks = [
        place_cohort(part[list(SIGNATURES)], cohort).add_prefix("rank_")
        for cohort, part in rows.groupby("cohort", sort=False)
    ]
    return rows.join(pd.concat(ranks))


SHIPPED = "Cox on 5 signatures (overall survival)"  # the declared candidate the nested selection chose


def declared_candidates() -> dict[str, Candidate]:
    """Return the candidates for the next transcriptome model, in the order the README declared them before any
    was run: the current model first, so that it stays unless another is chosen."""
    return {
        "current model": signature_model_candidate,
        "signatures, reference per cancer type": signatures_by_cancer_type,
        "monotone LightGBM, 11 descriptors": lightgbm_on_ranks(CANDIDATE_DESCRIPTORS),
        "GEP + TMB (logistic), else current": tmb_with_gep,
        SHIPPED: cox_on_signatures,
    }
