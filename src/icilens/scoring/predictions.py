"""One table of predictions per cohort: model probability, its uncertainty, references, missing data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.datasets import load_training
from icilens.model.ensemble import Model
from icilens.model.uncertainty import describe_estimability, estimate_ranges
from icilens.schema import FEATURES, FIELD_BY_NAME
from icilens.scoring.loris import compute_loris, flag_tmb_high, recalibrated_loris
from icilens.vocabulary import NOT_AVAILABLE, TMB_HIGH_LABEL, Column, describe_range_cell, shap_column


def predict_cohort(
    model: Model, frame: pd.DataFrame, explain: bool = False, progress=None, donors: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return one row per patient, in input order, with the model's and the reference predictions.

    range_low/range_high bound where the probability would lie had the missing inputs been measured
    (filled from donors, by default the bundled training cohort); probability_low/probability_high are
    the ensemble members' disagreement. With explain=True, adds model_output (log-odds), shap_base and one shap_<feature> column per
    feature; shap_base plus the shap columns equals model_output.
    """
    prediction = model.predict(frame)
    donors = load_training() if donors is None else donors
    range_low, range_high = estimate_ranges(model, frame, donors, point=prediction.probability)
    table = pd.DataFrame(
        {
            "patient_id": frame["patient_id"].astype(str).to_numpy(),
            Column.PROBABILITY: prediction.probability,
            Column.RANGE_LOW: range_low,
            Column.RANGE_HIGH: range_high,
            Column.PROBABILITY_LOW: prediction.low,
            Column.PROBABILITY_HIGH: prediction.high,
            Column.LORIS_SCORE: compute_loris(frame).to_numpy(),
            Column.LORIS_PROBABILITY: recalibrated_loris(frame, loris_recalibration(model)).to_numpy(),
            Column.TMB_HIGH: flag_tmb_high(frame).to_numpy(),
            Column.MISSING: [";".join(names) for names in prediction.missing],
            Column.ESTIMABLE: [
                describe_estimability(low, high, len(FEATURES) - len(names), len(FEATURES)) == ""
                for low, high, names in zip(range_low, range_high, prediction.missing, strict=True)
            ],
        }
    )
    if explain:
        base, shap = model.explain(frame, progress)
        table[Column.MODEL_OUTPUT] = prediction.model_output
        table[Column.SHAP_BASE] = base
        shap_columns = pd.DataFrame(shap, columns=[shap_column(f) for f in FEATURES])
        table = pd.concat([table, shap_columns], axis=1)
    return table


def loris_recalibration(model: Model) -> dict | None:
    """Return the LORIS recalibration stored in a model's card, or None for a card without one."""
    return model.card.get("references", {}).get("loris_recalibration")


def rank_patients(probability: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Return (rank with 1 = highest probability, percentile 0-100) for each patient, among the patients with a
    probability; missing for a patient without one, who is never ranked by a number not shown."""
    series = pd.Series(probability, dtype="float64")
    rank = series.rank(ascending=False, method="min").astype("Int64")
    percentile = (series.rank(pct=True, method="max") * 100).to_numpy()
    return rank, percentile


def build_patient_table(frame: pd.DataFrame, predictions: pd.DataFrame) -> pd.DataFrame:
    """Return the Patients table: one row per patient with probability, rank, references and missing data."""
    missing = predictions[Column.MISSING].fillna("")
    response = frame["response"].map({1: "responder", 0: "non-responder"}).astype(object)
    counts = missing.map(lambda names: len(names.split(";")) if names else 0)
    reasons = [
        describe_estimability(low, high, len(FEATURES) - n, len(FEATURES))
        for low, high, n in zip(predictions[Column.RANGE_LOW], predictions[Column.RANGE_HIGH], counts, strict=True)
    ]
    estimable = pd.Series([not r for r in reasons], index=predictions.index)
    rank, percentile = rank_patients(predictions[Column.PROBABILITY].where(estimable).to_numpy())
    return pd.DataFrame(
        {
            "patient_id": predictions["patient_id"],
            "cancer_type": frame["cancer_type"].astype(object).fillna(NOT_AVAILABLE).to_numpy(),
            # a number the inputs cannot carry is not shown (n/a), and the range cell says why
            "probability": (predictions[Column.PROBABILITY] * 100).where(estimable),
            Column.RANGE_LOW: predictions[Column.RANGE_LOW] * 100,
            Column.RANGE_HIGH: predictions[Column.RANGE_HIGH] * 100,
            "range": [
                f"not estimable: {reason}" if reason else describe_range_cell(p, low, high, n)
                for p, low, high, n, reason in zip(
                    predictions[Column.PROBABILITY],
                    predictions[Column.RANGE_LOW],
                    predictions[Column.RANGE_HIGH],
                    counts,
                    reasons,
                    strict=True,
                )
            ],
            "rank": rank.to_numpy(),
            "percentile": percentile,
            "loris": predictions[Column.LORIS_PROBABILITY] * 100,
            Column.LORIS_SCORE: predictions[Column.LORIS_SCORE],
            Column.TMB_HIGH: predictions[Column.TMB_HIGH]
            .map({True: "yes", False: "no"})
            .astype(object)
            .fillna("unknown"),
            "missing": counts,
            "observed": response.fillna("unknown").to_numpy(),
        }
    )


def flag_at_threshold(probability: pd.Series, threshold: float) -> pd.Series:
    """Return "yes"/"no" per patient for a predicted response (%) at or above threshold (0-1); "n/a" without one."""
    flags = (probability >= threshold * 100).map({True: "yes", False: "no"}).astype(object)
    return flags.where(probability.notna(), "n/a")


def filter_patients(
    table: pd.DataFrame,
    cancer_types: list[str] | None = None,
    probability_range: tuple[float, float] = (0, 100),
    max_missing: int | None = None,
    query: str = "",
) -> pd.DataFrame:
    """Return the rows of a patient table that pass every filter (id search is case-insensitive)."""
    keep = table["probability"].between(*probability_range)
    if tuple(probability_range) == (0, 100):  # a patient without an estimable number is filtered out by none
        keep |= table["probability"].isna()
    if cancer_types:
        keep &= table["cancer_type"].isin(cancer_types)
    if max_missing is not None:
        keep &= table["missing"] <= max_missing
    if query.strip():
        keep &= table["patient_id"].str.contains(query.strip(), case=False, regex=False)
    return table[keep]


PERCENT_COLUMNS = (
    Column.PROBABILITY,
    Column.RANGE_LOW,
    Column.RANGE_HIGH,
    Column.PROBABILITY_LOW,
    Column.PROBABILITY_HIGH,
)


# With tumour RNA-seq (icilens.transcriptome.rna_predictions writes these columns).
TRANSCRIPTOME_LABELS = {
    "expression_sample": "Expression sample",
    "transcriptome_probability": "Transcriptome: predicted response",
    "transcriptome_range_low": "Transcriptome: range if measured, low",
    "transcriptome_range_high": "Transcriptome: range if measured, high",
    "transcriptome_percentiles": "Transcriptome: percentiles taken",
    "transcriptome_missing_reason": "Transcriptome: why missing",
}
TRANSCRIPTOME_PERCENT = ("transcriptome_probability", "transcriptome_range_low", "transcriptome_range_high")


def readable_predictions(table: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Return predictions with plain column labels for a spreadsheet, and the labels of the percent columns.

    Probabilities stay fractions (the spreadsheet shows them as percentages); SHAP columns name their feature.
    """

    labels = {
        "patient_id": "Patient",
        Column.PROBABILITY: "Predicted response",
        Column.RANGE_LOW: "Range if measured, low",
        Column.RANGE_HIGH: "Range if measured, high",
        Column.PROBABILITY_LOW: "Model disagreement, low",
        Column.PROBABILITY_HIGH: "Model disagreement, high",
        Column.LORIS_SCORE: "LORIS, published score (not a probability)",
        Column.LORIS_PROBABILITY: "LORIS (recalibrated)",
        Column.TMB_HIGH: TMB_HIGH_LABEL,
        Column.MISSING: "Missing inputs",
        Column.ESTIMABLE: "Estimable from its inputs",
        Column.MODEL_OUTPUT: "Model output (log-odds, before calibration)",
        Column.SHAP_BASE: "SHAP base value (log-odds)",
        **{shap_column(f): f"SHAP: {FIELD_BY_NAME[f].label} (log-odds)" for f in FEATURES},
        **TRANSCRIPTOME_LABELS,
    }
    readable = table.rename(columns=labels)
    readable["Missing inputs"] = table[Column.MISSING].map(
        lambda names: ", ".join(FIELD_BY_NAME[n].label for n in names.split(";")) if names else "none"
    )
    readable[TMB_HIGH_LABEL] = table[Column.TMB_HIGH].map({True: "yes", False: "no"}).astype(object).fillna("unknown")
    if Column.ESTIMABLE in table:
        readable["Estimable from its inputs"] = table[Column.ESTIMABLE].map({True: "yes", False: "no"})
    percent = [*(labels[c] for c in PERCENT_COLUMNS), "LORIS (recalibrated)"]
    percent += [TRANSCRIPTOME_LABELS[c] for c in TRANSCRIPTOME_PERCENT if c in table]
    return readable, tuple(percent)


def describe_first_ranked(table: pd.DataFrame) -> str:
    """Return why the first patient of a Patients table (by rank) comes first: the highest-ranked, the first of
    a tie, or the first of the file when no prediction is estimable."""
    if table["probability"].isna().all():
        return "no clinical prediction here is estimable, so none ranks first; this is the first patient of the file."
    tied = int((table["rank"] == 1).sum())
    if tied > 1:
        return f"{tied} patients share the highest predicted response; this is the first of them in the file's order."
    return "this is the highest-ranked patient of the cohort."
