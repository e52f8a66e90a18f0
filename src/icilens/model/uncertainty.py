"""How far a prediction could move once its missing inputs are measured: a range with measured coverage.

A patient's missing inputs are filled, many times over, with the values of training patients of the same
cancer type (one donor per draw, so values measured together stay together), and the model predicts each
filled copy. The range is a central share of those predictions (the draw level), chosen on the training
patients as the smallest that holds the prediction with measured values at least 8 times in 10. A patient with every input measured has no
range from missing inputs; the model disagreement (spread of the ensemble members) is reported apart.

Coverage is measured on labelled patients by removing inputs they do have (TMB, blood values, ...) and
counting how often the prediction with the true values falls inside the range computed without them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.model.encoding import encode_features
from icilens.schema import FEATURES, OTHER_CANCER
from icilens.vocabulary import ModelCard

TARGET_COVERAGE = 0.8
DRAW_LEVELS = (0.8, 0.9, 0.95)
DRAWS = 40
SEED = 11
RANGE_METHOD = (
    f"{DRAWS} predictions with the missing inputs filled from a training patient of the same cancer type "
    "(all inputs from one donor per draw)"
)


def drop_features(frame: pd.DataFrame, names) -> pd.DataFrame:
    """Return a copy of frame with the named features set missing for every patient."""
    out = frame.copy()
    for name in names:
        out[name] = pd.Series([None] * len(out), index=out.index, dtype=out[name].dtype)
    return out


def _donor_rows(frame: pd.DataFrame, donors: pd.DataFrame, draws: int) -> np.ndarray:
    """Return, per patient and draw, the row of the donor frame that fills its missing inputs.

    The k-th draw takes the same relative position in every pool, so a patient's donors depend only on
    its cancer type: the same patient gets the same range in any cohort, or entered alone.
    """
    positions = np.random.default_rng(SEED).random(draws)
    donor_types = donors["cancer_type"].astype(object).to_numpy()
    everyone = np.arange(len(donors))
    chosen = np.tile(everyone[(positions * len(everyone)).astype(int)], (len(frame), 1))
    types = frame["cancer_type"].astype(object).to_numpy()
    for cancer in pd.unique(donor_types):
        if cancer == OTHER_CANCER or not isinstance(cancer, str):
            continue
        pool = np.flatnonzero(donor_types == cancer)
        chosen[types == cancer] = pool[(positions * len(pool)).astype(int)]
    return chosen


def estimate_ranges(
    model, frame: pd.DataFrame, donors: pd.DataFrame, draw_level: float | None = None, point=None
) -> tuple[np.ndarray, np.ndarray]:
    """Return (low, high): per patient, where its prediction would lie had its missing inputs been measured.

    draw_level defaults to the one in the model's card (chosen at training for TARGET_COVERAGE); point, the
    patients' predicted probabilities when the caller has them already.

    A patient without missing inputs gets low = high = its prediction. The range of a patient does not
    depend on the other patients of the cohort.
    """

    if not len(donors):
        raise ValueError("estimate_ranges needs donor patients (the training cohort) to fill missing inputs from")
    point = model.predict(frame).probability if point is None else np.asarray(point, dtype="float64")
    low, high = point.copy(), point.copy()
    missing = frame[list(FEATURES)].isna().to_numpy()
    incomplete = np.flatnonzero(missing.any(axis=1))
    if not len(incomplete):
        return low, high
    chosen = _donor_rows(frame.iloc[incomplete], donors, DRAWS)
    raw = _filled_outputs(
        model, encode_features(frame.iloc[incomplete]), missing[incomplete], encode_features(donors), chosen
    )
    probabilities = model.calibrate(raw)
    level = draw_level if draw_level is not None else card_draw_level(model.card)
    tail = (1 - level) / 2 * 100
    lows, highs = np.percentile(probabilities, [tail, 100 - tail], axis=1)
    low[incomplete] = np.minimum(lows, point[incomplete])
    high[incomplete] = np.maximum(highs, point[incomplete])
    return low, high


def _filled_outputs(
    model, patients: np.ndarray, missing: np.ndarray, donors: np.ndarray, chosen: np.ndarray
) -> np.ndarray:
    """Return the raw output of every (patient, draw): the patient's missing inputs filled from the drawn donor.

    Many draws repeat a copy: donors who agree on the inputs a patient lacks (often because they lack them
    too) fill it identically. Each distinct copy is built and predicted once, so the result is the same as
    predicting every draw, at a fraction of the cost and memory. ('Other' cancer type is a value, not
    missing, though the model reads it as NaN: only `missing` decides what is filled.)
    """
    patterns, pattern_of = np.unique(missing, axis=0, return_inverse=True)
    # Per missingness pattern, which donors fill it identically (compared bit for bit, so NaN equals NaN).
    same_fill = np.empty((len(patterns), len(donors)), dtype=np.int64)
    for k, pattern in enumerate(patterns):
        values = np.ascontiguousarray(donors[:, pattern]).view(np.uint64)
        same_fill[k] = np.unique(values, axis=0, return_inverse=True)[1].ravel()
    patient = np.repeat(np.arange(len(patients)), chosen.shape[1])
    key = patient * len(donors) + same_fill[pattern_of.ravel()[patient], chosen.ravel()]
    codes, unique_keys = pd.factorize(key)
    first = np.empty(len(unique_keys), dtype=np.intp)
    first[codes[::-1]] = np.arange(len(key) - 1, -1, -1)  # the earliest draw of each distinct copy
    rows, donor = patient[first], chosen.ravel()[first]
    copies = np.where(missing[rows], donors[donor], patients[rows])
    return model.predict_raw(copies)[codes].reshape(chosen.shape)


def card_draw_level(card: ModelCard) -> float:
    """Return the draw level recorded in a model card (the widest level for a card without one)."""
    return float(card.get("uncertainty", {}).get("draw_level", DRAW_LEVELS[-1]))


def measure_coverage(
    model, frame: pd.DataFrame, donors: pd.DataFrame, scenarios: dict, draw_level: float | None = None
) -> dict:
    """Return, per scenario {name: features removed}, how often the range without them held the full prediction.

    Each entry gives the patients counted (those who had at least one of the removed inputs), the coverage
    and the mean width of the range in probability points.
    """
    full = model.predict(frame).probability
    measured = {}
    for name, removed in scenarios.items():
        if not removed:
            continue
        had_any = frame[list(removed)].notna().any(axis=1).to_numpy()
        if not had_any.any():  # nobody had these inputs, so removing them tests nothing: not measured
            continue
        low, high = estimate_ranges(model, drop_features(frame, removed), donors, draw_level)
        inside = (low <= full + 1e-12) & (full <= high + 1e-12)
        measured[name] = {
            "patients": int(had_any.sum()),
            "coverage": round(float(inside[had_any].mean()), 4),
            "mean_width_points": round(float((high - low)[had_any].mean() * 100), 2),
        }
    return measured


def describe_uncertainty(model, training: pd.DataFrame, scenarios: dict) -> dict:
    """Return the card's uncertainty section: method, the draw level chosen on training and its coverage there."""
    for level in DRAW_LEVELS:
        coverage = measure_coverage(model, training, training, scenarios, level)
        if all(entry["coverage"] >= TARGET_COVERAGE for entry in coverage.values()):
            break
    return {
        "method": RANGE_METHOD,
        "target_coverage": TARGET_COVERAGE,
        "draw_level": level,
        "training_coverage": coverage,
    }


# A prediction is shown as a number only where its inputs carry it. Its validation measured how far missing
# inputs move it (the range); wider than this many points, the number says more about the model's average
# patient than about this one. Fewer measured inputs than MIN_MEASURED leave the model near its average by
# construction, however narrow the range.
MAX_RANGE_POINTS = 30
MIN_MEASURED = 5


def describe_estimability(low: float, high: float, measured: int, total: int) -> str:
    """Return why a prediction is not estimable from its inputs ("" when it is): too few inputs measured, or a
    range from the missing inputs wider than MAX_RANGE_POINTS percentage points."""
    if measured < MIN_MEASURED:
        return f"{measured} of {total} inputs measured, {MIN_MEASURED} needed"
    width = (high - low) * 100
    if width > MAX_RANGE_POINTS:
        return (
            f"{measured} of {total} inputs measured; the missing ones could move it anywhere from {low:.0%} to "
            f"{high:.0%}, wider than {MAX_RANGE_POINTS} points"
        )
    return ""


def describe_range(low: float, high: float, missing: int, card: ModelCard) -> str:
    """Return the plain meaning of a patient's range, with the coverage measured in the card's validation."""
    if missing == 0:
        return "Every input measured: no uncertainty from missing inputs."
    coverage = card.get("validation", {}).get("range_coverage", {})
    held = [entry["coverage"] for entry in coverage.values()]
    measured = (
        f" In validation ({card['validation']['patients']} patients, inputs removed on purpose) such ranges held "
        f"the prediction made with the true values for {min(held):.0%} to {max(held):.0%} of patients."
        if held
        else " This model's card has no measured coverage for these ranges."
    )
    inputs = "the missing input" if missing == 1 else f"the {missing} missing inputs"
    where = (
        f"would stay at about {low:.0%}"
        if round(low * 100) == round(high * 100)
        else f"would most likely lie between {low:.0%} and {high:.0%}"
    )
    return f"Had {inputs} been measured, the prediction {where}.{measured}"
