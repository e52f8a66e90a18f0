"""The response model: a bagged, calibrated LightGBM ensemble trained with feature masking.

Why this design:
- Hospitals often lack genomic extras (HED, HLA LOH, FCNA, MSI, PD-L1) or blood values. Training
  rows are repeated with whole feature groups masked, so the trees learn what to do when a value
  is missing; LightGBM routes a missing value down its own learned branch and never reads it as 0.
- Ten members trained on bootstrap samples of patients give a per-patient spread (model disagreement).
  The uncertainty shown to users is the range from missing inputs, with measured coverage (uncertainty.py).
- Probabilities are Platt-calibrated on out-of-fold ensemble outputs inside the training data.
- Models are stored only as LightGBM text plus a JSON card: a model file must never be code.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from icilens.model.encoding import encode_features, list_missing
from icilens.model.treeshap import TreeExplainer
from icilens.vocabulary import ModelCard

INTERVAL_PERCENTILES = (10, 90)


def import_lightgbm():
    """Return the lightgbm module, imported without its optional scikit-learn wrappers.

    lightgbm imports scikit-learn (and SciPy) when installed, which costs over a second at every
    start of the CLI; the wrappers are unused here, so the import is hidden from it once.
    """

    if "lightgbm" not in sys.modules and "sklearn" not in sys.modules:
        sys.modules["sklearn"] = None  # type: ignore[assignment]  # makes `import sklearn` fail inside lightgbm's compat layer
        try:
            import lightgbm  # see the docstring: imported without scikit-learn
        finally:
            del sys.modules["sklearn"]
    import lightgbm  # see the docstring: imported without scikit-learn

    return lightgbm


def raw_mean(boosters, x: np.ndarray) -> np.ndarray:
    return np.mean([b.predict(x, raw_score=True) for b in boosters], axis=0)


@dataclass
class Prediction:
    """Per-patient output of the model, in the order of the input rows."""

    probability: np.ndarray
    low: np.ndarray
    high: np.ndarray
    model_output: np.ndarray  # mean raw log-odds of the members (what SHAP values add up to)
    missing: list[list[str]]


@dataclass
class Model:
    """A trained ensemble with its card; predictions are calibrated probabilities."""

    boosters: list
    card: ModelCard = field(repr=False)
    _explainer: TreeExplainer | None = field(default=None, init=False, repr=False)
    # Out-of-fold calibrated probability of each training patient (only on a model just trained, never saved).
    training_oof: np.ndarray | None = field(default=None, init=False, repr=False)

    @property
    def calibration(self) -> tuple[float, float]:
        """Return the Platt slope and intercept applied to the ensemble's raw output."""
        calibration = self.card["calibration"]
        return calibration["slope"], calibration["intercept"]

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Return calibrated probabilities for raw log-odds outputs."""
        slope, intercept = self.calibration
        return 1 / (1 + np.exp(-(slope * np.asarray(raw) + intercept)))

    def predict_raw(self, x: np.ndarray) -> np.ndarray:
        """Return the ensemble's mean raw output (log-odds) for an encoded matrix (see encode_features)."""
        return np.vstack([b.predict(x, raw_score=True) for b in self.boosters]).mean(axis=0)

    def predict(self, frame: pd.DataFrame) -> Prediction:
        """Return calibrated probabilities, the members' spread (disagreement) and the missing features per patient."""
        x = encode_features(frame)
        raws = np.vstack([b.predict(x, raw_score=True) for b in self.boosters])
        member_probabilities = self.calibrate(raws)
        low, high = np.percentile(member_probabilities, INTERVAL_PERCENTILES, axis=0)
        raw = raws.mean(axis=0)
        return Prediction(self.calibrate(raw), low, high, raw, list_missing(frame))

    def explain(self, frame: pd.DataFrame, progress=None) -> tuple[float, np.ndarray]:
        """Return (base value, SHAP matrix patients x features) in log-odds; rows add up to model_output.

        Exact TreeSHAP from LightGBM; the ensemble's values are the mean of its members'.
        """
        if self._explainer is None:
            self._explainer = TreeExplainer(self.boosters)
        return self._explainer.shap_values(encode_features(frame), progress)
