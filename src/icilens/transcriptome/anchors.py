"""Published figures our evidence is read beside: COMPASS's overall survival by its predicted response, and ours
on the same cohorts split the same way as far as our scores allow."""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.analysis.survival import logrank_test, survival_at
from icilens.transcriptome.loco import MODEL_SCORE, PROBABILITY_COLUMN, UNTRAINED
from icilens.transcriptome.reference_cohorts import label_cohort

# COMPASS's published overall survival by its leave-one-cohort-out prediction (each cohort scored by the model
# fitted without it), in two groups: P(response) >= 0.5 against below. 12-month survival (95% CI) as the notebook
# printed it; group sizes and log-rank P from the two figures.
COMPASS_SURVIVAL_RUN = "COMPASS partial fine-tuning, leave-one-cohort-out, notebook Cox_PFT_response_KM"
COMPASS_SURVIVAL_SOURCE = (
    f"{COMPASS_SURVIVAL_RUN}: mims-harvard/COMPASS commit 15feee94630f31d3ae2285b994499af0b683c516 (MIT), "
    "paper/04_model_performance/07_survival_analysis/: Cox_PFT_response_KM.ipynb, km_Liu.svg, km_Gide.svg"
)
COMPASS_SURVIVAL = {
    "Liu": {"n": [25, 82], "high": [0.88, 0.67, 0.96], "low": [0.60, 0.48, 0.70], "p": 0.024},
    "Gide": {"n": [36, 37], "high": [0.86, 0.69, 0.94], "low": [0.62, 0.45, 0.76], "p": 0.0015},
}
_QUOTED = {"score": "COMPASS (published)", "split": "P(response) at least 0.5", "source": COMPASS_SURVIVAL_SOURCE}
ANCHOR_MONTHS = 12


def survival_anchors(table: pd.DataFrame) -> list[dict]:
    """Return, for each cohort COMPASS published overall survival on, COMPASS's figures and ours side by side:
    per score the upper third of the cohort by the score (the model's out-of-cohort prediction, IFN-gamma 6)
    against the other two thirds, each group's size and 12-month survival (95% CI), and the log-rank p.
    The thirds are cut on the scores alone, before any outcome is read; COMPASS cut at P(response) 0.5."""
    rows = []
    for cohort, published in COMPASS_SURVIVAL.items():
        rows.append({"cohort": cohort, **_QUOTED, **published})
        patients = table[(table["cohort"] == cohort) & table["os_months"].notna() & table["os_event"].notna()]
        for label, column in ((MODEL_SCORE, PROBABILITY_COLUMN), ("IFN-gamma 6", UNTRAINED["IFN-gamma 6"])):
            scored = patients[patients[column].notna()]
            upper = (scored[column] > scored[column].quantile(2 / 3)).to_numpy()
            if upper.sum() < 2 or (~upper).sum() < 2:
                continue
            months, events = scored["os_months"].to_numpy(), scored["os_event"].to_numpy()
            rows.append(
                {
                    "cohort": cohort,
                    "score": label,
                    "split": "upper third of the cohort",
                    "n": [int(upper.sum()), int((~upper).sum())],
                    "high": [round(v, 4) for v in survival_at(months[upper], events[upper], ANCHOR_MONTHS)],
                    "low": [round(v, 4) for v in survival_at(months[~upper], events[~upper], ANCHOR_MONTHS)],
                    "p": round(logrank_test(months, events, upper)[1], 6),
                }
            )
    return rows


def anchor_table(evidence: dict) -> pd.DataFrame:
    """Return the survival anchors for reading: one row per cohort and score, groups with their 12-month overall
    survival (95% CI) and the log-rank p; empty without anchors."""
    rows = []
    for row in evidence.get("os", {}).get("anchors", []):
        high, low = row["high"], row["low"]
        rows.append(
            {
                "cohort": label_cohort(row["cohort"]),
                "score": row["score"],
                "higher group": row["split"],
                "patients (higher, other)": f"{row['n'][0]}, {row['n'][1]}",
                "12-month survival, higher group": _percent_interval(high),
                "12-month survival, other": _percent_interval(low),
                "log-rank p": f"{row['p']:.2g}",
            }
        )
    return pd.DataFrame(rows)


def _percent_interval(cell: list[float]) -> str:
    if not np.isfinite(cell[1]):
        return f"{cell[0]:.0%}"
    return f"{cell[0]:.0%} ({cell[1]:.0%} to {cell[2]:.0%})"


def describe_anchors() -> str:
    """Return where the published anchor comes from and how our groups differ from its."""
    return (
        f"COMPASS's figures are quoted from one published run, {COMPASS_SURVIVAL_SOURCE}, on COMPASS's own versions of "
        "these cohorts (Liu there has 107 patients with survival, Gide 73). COMPASS splits at a predicted chance of "
        "response of 0.5; this model's probability is a ranking, not a chance across pipelines, so ours is split at "
        "the upper third of each cohort by the score, cut before any outcome is read."
    )
