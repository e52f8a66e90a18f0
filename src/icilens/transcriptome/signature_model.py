"""The transcriptome response model: a weighted mean of five immune signatures' percentiles, calibrated to a
probability.

The weights come from a Cox model of overall survival on the signatures' percentiles (`fit_survival_weights` in
`icilens.transcriptome.candidates`), chosen among declared candidates by leaving one cohort out inside the training
cohorts (`icilens.transcriptome.selection`); the equal-weight mean of the signatures measured (weights None) is
the model it replaced and stays a candidate. The score, centred at 0.5, is put on the probability scale by a
two-parameter logistic fit on the reference patients' RECIST responses. It is linear in each signature's
percentile, so its explanation is exact: on the log-odds scale, signature i moves the prediction by
slope x weight_i x (percentile_i - 0.5), weight_i = 1/k for the equal-weight mean over the k measured.
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
MIN_SIGNATURES = 3  # of the five; with fewer the score follows one or two genes sets and is left missing
KIND = "calibrated weighted signature percentiles"
EQUAL_WEIGHT_KIND = "calibrated mean signature percentile"  # files written before the weights, read as equal weights


@dataclass(frozen=True)
class SignatureModel:
    """Intercept and slope of the logistic calibration of the weighted signature percentile, and its card.

    weights: one per signature, their absolute values summing to 1, a missing signature counting as 0.5 (its
    cohort's middle); None for the equal-weight mean of the signatures measured."""

    intercept: float
    slope: float
    signatures: tuple[str, ...] = SIGNATURES
    weights: tuple[float, ...] | None = None
    card: dict = field(default_factory=dict)


def fit_signature_model(
    train: pd.DataFrame, card: dict | None = None, weights: tuple[float, ...] | None = None
) -> SignatureModel:
    """Return the model of these weights (None: the equal-weight mean) calibrated on train, which holds `response`
    and `rank_<signature>` columns."""
    uncalibrated = SignatureModel(intercept=0.0, slope=1.0, weights=weights)
    score = explain_response(uncalibrated, train).sum(axis=1, min_count=1)
    keep = score.notna().to_numpy()
    if keep.sum() < 20 or train.loc[keep, "response"].nunique() < 2:
        raise ValueError("fit_signature_model needs at least 20 patients with signatures and both responses")
    from sklearn.linear_model import LogisticRegression  # scikit-learn takes seconds to import; only fitting needs it

    fit = LogisticRegression(C=1e6, max_iter=1000).fit(score[keep].to_frame(), train.loc[keep, "response"].astype(int))
    return SignatureModel(
        intercept=float(fit.intercept_[0]), slope=float(fit.coef_[0, 0]), weights=weights, card=card or {}
    )


def predict_response(model: SignatureModel, table: pd.DataFrame) -> pd.DataFrame:
    """Return per patient: probability, and its range (low, high) over what the missing signatures could be."""
    ranks = table[[f"rank_{s}" for s in model.signatures]]
    measured = ranks.notna().sum(axis=1)
    log_odds = model.intercept + explain_response(model, table).sum(axis=1, min_count=1)
    # every weight at full strength, each missing signature measured at the bottom or the top of its cohort
    weights = _full_weights(model)
    known = (ranks - 0.5).fillna(0.0).to_numpy() @ weights
    spread = 0.5 * (ranks.isna().to_numpy() @ np.abs(weights))
    enough = (measured >= MIN_SIGNATURES).to_numpy()
    bottom = np.where(enough, model.intercept + model.slope * (known - spread), np.nan)
    top = np.where(enough, model.intercept + model.slope * (known + spread), np.nan)
    return pd.DataFrame(
        {
            "probability": _logistic(log_odds.to_numpy()),
            "low": _logistic(np.fmin(bottom, top)),
            "high": _logistic(np.fmax(bottom, top)),
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
    enough = measured.where(measured >= MIN_SIGNATURES)
    if model.weights is None:
        shares = (ranks - 0.5).mul(model.slope).div(enough, axis=0)
    else:
        shares = (ranks - 0.5).mul(np.asarray(model.weights) * model.slope, axis=1).where(enough.notna(), axis=0)
    shares.columns = list(model.signatures)
    return shares


def _full_weights(model: SignatureModel) -> np.ndarray:
    k = len(model.signatures)
    return np.full(k, 1.0 / k) if model.weights is None else np.asarray(model.weights, dtype="float64")


def _logistic(log_odds: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-log_odds))


def save_signature_model(model: SignatureModel, path: Path) -> None:
    """Write the model and its card as one JSON file (no pickle)."""
    weights = None if model.weights is None else list(model.weights)
    payload = {"kind": KIND, **asdict(model), "signatures": list(model.signatures), "weights": weights}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load_signature_model(path: Path = MODEL_FILE) -> SignatureModel:
    """Return the model saved at path (the bundled one by default); refuses a file of another kind."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    if payload.get("kind") not in (KIND, EQUAL_WEIGHT_KIND):
        raise ValueError(f"{path} is not a transcriptome model of kind {KIND!r}")
    signatures = tuple(payload["signatures"])
    unknown = set(signatures) - set(SIGNATURES)
    if unknown or not signatures:
        raise ValueError(f"{path} names signatures ICI Lens does not compute: {sorted(unknown)}")
    intercept, slope = float(payload["intercept"]), float(payload["slope"])
    if not (np.isfinite(intercept) and np.isfinite(slope)):
        raise ValueError(f"{path} has a non-finite intercept or slope")
    weights = payload.get("weights") if payload["kind"] == KIND else None
    if weights is not None:
        weights = tuple(float(w) for w in weights)
        if len(weights) != len(signatures) or not np.isfinite(weights).all():
            raise ValueError(f"{path} needs one finite weight per signature ({len(signatures)}); got {len(weights)}")
    return SignatureModel(intercept, slope, signatures, weights, card=payload.get("card", {}))
