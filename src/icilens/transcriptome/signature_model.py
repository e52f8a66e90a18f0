"""The transcriptome response model: the mean percentile of five immune signatures, calibrated to a probability.

Why this model and not a tree ensemble: across the reference cohorts, left out one at a time, no trained
model (logistic regression or LightGBM on eleven descriptors, with or without TMB, with settings chosen inside
the training cohorts) beat the untrained mean of the signatures' percentiles (benchmarks/transcriptome_loco.py).
So the shipped model is that mean, put on the probability scale by a two-parameter logistic fit on the
reference patients. It is linear in each signature's percentile, so its explanation is exact: on the log-odds
scale, signature i moves the prediction by slope x (percentile_i - 0.5) / k, k the signatures measured.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from icilens import BUNDLED
from icilens.transcriptome.catalogue import select_descriptors

MODEL_FILE = BUNDLED / "transcriptome_model" / "transcriptome_model.json"
SIGNATURES = tuple(select_descriptors(in_model=True))
MIN_SIGNATURES = 3  # of the five; with fewer the mean follows one or two genes sets and is left missing
KIND = "calibrated mean signature percentile"


@dataclass(frozen=True)
class SignatureModel:
    """Intercept and slope of the logistic calibration of the mean signature percentile, and its card."""

    intercept: float
    slope: float
    signatures: tuple[str, ...] = SIGNATURES
    card: dict = field(default_factory=dict)


def fit_signature_model(train: pd.DataFrame, card: dict | None = None) -> SignatureModel:
    """Return the model fitted on train, which holds `response` and `rank_<signature>` columns."""
    score = mean_signature_percentile(train)
    keep = score.notna().to_numpy()
    if keep.sum() < 20 or train.loc[keep, "response"].nunique() < 2:
        raise ValueError("fit_signature_model needs at least 20 patients with signatures and both responses")
    from sklearn.linear_model import LogisticRegression  # scikit-learn takes seconds to import; only fitting needs it

    fit = LogisticRegression(C=1e6, max_iter=1000).fit(
        (score[keep] - 0.5).to_frame(), train.loc[keep, "response"].astype(int)
    )
    return SignatureModel(intercept=float(fit.intercept_[0]), slope=float(fit.coef_[0, 0]), card=card or {})


def mean_signature_percentile(table: pd.DataFrame, signatures: tuple[str, ...] = SIGNATURES) -> pd.Series:
    """Return each patient's mean percentile over the signatures measured, missing below MIN_SIGNATURES."""
    ranks = table[[f"rank_{s}" for s in signatures]]
    return ranks.mean(axis=1, skipna=True).where(ranks.notna().sum(axis=1) >= MIN_SIGNATURES)


def predict_response(model: SignatureModel, table: pd.DataFrame) -> pd.DataFrame:
    """Return per patient: probability, and its range (low, high) over what the missing signatures could be."""
    ranks = table[[f"rank_{s}" for s in model.signatures]]
    measured = ranks.notna().sum(axis=1)
    total = ranks.sum(axis=1, skipna=True)
    k = len(model.signatures)
    centre = _probability(model, mean_signature_percentile(table, model.signatures))
    missing = k - measured
    enough = measured >= MIN_SIGNATURES
    # the mean over all five, had the missing ones been measured at the bottom or the top of their cohorts
    bottom = _probability(model, (total / k).where(enough))
    top = _probability(model, ((total + missing) / k).where(enough))
    return pd.DataFrame(
        {
            "probability": centre,
            "low": np.fmin(bottom, top),
            "high": np.fmax(bottom, top),
            "signatures_measured": measured,
        },
        index=table.index,
    )


def signature_model_candidate(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Return test patients' probabilities from the model fitted on train (a leave-one-cohort-out candidate)."""
    return predict_response(fit_signature_model(train), test)["probability"].to_numpy()


def explain_response(model: SignatureModel, table: pd.DataFrame) -> pd.DataFrame:
    """Return patients x signatures: each measured signature's exact share of the log-odds away from the
    intercept (missing for signatures not measured); the shares sum to logit(probability) - intercept."""
    ranks = table[[f"rank_{s}" for s in model.signatures]]
    measured = ranks.notna().sum(axis=1)
    shares = (ranks - 0.5).mul(model.slope).div(measured.where(measured >= MIN_SIGNATURES), axis=0)
    shares.columns = list(model.signatures)
    return shares


def _probability(model: SignatureModel, score: pd.Series) -> pd.Series:
    return 1.0 / (1.0 + np.exp(-(model.intercept + model.slope * (score - 0.5))))


def save_signature_model(model: SignatureModel, path: Path) -> None:
    """Write the model and its card as one JSON file (no pickle)."""
    payload = {"kind": KIND, **asdict(model), "signatures": list(model.signatures)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load_signature_model(path: Path = MODEL_FILE) -> SignatureModel:
    """Return the model saved at path (the bundled one by default); refuses a file of another kind."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    if payload.get("kind") != KIND:
        raise ValueError(f"{path} is not a transcriptome model of kind {KIND!r}")
    signatures = tuple(payload["signatures"])
    unknown = set(signatures) - set(SIGNATURES)
    if unknown or not signatures:
        raise ValueError(f"{path} names signatures ICI Lens does not compute: {sorted(unknown)}")
    intercept, slope = float(payload["intercept"]), float(payload["slope"])
    if not (np.isfinite(intercept) and np.isfinite(slope)):
        raise ValueError(f"{path} has a non-finite intercept or slope")
    return SignatureModel(intercept=intercept, slope=slope, signatures=signatures, card=payload.get("card", {}))
