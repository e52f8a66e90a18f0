"""A patient's transcriptome prediction in words: what each signature did, and each descriptor's level."""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.transcriptome.catalogue import find_descriptor, list_descriptors, percentile_column
from icilens.transcriptome.descriptors import describe_descriptor
from icilens.transcriptome.loco import MODEL_SCORE
from icilens.transcriptome.rna_predictions import (
    AGAINST_REFERENCE,
    PERCENTILES,
    PROBABILITY,
    descriptor_column,
    shap_transcriptome_column,
)
from icilens.transcriptome.selection import BENCHMARK
from icilens.transcriptome.signature_model import SignatureModel
from icilens.transcriptome.signatures import load_signatures
from icilens.vocabulary import describe_points

# The descriptors a reader is shown, in this order, on the Patient and Compare pages and in the PDF.
REPORTED_DESCRIPTORS = [d.name for d in list_descriptors()]
MIN_POINTS = 0.5  # a signature that moved the prediction by less than this is not called a driver


def ordinal(number: int) -> str:
    """Return 1st, 2nd, 3rd, 4th, 11th, 22nd ..."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def describe_level(percentile: float) -> str:
    """Return a percentile (0 to 1) in words: "in the top decile", "high", "mid-range", "low", "in the bottom decile"."""
    if pd.isna(percentile):
        return "not measured"
    if percentile >= 0.9:
        return "in the top decile"
    if percentile >= 2 / 3:
        return "high"
    if percentile > 1 / 3:
        return "mid-range"
    if percentile > 0.1:
        return "low"
    return "in the bottom decile"


def signature_points(row: pd.Series, model: SignatureModel) -> pd.Series:
    """Return each measured signature's move of the probability, in percentage points, from the average
    patient's probability to this one; shares of the log-odds, scaled to add up to the whole move."""
    shares = pd.Series({s: row.get(shap_transcriptome_column(s), np.nan) for s in model.signatures}, dtype="float64")
    probability = row.get(PROBABILITY, np.nan)
    if pd.isna(probability) or shares.notna().sum() == 0:
        return shares * np.nan
    base = 1.0 / (1.0 + np.exp(-model.intercept))
    total = shares.sum(skipna=True)
    move = (probability - base) * 100
    # log-odds shares turned into points by the average slope of the logistic curve between base and here
    return shares * (move / total) if abs(total) > 1e-12 else shares * 0.0


def base_probability(model: SignatureModel) -> float:
    """Return the transcriptome model's probability for a patient at the middle of every signature."""
    return float(1.0 / (1.0 + np.exp(-model.intercept)))


def where_percentiles(row: pd.Series) -> str:
    """Return the group the patient's percentiles place it in: "the reference cohorts" or "this upload"."""
    return "the reference cohorts" if row.get(PERCENTILES) == AGAINST_REFERENCE else "this upload"


def mean_percentile(row: pd.Series, model: SignatureModel) -> float:
    """Return the plain mean of the patient's measured signature percentiles (NaN with none measured)."""
    columns = [percentile_column(s) for s in model.signatures]
    return float(pd.to_numeric(row.reindex(columns), errors="coerce").mean())


def describe_standing(row: pd.Series, model: SignatureModel) -> str:
    """Return the transcriptome prediction as what it is, a ranking: where the patient's signatures stand on
    average among the treated reference patients (or within the upload, for z-scores and panels), not a chance."""
    mean = mean_percentile(row, model)
    if pd.isna(mean):
        return ""
    group = (
        "the treated patients of the reference cohorts" if where_percentiles(row) != "this upload" else "this upload"
    )
    return (
        f"Its signatures stand, on average, at the {ordinal(round(mean * 100))} percentile of {group}. "
        "This is a ranking, not a chance of response: across cohorts the model's probabilities are not calibrated "
        "(Model page)."
    )


def describe_transcriptome_model(model: SignatureModel) -> str:
    """Return the transcriptome model in words with its validation from its card: what it weighs, its mean
    leave-one-cohort-out ROC AUC beside IFN-gamma 6's, and the pooled difference with its interval."""
    design = (
        f"averages the percentiles of {len(model.signatures)} immune signatures"
        if model.weights is None
        else f"weighs the percentiles of {len(model.signatures)} immune signatures by a Cox model of overall survival"
    )
    rows = [r for r in model.card.get("validation", {}).get("table", []) if r.get(MODEL_SCORE) and r.get(BENCHMARK)]
    sentence = f"The transcriptome model {design}, calibrated to response."
    if rows:
        ours, theirs = np.mean([r[MODEL_SCORE][0] for r in rows]), np.mean([r[BENCHMARK][0] for r in rows])
        sentence += (
            f" Across {len(rows)} reference cohorts left out one at a time its mean ROC AUC is {ours:.2f}, "
            f"{BENCHMARK}'s {theirs:.2f}."
        )
    pooled = model.card.get("selection", {}).get("difference_from_benchmark", {}).get("pooled")
    if pooled:
        verdict = "includes" if pooled["low"] <= 0 <= pooled["high"] else "excludes"
        sentence += (
            f" Chosen and judged without each cohort, it differs from {BENCHMARK} by {pooled['estimate']:+.3f} "
            f"(95% CI {pooled['low']:+.3f} to {pooled['high']:+.3f}), an interval that {verdict} zero."
        )
    return sentence + " Read it as a ranking more than as a chance: details on the Model page."


def describe_negative_weights(model: SignatureModel) -> str:
    """Return what a negative weight does to a patient's bars, naming the signatures the model weighs negatively;
    "" when it weighs none."""
    negative = [describe_descriptor(s) for s, w in zip(model.signatures, model.weights or (), strict=False) if w < 0]
    if not negative:
        return ""
    names = " and ".join(negative)
    return (
        f"{names} carries a negative weight in this model: the five signatures share genes and rise together, and "
        f"given the other four a higher {names} went with shorter survival in the training cohorts. So a low {names} "
        "raises the prediction and a high one lowers it: read its bar as the model's arithmetic, not as biology."
    )


def describe_position(percentile: float, where: str) -> str:
    """Return a level with its group: "in the top decile of this cohort", "high for this cohort"."""
    level = describe_level(percentile)
    return f"{level} of {where}" if "decile" in level else f"{level} for {where}"


def describe_transcriptome_drivers(row: pd.Series, model: SignatureModel, top: int = 3) -> list[str]:
    """Return up to top sentences, largest move first, naming measured signatures only."""
    points = signature_points(row, model).dropna()
    points = points[points.abs() >= MIN_POINTS].sort_values(key=np.abs, ascending=False)
    sentences = []
    for signature, value in points.head(top).items():
        percentile = row.get(percentile_column(signature), np.nan)
        direction = "raised" if value > 0 else "lowered"
        sentences.append(
            f"{describe_descriptor(signature)}, {describe_position(percentile, where_percentiles(row))}, {direction} "
            f"the transcriptome prediction by {describe_points(value)}"
        )
    return sentences


def waterfall_labels(row: pd.Series, model: SignatureModel) -> list[str]:
    """Return the waterfall's bar labels: each signature with its level ("GEP (high)")."""
    labels = []
    for signature in model.signatures:
        percentile = row.get(percentile_column(signature), np.nan)
        labels.append(f"{describe_descriptor(signature)} ({describe_level(percentile)})")
    return labels


def descriptor_table(row: pd.Series, descriptors: list[str]) -> pd.DataFrame:
    """Return one row per descriptor: its label, value, level among the percentiles' cohort, or why missing."""
    rows = []
    for name in descriptors:
        value = row.get(descriptor_column(name), np.nan)
        percentile = row.get(percentile_column(name), np.nan)
        fraction = name.startswith("fraction_")
        shown = "not computed" if pd.isna(value) else (f"{value:.1%}" if fraction else f"{value:.2f}")
        level = (
            "not ranked (not a model input)"
            if pd.isna(percentile)
            else f"{describe_level(percentile)} ({ordinal(round(percentile * 100))} percentile)"
        )
        rows.append({"descriptor": spell_out(name), "value": shown, "unit": unit_of(name), "level": level})
    return pd.DataFrame(rows)


def spell_out(name: str) -> str:
    """Return a descriptor's name as a reader can follow it: an abbreviation spelled out ("Cytolytic activity
    (CYT)"), other names as they are."""
    signature = load_signatures().get(name.removeprefix("signature_"))
    if signature is None:
        return describe_descriptor(name)
    if not signature.short.isupper():  # "IFN-gamma 6" reads as it is
        return signature.short
    return signature.label if signature.short in signature.label else f"{signature.label} ({signature.short})"


def unit_of(name: str) -> str:
    """Return the unit of a descriptor's value, as the catalogue declares it; "" for a name it does not know."""
    try:
        return find_descriptor(name).unit
    except KeyError:
        return ""
