"""Validation on survival: each reference cohort's overall and progression-free survival against the
transcriptome model's out-of-cohort prediction and the single scores, and the cohorts pooled.

A cohort's model prediction comes from the model fitted without that cohort (`out_of_cohort_predictions`), with
its descriptors placed among the other cohorts' patients, as a new upload is. Harrell's C reads above 0.5 when
a higher score goes with longer survival; the hazard ratio is per standard deviation of the score within the
cohort, below 1 when a higher score goes with fewer deaths or progressions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.analysis.meta import MIN_POOLED, Pooled, pool_random_effects
from icilens.analysis.metrics import Z95
from icilens.analysis.survival import MIN_EVENTS, concordance_with_interval, hazard_ratio_with_interval
from icilens.transcriptome.anchors import survival_anchors
from icilens.transcriptome.candidates import Candidate, validation_cohorts
from icilens.transcriptome.catalogue import select_descriptors
from icilens.transcriptome.loco import MODEL_SCORE, PROBABILITY_COLUMN, UNTRAINED, auc_with_interval
from icilens.transcriptome.reference_cohorts import label_cohort, load_reference_pool, rank_against_reference
from icilens.transcriptome.selection import describe_difference, difference_from_benchmark
from icilens.transcriptome.signature_model import SignatureModel, predict_response

ENDPOINTS = {"os": "Overall survival", "pfs": "Progression-free survival"}
MIN_SURVIVAL_PATIENTS = 15  # fewer patients with a time than this give no figure for the cohort


def out_of_cohort_predictions(table: pd.DataFrame, candidate: Candidate) -> np.ndarray:
    """Return every patient's prediction from the candidate fitted on the other cohorts' RECIST-labelled patients.

    table is the whole reference with `rank_` columns (see loco.with_ranks); cohorts without RECIST labels are
    predicted too, by the candidate fitted on every labelled cohort (none of them theirs)."""
    labelled = validation_cohorts(table)
    predictions = np.full(len(table), np.nan)
    for cohort in table["cohort"].unique():
        held = (table["cohort"] == cohort).to_numpy()
        train = labelled[labelled["cohort"] != cohort]
        predictions[held] = candidate(train, table.loc[held])
    return predictions


def survival_table(table: pd.DataFrame, endpoint: str) -> pd.DataFrame:
    """Return one row per cohort with at least MIN_SURVIVAL_PATIENTS patients and MIN_EVENTS events on the
    endpoint, and at least one score ("os" or "pfs"): n, events, and per score (the model, CYT, IFN-gamma 6, GEP, TMB) Harrell's C as
    (C, low, high, se) and the hazard ratio per SD as (HR, low, high, se of log HR); None where not estimable.
    table holds the model's out-of-cohort probability in PROBABILITY_COLUMN."""
    if endpoint not in ENDPOINTS:
        raise ValueError(f"endpoint must be one of {sorted(ENDPOINTS)}, not {endpoint!r}")
    scores = {MODEL_SCORE: PROBABILITY_COLUMN, **UNTRAINED}
    rows = []
    for cohort, patients in table.groupby("cohort", sort=False):
        months, events = patients[f"{endpoint}_months"], patients[f"{endpoint}_event"]
        timed = months.notna() & events.notna()
        if timed.sum() < MIN_SURVIVAL_PATIENTS or events[timed].sum() < MIN_EVENTS:
            continue
        row: dict[str, object] = {"cohort": cohort, "n": int(timed.sum()), "events": int(events[timed].sum())}
        for label, column in scores.items():
            score = patients[column].to_numpy(dtype=float)
            row[f"{label}: C"] = _concordance(months.to_numpy(float), events.to_numpy(float), score)
            row[f"{label}: HR per SD"] = _hazard_ratio(months.to_numpy(float), events.to_numpy(float), score)
        if any(isinstance(value, tuple) for value in row.values()):  # a panel lacking every score's genes is not shown
            rows.append(row)
    return pd.DataFrame(rows)


def pool_cohorts(figures: pd.Series, log_scale: bool = False) -> Pooled | None:
    """Return the random-effects pool of a survival_table or AUC column's (estimate, low, high, se) cells, on
    the log scale and back for hazard ratios; None with fewer than two cohorts to pool."""
    # A cohort whose every draw gave the same figure (a perfect AUC in a small cohort) has no spread to weigh by.
    cells = [cell for cell in figures if isinstance(cell, (tuple, list)) and cell[3] > 0]
    if len(cells) < MIN_POOLED:
        return None
    estimates = np.array([np.log(c[0]) if log_scale else c[0] for c in cells])
    pooled = pool_random_effects(estimates, [c[3] for c in cells])
    if not log_scale:
        return pooled
    return Pooled(
        float(np.exp(pooled.estimate)),
        float(np.exp(pooled.low)),
        float(np.exp(pooled.high)),
        pooled.cohorts,
        pooled.tau2,
        pooled.i2,
        pooled.q,
        pooled.q_p,
    )


def _concordance(months: np.ndarray, events: np.ndarray, score: np.ndarray) -> tuple[float, ...] | None:
    keep = np.isfinite(months) & np.isfinite(events) & np.isfinite(score)
    if keep.sum() < MIN_SURVIVAL_PATIENTS or events[keep].sum() < MIN_EVENTS or np.ptp(score[keep]) == 0:
        return None
    return concordance_with_interval(months[keep], events[keep], score[keep], n_boot=1000, seed=0)


def _hazard_ratio(months: np.ndarray, events: np.ndarray, score: np.ndarray) -> tuple[float, ...] | None:
    keep = np.isfinite(months) & np.isfinite(events) & np.isfinite(score)
    if keep.sum() < MIN_SURVIVAL_PATIENTS or events[keep].sum() < MIN_EVENTS or np.ptp(score[keep]) == 0:
        return None
    standardised = (score[keep] - score[keep].mean()) / score[keep].std(ddof=1)
    return hazard_ratio_with_interval(months[keep], events[keep], standardised, n_boot=1000, seed=0)


def benefit_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return one row per cohort without RECIST calls but with the study's own responder call on at least
    MIN_SCORED patients: n, responders, and per score the ROC AUC against that call as (AUC, low, high, se), None
    where not estimable. These cohorts never enter the model's fit, so every figure is out of sample.
    table holds the model's out-of-cohort probability in PROBABILITY_COLUMN."""
    scores = {MODEL_SCORE: PROBABILITY_COLUMN, **UNTRAINED}
    rows = []
    for cohort, patients in table.groupby("cohort", sort=False):
        called = patients[patients["study_response"].notna()]
        if patients["response"].notna().any() or called["study_response"].nunique() < 2:
            continue
        y = called["study_response"].to_numpy(dtype=int)
        row: dict[str, object] = {"cohort": cohort, "n": len(y), "responders": int(y.sum())}
        for label, column in scores.items():
            row[label] = _with_se(auc_with_interval(y, called[column].to_numpy(dtype=float)))
        if any(isinstance(value, tuple) for value in row.values()):
            rows.append(row)
    return pd.DataFrame(rows)


def _with_se(auc: tuple[float, float, float] | None) -> tuple[float, ...] | None:
    """Return the AUC with its standard error read from its percentile interval, as pooling needs."""
    return None if auc is None else (*auc, (auc[2] - auc[1]) / (2 * Z95))


def gather_evidence(reference: pd.DataFrame, candidate: Candidate, response: pd.DataFrame) -> dict:
    """Return the card's evidence on every endpoint, as plain JSON: per endpoint ("response"; "benefit", the
    study's own responder call in cohorts without RECIST; "os", "pfs") the per-cohort rows and, per score, the
    random-effects pool (None below two cohorts).

    response is the leave-one-cohort-out ROC AUC table (loco.leave_one_cohort_out); its percentile intervals give
    each cohort's standard error as their width over 2 x 1.96. reference is the whole reference with `rank_`
    columns; candidate is the model's fit."""
    table = reference.assign(**{PROBABILITY_COLUMN: out_of_cohort_predictions(reference, candidate)})
    scores = [MODEL_SCORE, *UNTRAINED]
    auc = response.assign(
        **{label: response[label].map(lambda v: _with_se(v) if isinstance(v, tuple) else None) for label in scores}
    )
    by_auc = {label: (label, False) for label in scores}
    evidence: dict[str, dict] = {"response": _endpoint_evidence(auc, by_auc)}
    evidence["benefit"] = _endpoint_evidence(benefit_table(table), by_auc)
    never_fitted = table[table["cohort"].isin([row["cohort"] for row in evidence["benefit"]["table"]])]
    evidence["benefit"]["difference_from_benchmark"] = difference_from_benchmark(
        never_fitted, never_fitted[PROBABILITY_COLUMN].to_numpy(), outcome="study_response"
    )
    for endpoint in ENDPOINTS:
        rows = survival_table(table, endpoint)
        columns = {f"{label}: C": (f"{label}: C", False) for label in scores}
        columns |= {f"{label}: HR per SD": (f"{label}: HR per SD", True) for label in scores}
        evidence[endpoint] = _endpoint_evidence(rows, columns)
    evidence["os"]["anchors"] = survival_anchors(table)
    return evidence


def describe_benefit_difference(evidence: dict) -> str:
    """Return the sentence on the model against IFN-gamma 6 in the cohorts judged on the study's own responder
    call; "" when the evidence has no such figure."""
    benefit = evidence.get("benefit", {})
    if "difference_from_benchmark" not in benefit:
        return ""
    where = "In the cohorts without RECIST, never fitted on, judged on the study's own responder call"
    return describe_difference(benefit, where)


def _endpoint_evidence(rows: pd.DataFrame, columns: dict[str, tuple[str, bool]]) -> dict:
    pooled = {}
    for name, (column, log_scale) in columns.items():
        result = pool_cohorts(rows[column], log_scale) if column in rows else None
        pooled[name] = None if result is None else {k: float(v) for k, v in result.__dict__.items()}
    kept = [c for c in rows.columns if c in ("cohort", "n", "responders", "events") or c in columns]
    cells = [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in row.items() if v is not None and v == v}
        for row in rows[kept].to_dict("records")
    ]
    return {"table": cells, "pooled": pooled}


def forest_rows(evidence: dict, endpoint: str, column: str) -> tuple[pd.DataFrame, tuple[float, float, float] | None]:
    """Return, from the card's evidence, the cohorts' (label, estimate, low, high) of one endpoint and column, and
    the pooled (estimate, low, high) or None: what plots.plot_forest draws."""
    part = evidence.get(endpoint, {})
    rows = [
        {
            "label": f"{label_cohort(r['cohort'])} ({r['n']})",
            "estimate": r[column][0],
            "low": r[column][1],
            "high": r[column][2],
        }
        for r in part.get("table", [])
        if r.get(column)
    ]
    pooled = part.get("pooled", {}).get(column)
    return pd.DataFrame(rows, columns=["label", "estimate", "low", "high"]), (
        None if pooled is None else (pooled["estimate"], pooled["low"], pooled["high"])
    )


# What each endpoint's figures are, as a reader picks them: (endpoint, column suffix, axis title, null, log axis).
FIGURES = {
    "Response: ROC AUC": ("response", "", "ROC AUC (objective response, RECIST)", 0.5, False),
    "Study's responder call, cohorts without RECIST: ROC AUC": (
        "benefit",
        "",
        "ROC AUC (the study's own responder call)",
        0.5,
        False,
    ),
    "Overall survival: Harrell's C": ("os", ": C", "Harrell's C (overall survival)", 0.5, False),
    "Overall survival: hazard ratio per SD": (
        "os",
        ": HR per SD",
        "hazard ratio of death per SD of the score",
        1.0,
        True,
    ),
    "Progression-free survival: Harrell's C": ("pfs", ": C", "Harrell's C (progression-free survival)", 0.5, False),
    "Progression-free survival: hazard ratio per SD": (
        "pfs",
        ": HR per SD",
        "hazard ratio of progression per SD of the score",
        1.0,
        True,
    ),
}


def pooled_table(evidence: dict) -> pd.DataFrame:
    """Return the pooled figures for reading: one row per figure and score, with the pooled estimate (95% CI),
    the number of cohorts, and the heterogeneity (I², tau², Cochran's Q p-value); empty without evidence."""
    rows = []
    for figure, (endpoint, suffix, _, _, _) in FIGURES.items():
        for score in (MODEL_SCORE, *UNTRAINED):
            pooled = evidence.get(endpoint, {}).get("pooled", {}).get(f"{score}{suffix}")
            if pooled is None:
                continue
            rows.append(
                {
                    "figure": figure,
                    "score": score,
                    "pooled (95% CI)": f"{pooled['estimate']:.2f} (95% CI {pooled['low']:.2f} to {pooled['high']:.2f})",
                    "cohorts": int(pooled["cohorts"]),
                    "I²": f"{pooled['i2']:.0%}",
                    "tau²": f"{pooled['tau2']:.3f}",
                    "Q p-value": f"{pooled['q_p']:.2f}" if pooled["q_p"] >= 0.01 else "<0.01",
                }
            )
    return pd.DataFrame(rows)


THIRDS = ("lower third of the reference", "middle third of the reference", "upper third of the reference")


def cut_reference_thirds(model: SignatureModel) -> list[float]:
    """Return the two transcriptome probabilities that cut the treated reference patients into thirds, each patient
    placed among the pooled reference as an upload is: groups fixed by the model, before any cohort is looked at."""
    reference = load_reference_pool()
    ranked = rank_against_reference(reference[select_descriptors(in_candidates=True)]).add_prefix("rank_")
    probability = predict_response(model, ranked)["probability"].dropna()
    return [float(q) for q in probability.quantile([1 / 3, 2 / 3])]


def group_by_reference_third(probability, cuts: list[float]) -> pd.Series:
    """Return each patient's third of the reference (one of THIRDS) by the card's cuts; missing without a
    transcriptome prediction."""
    p = pd.Series(np.asarray(probability, dtype="float64"))
    index = np.searchsorted(np.asarray(cuts), p.to_numpy(), side="right")
    return pd.Series([THIRDS[i] if np.isfinite(v) else None for i, v in zip(index, p, strict=True)], dtype=object)
