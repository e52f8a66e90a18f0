"""One patient's explanation in clinical words: values with units, drivers, and input warnings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from icilens.model.treeshap import to_probability_points
from icilens.model.uncertainty import describe_estimability, describe_range
from icilens.schema import COMPARED_ONLY, FEATURES, FIELD_BY_NAME, OTHER_CANCER
from icilens.scoring.predictions import predict_cohort
from icilens.vocabulary import Column, ModelCard, describe_points, shap_column

RARE_TYPE_PATIENTS = 30


def format_value(field: str, value) -> str:
    """Return a value with its unit as a clinician reads it ('3.1 g/dL', 'yes', 'missing')."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "missing"
    spec = FIELD_BY_NAME[field]
    if spec.categories:
        return str(value)
    number = float(value)
    text = (
        f"{number:.0f}" if abs(number) >= 100 or spec.whole else f"{number:.3g}" if abs(number) < 1 else f"{number:.1f}"
    )
    unit = spec.display_unit if spec.unit not in ("ratio", "score", "fraction 0-1") else ""
    return f"{text} {unit}".strip() if unit != "%" else f"{text}%"


def field_and_value(field: str, value) -> str:
    """Return 'Label = value unit' for chart bars and sentences."""
    return f"{FIELD_BY_NAME[field].label} = {format_value(field, value)}"


def describe_recorded(row: pd.Series) -> str:
    """Return the fields kept for comparison but never a model input that this patient has, in one sentence
    ("" when none): "Also recorded, not a model input: ECOG performance status 1."."""
    recorded = [field_and_value(f, row[f]).replace(" = ", " ") for f in COMPARED_ONLY if pd.notna(row.get(f))]
    return f"Also recorded, not a model input: {', '.join(recorded)}." if recorded else ""


def describe_drivers(row: pd.Series, points: np.ndarray, top: int = 3) -> list[str]:
    """Return plain sentences for the features that moved this prediction most, largest first.

    points are the contributions in probability points (0-1 scale) in FEATURES order.
    """
    points = np.asarray(points, dtype="float64")
    if points.shape != (len(FEATURES),):
        raise ValueError(f"describe_drivers needs one contribution per feature ({len(FEATURES)}), got {points.shape}")
    # Only measured inputs are drivers: a missing value is not a reason, and what the missing inputs did
    # together is said once, beside the range that says how far measuring them could move the prediction.
    measured = np.array([not pd.isna(row.get(field)) for field in FEATURES])
    sentences = []
    for index in np.argsort(-np.abs(np.where(measured, points, 0.0)))[:top]:
        size = points[index] * 100
        if not measured[index] or abs(size) < 0.5:
            break
        field = FEATURES[index]
        direction = "raised" if size > 0 else "lowered"
        sentences.append(
            f"{field_and_value(field, row[field])} {direction} the predicted chance of response by "
            f"{describe_points(size)}."
        )
    if not sentences:
        sentences = ["No measured input moved this prediction by more than half a percentage point."]
    together = float(points[~measured].sum()) * 100
    if (~measured).any() and abs(together) >= 0.5:
        sentences.append(
            f"The {int((~measured).sum())} missing inputs together {'raised' if together > 0 else 'lowered'} it by "
            f"{describe_points(together)}: what the model assumes "
            "without them, not a finding about the patient."
        )
    return sentences


@dataclass(frozen=True)
class InputNote:
    """Something about a patient's inputs the clinician should know: kind is missing, range or type."""

    kind: str
    field: str
    text: str


MISSING_NOTE = (
    "The model followed the branch it learned for each missing value; a measured value could move the prediction "
    "either way (the range above says how far)."
)


def review_inputs(row: pd.Series, card: ModelCard) -> list[InputNote]:
    """Return notes on missing features, values outside the training range and rare cancer types."""
    features = {f["name"]: f for f in card["features"]}
    notes = []
    for field in FEATURES:
        value, spec = row[field], FIELD_BY_NAME[field]
        if pd.isna(value):
            # Named only: what the missing inputs did is said once, together, by the range.
            notes.append(InputNote("missing", field, spec.label))
            continue
        bounds = features[field].get("training_p01_p99")
        if bounds and not bounds[0] <= float(value) <= bounds[1]:
            notes.append(
                InputNote(
                    "range",
                    field,
                    (
                        f"{field_and_value(field, value)} lies outside the central 98% of training patients "
                        f"({format_value(field, bounds[0])} to {format_value(field, bounds[1])}): the model treats it like the "
                        "most extreme training values and cannot extrapolate further."
                    ),
                )
            )
    cancer = row["cancer_type"]
    counts = features["cancer_type"].get("training_counts", {})
    if not pd.isna(cancer):
        seen = counts.get(str(cancer), 0)
        if cancer == OTHER_CANCER or seen == 0:
            notes.append(
                InputNote(
                    "type",
                    "cancer_type",
                    (
                        "This cancer type was absent from training: the model treats the type as unknown, so its "
                        "prediction rests on the other features only."
                    ),
                )
            )
        elif seen < RARE_TYPE_PATIENTS:
            notes.append(
                InputNote(
                    "type",
                    "cancer_type",
                    (f"{cancer} is rare in training ({seen} patients): the model's view of this type is uncertain."),
                )
            )
    return notes


@dataclass
class PatientExplanation:
    """Everything the Patient page shows about one prediction."""

    patient_id: str
    probability: float
    low: float  # model disagreement: the ensemble members' spread
    high: float
    range_low: float  # where the probability would lie had the missing inputs been measured
    range_high: float
    missing: list[str]  # model features without a value
    loris: float  # LORIS recalibrated to a probability (NaN when one of its inputs is missing)
    loris_score: float  # the published raw LORIS score
    tmb_high: bool | None
    base_raw: float
    shap: np.ndarray  # log-odds, FEATURES order
    base_probability: float
    points: np.ndarray  # probability points (0-1 scale), FEATURES order
    labels: list[str]
    drivers: list[str]
    notes: list[InputNote]
    not_estimable: str = ""  # why the inputs cannot carry a number for this patient ("" when they can)


def explain_patient(model, patient: pd.DataFrame, scored: pd.Series | None = None) -> PatientExplanation:
    """Return the prediction, exact SHAP values in log-odds and probability points, drivers and notes.

    scored, when given, is the patient's row of `predict_cohort(..., explain=True)`: nothing is recomputed.
    """
    if len(patient) != 1:
        raise ValueError("explain_patient takes a frame with exactly one patient")
    if scored is None:
        scored = predict_cohort(model, patient, explain=True).iloc[0]
    shap = scored[[shap_column(f) for f in FEATURES]].to_numpy(dtype="float64")
    base_raw = float(scored[Column.SHAP_BASE])
    base_p, points, final_p = to_probability_points(shap, base_raw, model.calibrate)
    row = patient.iloc[0]
    missing = [name for name in FEATURES if pd.isna(row[name])]
    range_low, range_high = float(scored[Column.RANGE_LOW]), float(scored[Column.RANGE_HIGH])
    return PatientExplanation(
        patient_id=str(row["patient_id"]),
        probability=float(final_p),
        low=float(scored[Column.PROBABILITY_LOW]),
        high=float(scored[Column.PROBABILITY_HIGH]),
        range_low=range_low,
        range_high=range_high,
        missing=missing,
        loris=float(scored[Column.LORIS_PROBABILITY]),
        loris_score=float(scored[Column.LORIS_SCORE]),
        tmb_high=None if pd.isna(scored[Column.TMB_HIGH]) else bool(scored[Column.TMB_HIGH]),
        base_raw=base_raw,
        shap=shap,
        base_probability=base_p,
        points=points,
        labels=[field_and_value(f, row[f]) for f in FEATURES],
        drivers=describe_drivers(row, points),
        notes=review_inputs(row, model.card),
        not_estimable=describe_estimability(range_low, range_high, len(FEATURES) - len(missing), len(FEATURES)),
    )


def waterfall_bars(explanation: PatientExplanation, log_odds: bool = False) -> tuple[list[str], np.ndarray]:
    """Return the waterfall's bars: one per measured input, and one for all missing inputs together.

    The bars still add up exactly to the prediction (probability points, or log-odds with log_odds=True).
    """
    values = explanation.shap if log_odds else explanation.points
    missing = np.array([field in set(explanation.missing) for field in FEATURES])
    labels = [label for label, gone in zip(explanation.labels, missing, strict=True) if not gone]
    bars = list(values[~missing])
    if missing.any():
        labels.append(f"{int(missing.sum())} missing inputs together")
        bars.append(float(values[missing].sum()))
    return labels, np.asarray(bars, dtype="float64")


def format_prediction(explanation: PatientExplanation, card: ModelCard, explain: bool = False) -> str:
    """Return one patient's prediction as plain text: probability, range, references, and the contributions."""

    tmb = {None: "unknown (TMB missing)", True: "yes", False: "no"}[explanation.tmb_high]
    loris = (
        "not computable: one of its six inputs is missing"
        if np.isnan(explanation.loris)
        else f"{explanation.loris:.0%} (published raw score {explanation.loris_score:.2f}, not a probability)"
    )
    headline = (
        f"Predicted response: not estimable ({explanation.not_estimable}); the model's output, "
        f"{explanation.probability:.1%}, is not a prediction for this patient"
        if explanation.not_estimable
        else f"Predicted response: {explanation.probability:.1%} (about {round(explanation.probability * 100)} of "
        "100 patients like this one respond)"
    )
    lines = [
        headline,
        describe_range(explanation.range_low, explanation.range_high, len(explanation.missing), card),
        f"Model disagreement: {explanation.low:.0%} to {explanation.high:.0%} (ensemble spread, not a confidence interval)",
        f"LORIS (recalibrated): {loris}",
        f"TMB >= 10 mut/Mb: {tmb}",
        "Missing inputs: " + (", ".join(FIELD_BY_NAME[n].label for n in explanation.missing) or "none"),
        *[f"- {sentence}" for sentence in explanation.drivers],
    ]
    if explain:
        lines += [
            "",
            f"Contributions, from the average patient ({explanation.base_probability:.1%}) to this one:",
            f"{'feature = value':58} {'points':>8} {'log-odds':>9}",
        ]
        order = np.argsort(-np.abs(explanation.points), kind="stable")
        lines += [
            f"{explanation.labels[i][:58]:58} {explanation.points[i] * 100:+8.2f} {explanation.shap[i]:+9.4f}"
            for i in order
        ]
        lines.append(
            f"{'sum':58} {explanation.points.sum() * 100:+8.2f} {explanation.shap.sum():+9.4f} "
            f"(log-odds {explanation.base_raw:+.4f} -> {explanation.base_raw + explanation.shap.sum():+.4f} before calibration)"
        )
    return "\n".join(lines)


def what_if_curve(model, patient: pd.DataFrame, feature: str, points: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Return (values, calibrated probabilities) for one patient as one numeric feature sweeps its range.

    The range is the central 98% of the training patients (from the model card), widened to hold the
    patient's own value; everything else stays as measured.
    """
    spec = FIELD_BY_NAME[feature]
    if spec.categories or len(patient) != 1:
        raise ValueError("what_if_curve takes one patient and a numeric feature")
    card = {f["name"]: f for f in model.card["features"]}[feature]
    low, high = card.get("training_p01_p99") or spec.bounds
    own = patient[feature].iloc[0]
    if not pd.isna(own):
        low, high = min(low, float(own)), max(high, float(own))
    values = np.linspace(low, high, points)
    copies = patient.loc[patient.index.repeat(points)].reset_index(drop=True)
    copies[feature] = values
    return values, model.predict(copies).probability


def inputs_side_by_side(first: PatientExplanation, second: PatientExplanation) -> pd.DataFrame:
    """Return two patients' inputs and contributions (probability points) side by side, largest difference first."""
    table = pd.DataFrame(
        {
            "feature": [FIELD_BY_NAME[f].label for f in FEATURES],
            first.patient_id: [label.split(" = ", 1)[-1] for label in first.labels],
            f"{first.patient_id}: points": np.round(first.points * 100, 1),
            second.patient_id: [label.split(" = ", 1)[-1] for label in second.labels],
            f"{second.patient_id}: points": np.round(second.points * 100, 1),
        }
    )
    gap = np.abs(first.points - second.points)
    return table.iloc[np.argsort(-gap, kind="stable")].reset_index(drop=True)
