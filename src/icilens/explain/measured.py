"""SHAP values read on measured inputs only: a missing input is never a driver, in a patient or a cohort."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from icilens.schema import FEATURES, FIELD_BY_NAME


@dataclass(frozen=True)
class MeasuredShap:
    """Patients x kept features: SHAP values, missing (NaN) where the patient's input was not measured."""

    values: np.ndarray
    features: list[str]  # the features at least one patient has, in the model's order
    absent: list[str]  # the features no patient of the selection has: left out, named in a note


def keep_measured(shap: np.ndarray, frame: pd.DataFrame, features: list[str] | tuple[str, ...]) -> MeasuredShap:
    """Return the SHAP values of measured inputs only, and which features nobody has (left out)."""
    values = np.asarray(shap, dtype="float64")
    if values.shape != (len(frame), len(features)):
        raise ValueError("keep_measured needs one SHAP value per patient and feature, in the frame's row order")
    measured = frame[list(features)].notna().to_numpy()
    masked = np.where(measured, values, np.nan)
    kept = [i for i in range(len(features)) if measured[:, i].any()]
    return MeasuredShap(
        masked[:, kept], [features[i] for i in kept], [f for i, f in enumerate(features) if i not in set(kept)]
    )


def find_absent_inputs(frame: pd.DataFrame, features: list[str] | tuple[str, ...]) -> list[str]:
    """Return the features no patient of the frame has a value for, in the given order."""
    return [f for f in features if frame[f].isna().all()]


def describe_absent(absent: list[str]) -> str:
    """Return the note naming the inputs nobody in the selection has ("" when every input is measured)."""
    if not absent:
        return ""
    names = ", ".join(FIELD_BY_NAME[f].label for f in absent)
    return (
        f"Left out, as no patient here has them measured: {names}. A missing input is never shown as a driver; "
        "each chart reads measured values only."
    )


def describe_none_estimable(estimable: pd.Series, frame: pd.DataFrame) -> str:
    """Return why the model's drivers are not shown for patients (frame's rows, with their estimable flags) of
    whom none has an estimable prediction ("" when one has): SHAP would rank what the model assumed, not what
    the patients have."""
    flags = pd.Series(estimable, dtype="boolean")
    if flags.empty or flags.fillna(False).any():
        return ""
    most = int(frame[list(FEATURES)].notna().sum(axis=1).max())
    return (
        f"The clinical model's prediction is not estimable for any of these {len(flags)} patients (at most {most} of "
        f"{len(FEATURES)} inputs measured), so what drives it is not shown: it would rank what the model assumed, "
        "not what the patients have."
    )
