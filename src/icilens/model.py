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

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from icilens import BUNDLED, __version__
from icilens.metrics import fit_logistic, roc_auc
from icilens.vocabulary import FeatureCard, ModelCard

if TYPE_CHECKING:
    from icilens.explain import TreeExplainer
from icilens.reference import fit_loris_recalibration
from icilens.schema import (
    BLOOD_VALUES,
    CATEGORY,
    FEATURES,
    FIELD_BY_NAME,
    GENOMIC_EXTRAS,
    LORIS_FEATURES,
    MISSING_SCENARIOS,
    OTHER_CANCER,
    SCHEMA_VERSION,
)
from icilens.uncertainty import describe_uncertainty

CARD_FILE = "model_card.json"
INTENDED_USE = (
    "Research use only: to estimate, for adults with an advanced solid tumour about to start an immune checkpoint "
    "inhibitor, the probability of an objective response (RECIST CR or PR), and to explain which pre-treatment "
    "features drive that estimate. Not a medical device; not for treatment decisions on its own."
)
LIMITATIONS = [
    "Trained on one centre (Memorial Sloan Kettering, 2015-2017); other populations may differ.",
    "Cancer types outside the 16 of the training cohort are unknown to the model (treated as missing).",
    "TMB was measured by the MSK-IMPACT panel; TMB from other assays or whole-exome sequencing is not on the same scale.",
    "Patients were treated with PD-1/PD-L1, CTLA-4 or their combination, mostly as monotherapy; ICI combined with "
    "chemotherapy or targeted drugs, and lines of therapy outside the cohort, were not studied.",
    "PD-L1 was recorded for a minority of patients; its effect is learned from few cases.",
    "Predicts objective response, not survival; a non-responder by RECIST may still benefit.",
]
INTENDED_USERS = (
    "Oncologists and translational researchers reviewing patients or cohorts before immune checkpoint therapy, "
    "beside the clinical assessment and the tumour board; data scientists validating the model on their own cohorts."
)
MISSING_INPUT_HANDLING = (
    "Any feature may be missing at use. LightGBM sends a missing value down the branch it learned for missing "
    "values (training rows were repeated with realistic groups of features removed), so a missing value is never "
    "read as 0. Each prediction lists its missing features and shows the range it could move to had they been "
    "measured; LORIS is undefined when one of its six inputs is missing."
)
HOW_COMPUTED = (
    "p = 1 / (1 + exp(-(slope * mean_m f_m(x) + intercept))): f_m is the raw log-odds of ensemble member m "
    "(LightGBM text files listed under ensemble.files), slope and intercept are under calibration. Code: "
    "icilens.model.Model.predict; explanations are exact TreeSHAP of the members' mean (icilens.explain), which "
    "adds up to the raw log-odds before calibration."
)
NEXT_VALIDATION = (
    "External validation at another centre, with TMB from its own assay and ICI given with chemotherapy, before "
    "any clinical use; then a prospective study of whether the prediction changes decisions or outcomes."
)
MEMBERS = 10
FOLDS = 5
MASKED_COPIES = 3
INTERVAL_PERCENTILES = (10, 90)
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

# Categorical features the trees split on as categories; the rest are numbers (binary as 0/1).
CATEGORICAL = tuple(f for f in FEATURES if FIELD_BY_NAME[f].kind == CATEGORY and len(FIELD_BY_NAME[f].categories) > 2)


def _lgb():
    """Return the lightgbm module, imported without its optional scikit-learn wrappers.

    lightgbm imports scikit-learn (and SciPy) when installed, which costs over a second at every
    start of the CLI; the wrappers are unused here, so the import is hidden from it once.
    """
    import sys

    if "lightgbm" not in sys.modules and "sklearn" not in sys.modules:
        sys.modules["sklearn"] = None  # type: ignore[assignment]  # makes `import sklearn` fail inside lightgbm's compat layer
        try:
            import lightgbm
        finally:
            del sys.modules["sklearn"]
    import lightgbm

    return lightgbm


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


def _augment(matrix: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return rows, labels and patient index: the originals followed by MASKED_COPIES masked copies."""
    rng = np.random.default_rng(seed)
    patients = np.arange(len(matrix))
    blocks = [matrix] + [mask_scenarios(matrix, rng) for _ in range(MASKED_COPIES)]
    copies = len(blocks)
    return np.vstack(blocks), np.tile(y, copies), np.tile(patients, copies)


def _dataset(x: np.ndarray, y: np.ndarray):
    categorical = [FEATURES.index(f) for f in CATEGORICAL]
    return _lgb().Dataset(x, label=y, feature_name=list(FEATURES), categorical_feature=categorical, free_raw_data=False)


def _patient_folds(patient: np.ndarray, n_patients: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return (train rows, validation rows) per fold; a patient's copies stay in one fold."""
    order = np.random.default_rng(seed).permutation(n_patients)
    fold_of = np.empty(n_patients, dtype=int)
    fold_of[order] = np.arange(n_patients) % FOLDS
    row_fold = fold_of[patient]
    return [(np.flatnonzero(row_fold != k), np.flatnonzero(row_fold == k)) for k in range(FOLDS)]


class TrainingCancelled(Exception):
    """Raised inside train_model when its caller asked it to stop."""


def _report(progress, should_stop, done: float, step: str) -> None:
    """Tell the caller how far training is, and stop it there when the caller asked."""
    if should_stop is not None and should_stop():
        raise TrainingCancelled(f"training stopped by the user at: {step}")
    if progress is not None:
        progress(done, step)


def _search(x, y, patient, n_patients: int, progress=None, should_stop=None) -> tuple[dict, list[dict]]:
    """Return the best parameters (with rounds) and the CV result of every grid point."""
    lgb = _lgb()
    folds = _patient_folds(patient, n_patients, seed=SEED)
    results = []
    for index, grid_point in enumerate(SEARCH_GRID):
        _report(progress, should_stop, 0.5 * index / len(SEARCH_GRID), f"settings {index + 1} of {len(SEARCH_GRID)}")
        params = {**_params_for(grid_point), "metric": "auc"}
        history = lgb.cv(
            params,
            _dataset(x, y),
            num_boost_round=MAX_ROUNDS,
            folds=folds,
            stratified=False,
            callbacks=[lgb.early_stopping(100, verbose=False)],
        )
        aucs = history["valid auc-mean"]
        results.append({**grid_point, "rounds": len(aucs), "cv_auc": round(float(aucs[-1]), 4)})
    best = max(results, key=lambda r: (r["cv_auc"], -r["num_leaves"]))
    return {**_params_for(best), "num_boost_round": best["rounds"]}, results


def _params_for(grid_point: dict) -> dict:
    params = {**BASE_PARAMS, "num_leaves": grid_point["num_leaves"], "min_data_in_leaf": grid_point["min_data_in_leaf"]}
    if grid_point["monotone"]:
        params["monotone_constraints"] = [MONOTONE.get(f, 0) for f in FEATURES]
    return params


def _train_members(x, y, patient, params: dict, seed: int) -> list:
    """Return MEMBERS boosters, each trained on a bootstrap sample of the patients present."""
    lgb = _lgb()
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


def _raw_mean(boosters, x: np.ndarray) -> np.ndarray:
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
        from icilens.explain import TreeExplainer

        if self._explainer is None:
            self._explainer = TreeExplainer(self.boosters)
        return self._explainer.shap_values(encode_features(frame), progress)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _feature_card(frame: pd.DataFrame) -> list[FeatureCard]:
    cards: list[FeatureCard] = []
    for name in FEATURES:
        spec = FIELD_BY_NAME[name]
        entry: FeatureCard = {"name": name, "label": spec.label, "unit": spec.unit, "type": spec.kind}
        if spec.categories:
            entry["categories"] = [c for c in spec.categories if c != OTHER_CANCER]
            counts = frame[name].astype(object).value_counts()
            entry["training_counts"] = {str(k): int(v) for k, v in counts.items()}
        else:
            values = frame[name].dropna()
            entry["training_range"] = (
                [round(float(values.min()), 4), round(float(values.max()), 4)] if len(values) else None
            )
            entry["training_p01_p99"] = (
                [round(float(values.quantile(0.01)), 4), round(float(values.quantile(0.99)), 4)]
                if len(values)
                else None
            )
        entry["training_missing"] = int(frame[name].isna().sum())
        entry["training_measured_share"] = round(float(frame[name].notna().mean()), 4)
        cards.append(entry)
    return cards


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
    lightgbm = _lgb()
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
        _report(progress, should_stop, 0.5 + 0.35 * k / FOLDS, f"out-of-fold predictions, fold {k + 1} of {FOLDS}")
        members = _train_members(x[train_rows], y[train_rows], patient[train_rows], params, seed=100 + k)
        oof[valid_rows] = _raw_mean(members, x[valid_rows])
    slope, intercept = fit_logistic(np.column_stack([oof, np.ones_like(oof)]), y)
    _report(progress, should_stop, 0.85, "the final ensemble")
    boosters = _train_members(x, y, patient, params, seed=SEED)

    original = np.arange(n)
    card: ModelCard = {
        "name": "ICI Lens response model",
        "icilens_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "lightgbm_version": lightgbm.__version__,
        "target": "objective response (RECIST complete or partial response) to immune checkpoint inhibitors",
        "features": _feature_card(labelled),
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
    _report(progress, should_stop, 0.95, "measuring the uncertainty range")
    card["uncertainty"] = describe_uncertainty(model, labelled, MISSING_SCENARIOS)
    model.training_oof = model.calibrate(oof[original])
    _report(progress, None, 1.0, "done")
    return model


def save_model(model: Model, directory: Path | str) -> Path:
    """Write the members as LightGBM text files and the card as JSON; return the directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for booster, file_name in zip(model.boosters, model.card["ensemble"]["files"], strict=True):
        (directory / file_name).write_text(booster.model_to_string(), encoding="utf-8")
    (directory / CARD_FILE).write_text(json.dumps(model.card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return directory


def load_model(directory: Path | str) -> Model:
    """Return the model stored in a folder or a zip (LightGBM text files plus model_card.json).

    The bundled model is read directly. Any other folder or zip is untrusted: its sizes are checked before
    its bytes are read, its text before LightGBM parses it, and LightGBM reads it first in a separate process.
    """
    from icilens import bundle  # bundle builds on Model: a real cycle, broken here

    directory = Path(directory)
    if directory.is_file() and directory.suffix.lower() == ".zip":
        bundle.check_zip_size(directory.stat().st_size, directory.name)
        return bundle.model_from_zip(directory.read_bytes(), directory.name)
    if not directory.is_dir():
        raise FileNotFoundError(
            f"{directory} is neither a model folder (LightGBM text files and {CARD_FILE}) nor a .zip; give one "
            "written by 'icilens train'."
        )
    if directory.resolve() != default_model_dir().resolve():
        return bundle.model_from_folder(directory)
    card = json.loads((directory / CARD_FILE).read_text(encoding="utf-8"))
    files = list(card["ensemble"]["files"])
    boosters = [_lgb().Booster(model_str=(directory / name).read_text(encoding="utf-8")) for name in files]
    return Model(boosters=boosters, card=card)


def default_model_dir() -> Path:
    """Return the folder of the bundled default model."""
    return BUNDLED / "model"


def file_sha256(path: Path | str) -> str:
    """Return the SHA-256 of a file's bytes."""
    return _sha256(Path(path).read_bytes())
