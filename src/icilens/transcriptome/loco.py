"""Leave-one-cohort-out validation: each cohort scored by candidates trained on the other cohorts only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.analysis.metrics import MIN_PER_OUTCOME, bootstrap_ci, roc_auc
from icilens.transcriptome.candidates import Candidate
from icilens.transcriptome.catalogue import select_descriptors
from icilens.transcriptome.reference_cohorts import (
    label_cohort,
    load_reference_cohorts,
    place_cohort,
    rank_within_cohort,
)

# COMPASS's leave-one-cohort-out ROC AUCs (Shen et al. 2025) from one published run, every cohort it shares with
# ours quoted (Snyder included): mims-harvard/COMPASS commit 15feee94630f31d3ae2285b994499af0b683c516, MIT,
# paper/04_model_performance/02_leave_one_cohort_out/conceptor_run/LOCO_a100/LOCO_PFT_42/metric_performance.tsv.
# Its mean over these 7 cohorts is 0.650; the same design with seeds 24 and 64 gives 0.647 and 0.667.
COMPASS_RUN = "COMPASS partial fine-tuning, seed 42 (LOCO_PFT_42)"
COMPASS_PUBLISHED = {
    "Gide": 0.81,
    "Hugo": 0.58,
    "Liu": 0.73,
    "Riaz": 0.78,
    "Miao1": 0.33,
    "Van_Allen": 0.91,
    "Snyder": 0.41,
}
MODEL_SCORE = "ICI Lens transcriptome model"
PROBABILITY_COLUMN = "transcriptome_probability"
UNTRAINED = {"CYT": "signature_cyt", "IFN-gamma 6": "signature_ifng6", "GEP": "signature_gep", "TMB": "tmb_per_mb"}
MIN_SCORED = 10  # fewer scored patients than this give no AUC


def with_ranks(table: pd.DataFrame, within_cohort: bool = False) -> pd.DataFrame:
    """Return table with `rank_<descriptor>` columns: each descriptor's and TMB's percentile as the cohort's upload
    would get it (among the other cohorts' pooled patients, within itself for a panel; see place_cohort), or
    within its own cohort (within_cohort)."""
    columns = table[[*select_descriptors(in_candidates=True), "tmb_per_mb"]]
    if within_cohort:
        ranks = rank_within_cohort(columns, table["cohort"])
    else:
        ranks = pd.concat(
            [
                place_cohort(columns[(table["cohort"] == cohort).to_numpy()], cohort)
                for cohort in table["cohort"].unique()
            ]
        ).loc[table.index]
    return table.assign(**ranks.add_prefix("rank_"))


def auc_with_interval(y: np.ndarray, scores: np.ndarray, n_boot: int = 1000) -> tuple[float, float, float] | None:
    """Return (AUC, low, high) with a bootstrap 95% CI (1,000 draws unless told), or None when too few patients
    are scored."""
    keep = np.isfinite(scores)
    if keep.sum() < MIN_SCORED or len(np.unique(y[keep])) < 2:
        return None
    return bootstrap_ci(roc_auc, y[keep], scores[keep], n_boot=n_boot, seed=0)


def leave_one_cohort_out(table: pd.DataFrame, candidates: dict[str, Candidate]) -> pd.DataFrame:
    """Return one row per cohort: n, responders, the untrained single scores' and each candidate's AUC with CI,
    and COMPASS's published AUC where there is one. table holds `rank_` columns (see with_ranks)."""
    rows = []
    for cohort in table["cohort"].unique():
        held = (table["cohort"] == cohort).to_numpy()
        y = table.loc[held, "response"].to_numpy(dtype=int)
        row: dict[str, object] = {"cohort": cohort, "n": int(held.sum()), "responders": int(y.sum())}
        for label, column in UNTRAINED.items():
            row[label] = auc_with_interval(y, table.loc[held, column].to_numpy(dtype=float))
        for label, fit in candidates.items():
            row[label] = auc_with_interval(y, np.asarray(fit(table.loc[~held], table.loc[held]), dtype=float))
        row["COMPASS (published)"] = COMPASS_PUBLISHED.get(str(cohort))
        rows.append(row)
    return pd.DataFrame(rows)


def out_of_fold_predictions(table: pd.DataFrame, candidate: Candidate) -> np.ndarray:
    """Return every patient's prediction by the candidate trained without the patient's cohort."""
    predictions = np.full(len(table), np.nan)
    for cohort in table["cohort"].unique():
        held = (table["cohort"] == cohort).to_numpy()
        predictions[held] = candidate(table.loc[~held], table.loc[held])
    return predictions


SHOWN = (MODEL_SCORE, "CYT", "IFN-gamma 6", "GEP", "TMB", "COMPASS (published)")


def validation_table(card: dict) -> pd.DataFrame:
    """Return the card's leave-one-cohort-out table for reading: one row per cohort, "AUC (low to high)" cells,
    blank where a score could not be computed, and a last row of means."""
    rows = card.get("validation", {}).get("table", [])
    if not rows:
        return pd.DataFrame()
    shown = []
    for row in rows:
        cells = {
            "cohort": label_cohort(row["cohort"]),
            "patients (responders)": f"{row['n']} ({row['responders']})",
        }
        for column in SHOWN:
            value = row.get(column)
            if isinstance(value, list):
                cells[column] = f"{value[0]:.2f} ({value[1]:.2f} to {value[2]:.2f})"
            else:
                cells[column] = "" if value is None else f"{value:.2f}"
        shown.append(cells)
    means = {
        "cohort": "mean",
        "patients (responders)": f"{sum(r['n'] for r in rows)} ({sum(r['responders'] for r in rows)})",
    }
    for column in SHOWN:
        values = [r[column][0] if isinstance(r.get(column), list) else r.get(column) for r in rows]
        values = [v for v in values if v is not None]
        means[column] = f"{np.mean(values):.2f} ({len(values)} cohorts)" if values else ""
    return pd.DataFrame([*shown, means])


def score_table(predictions: pd.DataFrame, observed: pd.Series) -> pd.DataFrame:
    """Return, on one cohort's patients with a transcriptome prediction and an observed response (1 or 0), the
    transcriptome model's ROC AUC (95% CI) beside CYT, IFN-gamma 6 and GEP alone; empty when too few."""
    keep = predictions[PROBABILITY_COLUMN].notna().to_numpy() & observed.notna().to_numpy()
    y = observed[keep].to_numpy(dtype=int)
    if min(int(y.sum()), int((y == 0).sum())) < MIN_PER_OUTCOME:  # the clinical model's minimum, the same here
        return pd.DataFrame()
    scores = {
        "ICI Lens transcriptome model": PROBABILITY_COLUMN,
        "CYT": "descriptor_cyt",
        "IFN-gamma 6": "descriptor_ifng6",
        "GEP": "descriptor_gep",
    }
    rows = []
    for label, column in scores.items():
        result = auc_with_interval(y, predictions.loc[keep, column].to_numpy(dtype=float))
        if result is not None:
            rows.append(
                {
                    "score": label,
                    "patients": int(keep.sum()),
                    "responders": int(y.sum()),
                    "ROC AUC (95% CI)": f"{result[0]:.2f} ({result[1]:.2f} to {result[2]:.2f})",
                }
            )
    return pd.DataFrame(rows)


def describe_training_overlap(samples: pd.Series, card: dict) -> str:
    """Return, when most of a cohort's expression samples were among the model's training patients, which cohort
    and that cohort's out-of-fold figure from the validation (the honest one); "" otherwise."""
    reference = load_reference_cohorts()
    cohorts = reference.drop_duplicates("sample").set_index("sample")["cohort"]
    found = samples.dropna().astype(str).map(cohorts).dropna()
    if found.empty or len(found) < 0.5 * samples.notna().sum():
        return ""
    cohort = found.mode().iloc[0]
    trained = {c["cohort"]: c for c in card.get("training", {}).get("cohorts", [])}
    if cohort not in trained:
        return ""
    row: dict = next((r for r in card.get("validation", {}).get("table", []) if r["cohort"] == cohort), {})
    auc = row.get("ICI Lens transcriptome model")
    figure = (
        f" Its figure from the validation, scored by the model fitted without it: {auc[0]:.2f} (95% CI {auc[1]:.2f} to {auc[2]:.2f})."
        if auc
        else ""
    )
    means = [
        r["ICI Lens transcriptome model"][0]
        for r in card.get("validation", {}).get("table", [])
        if r.get("ICI Lens transcriptome model")
    ]
    mean = f" Across the {len(means)} validation cohorts the mean is {sum(means) / len(means):.2f}." if means else ""
    return (
        f"{len(found)} of these samples are patients of {trained[cohort].get('study', cohort)}, one of the cohorts "
        f"the transcriptome model was fitted on, so the figure below flatters it.{figure}{mean}"
    )
