"""Similar patients of the training cohort, and what happened to them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.analysis.survival import kaplan_meier_median
from icilens.explain.patient import format_value
from icilens.model.encoding import encode_features
from icilens.model.uncertainty import MIN_MEASURED
from icilens.schema import FEATURES, FIELD_BY_NAME

HOW = (
    "How alike two patients are is measured over the features both have: a number counts by its gap as a "
    "share of the training range, a category by whether it matches; features that drive the model most "
    "(mean absolute SHAP value) count most (a weighted Gower distance, 0 = identical, 1 = opposite)."
)


MIN_SHARED = MIN_MEASURED  # inputs two patients must both have for their likeness to mean anything


def describe_similarity_limit(patient: pd.DataFrame) -> str:
    """Return why similar patients are withheld for a one-row patient frame ("" when they can be found)."""
    measured = int(patient[list(FEATURES)].notna().to_numpy().sum())
    if measured >= MIN_SHARED:
        return ""
    return (
        f"{measured} of {len(FEATURES)} inputs measured; likeness needs {MIN_SHARED} shared inputs, or every "
        "training patient of the same kind would look identical"
    )


def find_similar_patients(
    patient: pd.DataFrame, reference: pd.DataFrame, weights: np.ndarray, k: int = 20
) -> pd.DataFrame:
    """Return the k reference patients nearest to the one-row patient frame, nearest first, with 'distance'.

    Only reference patients sharing MIN_SHARED measured inputs with the patient count; none for a patient with
    fewer (describe_similarity_limit says why).
    """
    if len(patient) != 1:
        raise ValueError("find_similar_patients takes a frame with exactly one patient")
    weights = np.asarray(weights, dtype="float64")
    if weights.shape != (len(FEATURES),) or (weights < 0).any():
        raise ValueError(f"weights must be {len(FEATURES)} non-negative numbers, one per feature")
    x, pool = encode_features(patient)[0], encode_features(reference)
    span = np.nanmax(pool, axis=0) - np.nanmin(pool, axis=0)
    gaps = np.empty_like(pool)
    for j, field in enumerate(FEATURES):
        if FIELD_BY_NAME[field].categories:
            gaps[:, j] = (pool[:, j] != x[j]).astype("float64")
        else:
            gaps[:, j] = np.minimum(np.abs(pool[:, j] - x[j]) / (span[j] if span[j] > 0 else 1.0), 1.0)
    both = ~np.isnan(pool) & ~np.isnan(x)
    used = np.where(both, weights, 0.0)
    distance = np.where(both, gaps, 0.0) @ weights / np.maximum(used.sum(axis=1), 1e-12)
    distance[both.sum(axis=1) < MIN_SHARED] = np.inf
    order = np.argsort(distance, kind="stable")[:k]
    order = order[np.isfinite(distance[order])]
    return reference.iloc[order].assign(distance=distance[order])


def summarise_outcomes(patients: pd.DataFrame) -> dict:
    """Return responders, response rate and Kaplan-Meier median OS and PFS of a group of patients."""
    known = patients["response"].dropna()
    return {
        "patients": len(patients),
        "responders": int((known == 1).sum()),
        "response_rate": float((known == 1).mean()) if len(known) else None,
        "median_os_months": kaplan_meier_median(patients["os_months"], patients["os_event"]),
        "median_pfs_months": kaplan_meier_median(patients["pfs_months"], patients["pfs_event"]),
    }


def describe_similar_patients(similar: pd.DataFrame) -> pd.DataFrame:
    """Return similar patients for display: id, distance, outcome, and every feature with its unit."""

    shown = similar[["patient_id", "distance", "response", "os_months", *FEATURES]].copy()
    shown["response"] = shown["response"].map({1: "responder", 0: "non-responder"})
    for field in FEATURES:
        shown[field] = [format_value(field, value) for value in shown[field]]
    return shown.rename(columns={field: FIELD_BY_NAME[field].label for field in FEATURES})
