"""One table of predictions per cohort: model probability, interval, references, missing data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.model import Model
from icilens.reference import compute_loris, flag_tmb_high
from icilens.schema import FEATURES


def predict_cohort(model: Model, frame: pd.DataFrame, explain: bool = False) -> pd.DataFrame:
    """Return one row per patient, in input order, with the model's and the reference predictions.

    With explain=True, adds model_output (log-odds), shap_base and one shap_<feature> column per
    feature; shap_base plus the shap columns equals model_output.
    """
    prediction = model.predict(frame)
    table = pd.DataFrame(
        {
            "patient_id": frame["patient_id"].astype(str).to_numpy(),
            "response_probability": prediction.probability,
            "probability_low": prediction.low,
            "probability_high": prediction.high,
            "loris_probability": compute_loris(frame).to_numpy(),
            "tmb_high": flag_tmb_high(frame).to_numpy(),
            "missing_features": [";".join(names) for names in prediction.missing],
        }
    )
    if explain:
        base, shap = model.explain(frame)
        table["model_output"] = prediction.model_output
        table["shap_base"] = base
        shap_columns = pd.DataFrame(shap, columns=[f"shap_{f}" for f in FEATURES])
        table = pd.concat([table, shap_columns], axis=1)
    return table


def rank_patients(probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (rank with 1 = highest probability, percentile 0-100) for each patient."""
    series = pd.Series(probability)
    rank = series.rank(ascending=False, method="min").to_numpy().astype(int)
    percentile = (series.rank(pct=True, method="max") * 100).to_numpy()
    return rank, percentile
