"""Training: settings chosen by patient-grouped cross-validation, a bagged ensemble, Platt calibration, the card."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from icilens import __version__
from icilens.analysis.metrics import fit_logistic, roc_auc
from icilens.model.card import (
    HOW_COMPUTED,
    INTENDED_USE,
    INTENDED_USERS,
    LIMITATIONS,
    MISSING_INPUT_HANDLING,
    NEXT_VALIDATION,
    feature_cards,
)
from icilens.model.encoding import CATEGORICAL, encode_features, mask_scenarios
from icilens.model.ensemble import INTERVAL_PERCENTILES, Model, import_lightgbm, raw_mean
from icilens.model.uncertainty import describe_uncertainty
from icilens.schema import FEATURES, MISSING_SCENARIOS, SCHEMA_VERSION
from icilens.scoring.loris import fit_loris_recalibration
from icilens.vocabulary import ModelCard

MEMBERS = 10


FOLDS = 5


MASKED_COPIES = 3


SEED = 7


BASE_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.03,
    "feature_fraction": 0.8,
    "lambda_l2": 1.0,
    "cat_smooth": 20,
    "min_data_per_group": 20,
    "max_cat_to_onehot": 4,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbosity": -1,
    "seed": SEED,
}


# Clinical priors the trees may be held to: higher TMB and albumin, lower NLR and no prior
# systemic therapy go with response (Chang et al. 2024). Cross-validation decides whether they help.
MONOTONE = {"tmb": 1, "albumin": 1, "nlr": -1, "prior_systemic_therapy": -1}


SEARCH_GRID = [
    {"num_leaves": leaves, "min_data_in_leaf": min_leaf, "monotone": monotone}
    for leaves in (4, 8)
    for min_leaf in (20, 60)
    for monotone in (False, True)
]


MAX_ROUNDS = 1500
ROUNDS_WINDOW = 100  # early stopping: rounds without improvement before a grid point stops


def _augment(matrix: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return rows, labels and patient index: the originals followed by MASKED_COPIES masked copies."""
    rng = np.random.default_rng(seed)
    patients = np.arange(len(matrix))
    blocks = [matrix] + [mask_scenarios(matrix, rng) for _ in range(MASKED_COPIES)]
    copies = len(blocks)
    return np.vstack(blocks), np.tile(y, copies), np.tile(patients, copies)


def _dataset(x: np.ndarray, y: np.ndarray):
    categorical = [FEATURES.index(f) for f in CATEGORICAL]
    return import_lightgbm().Dataset(
        x, label=y, feature_name=list(FEATURES), categorical_feature=categorical, free_raw_data=False
    )


def _patient_folds(patient: np.ndarray, n_patients: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return (train rows, validation rows) per fold; a patient's copies stay in one fold."""
    order = np.random.default_rng(seed).permutation(n_patients)
    fold_of = np.empty(n_patients, dtype=int)
    fold_of[order] = np.arange(n_patients) % FOLDS
    row_fold = fold_of[patient]
    return [(np.flatnonzero(row_fold != k), np.flatnonzero(row_fold == k)) for k in range(FOLDS)]


class TrainingCancelled(Exception):
    """Raised inside train_model when its caller asked it to stop."""


def _call_progress(progress, should_stop, done: float, step: str) -> None:
    """Tell the caller how far training is, and stop it there when the caller asked."""
    if should_stop is not None and should_stop():
        raise TrainingCancelled(f"training stopped by the user at: {step}")
    if progress is not None:
        progress(done, step)


def _search(x, y, patient, n_patients: int, progress=None, should_stop=None) -> tuple[dict, list[dict]]:
    """Return the best parameters (with rounds) and the CV result of every grid point."""
    lgb = import_lightgbm()
    folds = _patient_folds(patient, n_patients, seed=SEED)
    results = []
    for index, grid_point in enumerate(SEARCH_GRID):
        step = f"settings {index + 1} of {len(SEARCH_GRID)}"
        _call_progress(progress, should_stop, 0.5 * index / len(SEARCH_GRID), step)
        params = {**_params_for(grid_point), "metric": "auc"}
        history = lgb.cv(
            params,
            _dataset(x, y),
            num_boost_round=MAX_ROUNDS,
            folds=folds,
            stratified=False,
            callbacks=[
                lgb.early_stopping(ROUNDS_WINDOW, verbose=False),
                _report_rounds(progress, should_stop, index, step),
            ],
        )
        aucs = history["valid auc-mean"]
        results.append({**grid_point, "rounds": len(aucs), "cv_auc": round(float(aucs[-1]), 4)})
    best = max(results, key=lambda r: (r["cv_auc"], -r["num_leaves"]))
    return {**_params_for(best), "num_boost_round": best["rounds"]}, results


def _report_rounds(progress, should_stop, index: int, step: str):
    """Return a LightGBM callback that reports progress within one grid point every 25 boosting rounds.

    Early stopping decides how many rounds a grid point takes, so the bar moves by rounds done over rounds
    done plus the stopping window: it always moves and never overshoots the grid point's share.
    """

    def report(env) -> None:
        rounds = env.iteration + 1
        if rounds % 25:
            return
        within = rounds / (rounds + ROUNDS_WINDOW)
        done = 0.5 * (index + within) / len(SEARCH_GRID)
        _call_progress(progress, should_stop, done, f"{step}, {rounds} boosting rounds")

    return report


def _params_for(grid_point: dict) -> dict:
    params = {**BASE_PARAMS, "num_leaves": grid_point["num_leaves"], "min_data_in_leaf": grid_point["min_data_in_leaf"]}
    if grid_point["monotone"]:
        params["monotone_constraints"] = [MONOTONE.get(f, 0) for f in FEATURES]
    return params


def _train_members(x, y, patient, params: dict, seed: int) -> list:
    """Return MEMBERS boosters, each trained on a bootstrap sample of the patients present."""
    lgb = import_lightgbm()
    rng = np.random.default_rng(seed)
    train_params = {k: v for k, v in params.items() if k != "num_boost_round"}
    order = np.argsort(patient, kind="stable")
    present, starts = np.unique(patient[order], return_index=True)
    rows_of = np.split(order, starts[1:])
    members = []
    for m in range(MEMBERS):
        drawn = rng.integers(0, len(present), len(present))
        rows = np.concatenate([rows_of[i] for i in drawn])
        member_params = {**train_params, "seed": SEED + m}
        members.append(lgb.train(member_params, _dataset(x[rows], y[rows]), num_boost_round=params["num_boost_round"]))
    return members


def train_model(
    frame: pd.DataFrame,
    data_sha256: str,
    source_name: str = "cohort",
    provenance: dict | None = None,
    progress=None,
    should_stop=None,
) -> Model:
    """Return a model trained on the patients of frame with an observed response.

    Hyperparameters are chosen by patient-grouped cross-validation inside this data only. provenance
    (where and when the patients were treated) goes into the card's data sources. progress(fraction, step)
    is told how far it is; should_stop(), when it returns True, stops training with TrainingCancelled.
    The returned model carries its patients' out-of-fold probabilities in `training_oof`.
    """
    lightgbm = import_lightgbm()
    labelled = frame[frame["response"].notna()].reset_index(drop=True)
    y_patients = labelled["response"].astype("float64").to_numpy()
    if len(labelled) < 50 or y_patients.sum() < 10 or (1 - y_patients).sum() < 10:
        raise ValueError(
            f"training needs at least 50 patients with an observed response and 10 of each outcome; "
            f"{source_name} has {len(labelled)} ({int(y_patients.sum())} responders)"
        )
    n = len(labelled)
    x, y, patient = _augment(encode_features(labelled), y_patients, seed=SEED)
    params, search = _search(x, y, patient, n, progress, should_stop)

    # Out-of-fold ensemble outputs for calibration: every row is scored by members that never saw its patient.
    oof = np.empty(len(y))
    for k, (train_rows, valid_rows) in enumerate(_patient_folds(patient, n, seed=SEED + 1)):
        _call_progress(
            progress, should_stop, 0.5 + 0.35 * k / FOLDS, f"out-of-fold predictions, fold {k + 1} of {FOLDS}"
        )
        members = _train_members(x[train_rows], y[train_rows], patient[train_rows], params, seed=100 + k)
        oof[valid_rows] = raw_mean(members, x[valid_rows])
    slope, intercept = fit_logistic(np.column_stack([oof, np.ones_like(oof)]), y)
    _call_progress(progress, should_stop, 0.85, "the final ensemble")
    boosters = _train_members(x, y, patient, params, seed=SEED)

    original = np.arange(n)
    card: ModelCard = {
        "name": "ICI Lens response model",
        "icilens_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "lightgbm_version": lightgbm.__version__,
        "target": "objective response (RECIST complete or partial response) to immune checkpoint inhibitors",
        "features": feature_cards(labelled),
        "training": {
            "source": source_name,
            "sha256": data_sha256,
            "patients": n,
            "responders": int(y_patients.sum()),
            "response_rate": round(float(y_patients.mean()), 4),
            "masked_copies": MASKED_COPIES,
        },
        "hyperparameters": {k: v for k, v in params.items() if k != "num_threads"},
        "search": search,
        "ensemble": {
            "members": MEMBERS,
            "files": [f"model_{m:02d}.txt" for m in range(MEMBERS)],
            "disagreement": (
                f"{INTERVAL_PERCENTILES[0]}th-{INTERVAL_PERCENTILES[1]}th percentile of the members' calibrated "
                "probabilities: the spread of the ensemble, not a confidence interval"
            ),
        },
        "calibration": {
            "method": "Platt scaling on out-of-fold ensemble log-odds",
            "slope": round(float(slope), 6),
            "intercept": round(float(intercept), 6),
        },
        "references": {"loris_recalibration": fit_loris_recalibration(labelled)},
        "intended_use": INTENDED_USE,
        "intended_users": INTENDED_USERS,
        "data_sources": provenance or {"training": source_name},
        "missing_inputs": MISSING_INPUT_HANDLING,
        "how_computed": HOW_COMPUTED,
        "limitations": LIMITATIONS,
        "next_validation": NEXT_VALIDATION,
        "cross_validation": {
            "folds": FOLDS,
            "auc_all_features": round(roc_auc(y[original], oof[original]), 4),
            "auc_with_masking": round(roc_auc(y, oof), 4),
        },
    }
    model = Model(boosters=boosters, card=card)
    _call_progress(progress, should_stop, 0.95, "measuring the uncertainty range")
    card["uncertainty"] = describe_uncertainty(model, labelled, MISSING_SCENARIOS)
    model.training_oof = model.calibrate(oof[original])
    _call_progress(progress, None, 1.0, "done")
    return model
