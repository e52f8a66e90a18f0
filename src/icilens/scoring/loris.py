"""Reference scores shown beside the model: the LORIS pan-cancer score and TMB >= 10 mut/Mb.

LORIS (LOgistic Regression-based Immunotherapy-response Score): Chang T.-G. et al., "LORIS robustly
predicts patient outcomes with immune checkpoint blockade therapy using common clinical, pathologic
and genomic features", Nature Cancer (2024), doi:10.1038/s43018-024-00772-7. The pan-cancer formula
and its coefficients are those published in the README of the authors' repository rootchang/LORIS.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.analysis.metrics import fit_logistic
from icilens.vocabulary import TMB_HIGH_CUTOFF

LORIS_INTERCEPT = -2.0886
LORIS_TERMS = {  # coefficient, cap applied to the value before weighting
    "tmb": (0.0371, 50.0),
    "albumin": (0.5382, None),
    "nlr": (-0.033, 25.0),
    "age": (0.0049, 85.0),
}
LORIS_PRIOR_THERAPY = -0.8775
LORIS_CANCER_TERMS = {
    "Bladder": -0.3323,
    "Breast": -0.3323,
    "Colorectal": -0.102,
    "Endometrial": -0.0079,
    "Esophageal": 0.55,
    "Gastric": 0.2306,
    "Head & Neck": 0.0678,
    "Hepatobiliary": -0.1189,
    "Melanoma": -0.0086,
    "Mesothelioma": 0.1255,
    "NSCLC": 0.0008,
    "Ovarian": -0.052,
    "Pancreatic": -1.1169,
    "Renal": 0.5451,
    "Sarcoma": 0.0542,
    "SCLC": -0.0033,
}


def loris_linear_predictor(frame: pd.DataFrame) -> pd.Series:
    """Return LORIS's linear predictor (log-odds scale) per patient; NaN when one of its six inputs is missing."""
    missing = [c for c in (*LORIS_TERMS, "prior_systemic_therapy", "cancer_type") if c not in frame.columns]
    if missing:
        raise ValueError(f"compute_loris needs the canonical columns {', '.join(missing)}")
    score = pd.Series(LORIS_INTERCEPT, index=frame.index, dtype="float64")
    for name, (coefficient, cap) in LORIS_TERMS.items():
        values = frame[name].astype("float64")
        score += coefficient * (values.clip(upper=cap) if cap else values)
    prior = frame["prior_systemic_therapy"].astype(object).map({"yes": 1.0, "no": 0.0})
    score += LORIS_PRIOR_THERAPY * prior.astype("float64")
    # A cancer type outside the 16 has no published term; the score is then undefined.
    score += frame["cancer_type"].astype(object).map(LORIS_CANCER_TERMS).astype("float64")
    return score


def compute_loris(frame: pd.DataFrame) -> pd.Series:
    """Return the published LORIS score (0-1) per patient; NaN when one of its six inputs is missing.

    LORIS was fitted with balanced class weights, so this raw score is not a chance of response
    (on the 2018 patients its mean is 0.44 where 25% responded): see recalibrated_loris.
    """
    return 1.0 / (1.0 + np.exp(-loris_linear_predictor(frame)))


def fit_loris_recalibration(frame: pd.DataFrame) -> dict:
    """Return the logistic recalibration of LORIS to response probability, fitted on frame's labelled patients.

    probability = 1 / (1 + exp(-(intercept + slope * linear predictor))).
    """

    lp = loris_linear_predictor(frame).to_numpy()
    y = frame["response"].astype("float64").to_numpy()
    known = ~np.isnan(lp) & ~np.isnan(y)
    intercept, slope = fit_logistic(np.column_stack([np.ones(known.sum()), lp[known]]), y[known])
    return {
        "method": "logistic recalibration of the LORIS linear predictor",
        "intercept": round(float(intercept), 6),
        "slope": round(float(slope), 6),
        "patients": int(known.sum()),
        "responders": int(y[known].sum()),
    }


def describe_loris_recalibration(recalibration: dict | None) -> str:
    """Return how LORIS became a probability for the model in use, from its card's recalibration, in words."""
    if not recalibration:
        return (
            "not recalibrated: the card of the model in use holds no LORIS recalibration, so LORIS is not shown "
            "as a probability"
        )
    return (
        f"recalibrated to a response probability on the {recalibration['patients']} training patients of the model "
        f"in use ({recalibration['responders']} responders)"
    )


def recalibrated_loris(frame: pd.DataFrame, recalibration: dict | None) -> pd.Series:
    """Return LORIS as a probability of response with a fitted recalibration; NaN without one or an input."""
    lp = loris_linear_predictor(frame)
    if not recalibration:
        return lp * np.nan
    return 1.0 / (1.0 + np.exp(-(recalibration["intercept"] + recalibration["slope"] * lp)))


def flag_tmb_high(frame: pd.DataFrame) -> pd.Series:
    """Return True where TMB >= 10 mut/Mb, False below, <NA> when TMB is missing."""
    tmb = frame["tmb"].astype("float64")
    return (tmb >= TMB_HIGH_CUTOFF).astype("boolean").mask(tmb.isna())
