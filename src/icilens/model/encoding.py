"""Feature encoding: a canonical cohort as the model's matrix, and the realistic gaps training masks in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.schema import BLOOD_VALUES, CATEGORY, FEATURES, FIELD_BY_NAME, GENOMIC_EXTRAS, LORIS_FEATURES, OTHER_CANCER

# Categorical features the trees split on as categories; the rest are numbers (binary as 0/1).
CATEGORICAL = tuple(f for f in FEATURES if FIELD_BY_NAME[f].kind == CATEGORY and len(FIELD_BY_NAME[f].categories) > 2)


def encode_features(frame: pd.DataFrame) -> np.ndarray:
    """Return the model matrix (patients x features, float64, NaN = missing).

    Categories become their code in the data dictionary; an 'Other' cancer type is unknown to the
    model and is encoded as missing.
    """
    absent = [f for f in FEATURES if f not in frame.columns]
    if absent:
        raise ValueError(f"encode_features needs a canonical cohort frame; missing columns: {', '.join(absent)}")
    matrix = np.empty((len(frame), len(FEATURES)), dtype="float64")
    for j, name in enumerate(FEATURES):
        spec = FIELD_BY_NAME[name]
        column = frame[name]
        if spec.categories:
            matrix[:, j] = _category_codes(column, spec.categories)
        else:
            matrix[:, j] = column.to_numpy(dtype="float64", na_value=np.nan)
    return matrix


def _category_codes(column: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    """Return each value's code among the model's categories ('Other' and unknown values are NaN)."""
    model_codes = np.array([np.nan if c == OTHER_CANCER else float(i) for i, c in enumerate(categories)])
    if OTHER_CANCER in categories:  # codes count the known categories only
        model_codes[model_codes > categories.index(OTHER_CANCER)] -= 1
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype) and tuple(dtype.categories) == categories:
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, model_codes[np.maximum(codes, 0)], np.nan)
    known = {c: float(i) for i, c in enumerate(c for c in categories if c != OTHER_CANCER)}
    return column.astype(object).map(known).to_numpy(dtype="float64", na_value=np.nan)


def list_missing(frame: pd.DataFrame) -> list[list[str]]:
    """Return, per patient, the canonical names of the model features without a value."""
    missing = frame[list(FEATURES)].isna().to_numpy()
    keys = missing @ (1 << np.arange(len(FEATURES)))
    names = {key: [f for j, f in enumerate(FEATURES) if key >> j & 1] for key in np.unique(keys)}
    return [names[key] for key in keys]


def mask_scenarios(matrix: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return a copy of matrix with, per row, one realistic pattern of missing feature groups."""
    masked = matrix.copy()
    index = {name: j for j, name in enumerate(FEATURES)}
    groups = {
        "loris_only": [index[f] for f in FEATURES if f not in LORIS_FEATURES],
        "no_genomic_extras": [index[f] for f in GENOMIC_EXTRAS],
        "no_blood": [index[f] for f in BLOOD_VALUES],
    }
    choice = rng.choice(4, size=len(matrix), p=[0.3, 0.25, 0.2, 0.25])
    for k, columns in enumerate(groups.values()):
        rows = np.flatnonzero(choice == k)
        masked[np.ix_(rows, np.asarray(columns, dtype=np.intp))] = np.nan
    scattered = (choice == 3)[:, None] & (rng.random(matrix.shape) < 0.15)
    masked[scattered] = np.nan
    return masked
