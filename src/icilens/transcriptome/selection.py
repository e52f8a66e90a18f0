"""Choosing the transcriptome model among declared candidates by leaving one cohort out inside the training
cohorts only, and the outer figures of that choice (nested leave-one-cohort-out).

For each validation cohort in turn (the outer cohort), every candidate is judged by leaving one cohort out among
the other cohorts (inner), on the pooled ROC AUC; the best is then fitted on those cohorts and scores the outer
cohort. The outer cohort's outcomes never take part in its choice, so the outer figures of the choice are an
honest estimate of what choosing this way gives on a new cohort. The shipped model is the candidate the same
rule picks on all the training cohorts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from icilens.analysis.meta import Pooled, pool_random_effects
from icilens.analysis.metrics import Z95, auc_standard_error, paired_difference_ci, roc_auc
from icilens.transcriptome.candidates import Candidate
from icilens.transcriptome.loco import MIN_SCORED, auc_with_interval, out_of_fold_predictions

BENCHMARK = "IFN-gamma 6"  # the single signature the ambition is measured against
BENCHMARK_COLUMN = "signature_ifng6"
CHOSEN = "chosen by inner LOCO"


def pooled_auc(table: pd.DataFrame, scores: np.ndarray) -> float:
    """Return the random-effects pooled ROC AUC of scores over table's cohorts (Hanley-McNeil standard errors);
    NaN with fewer than two cohorts scored."""
    estimates, errors = [], []
    for cohort in table["cohort"].unique():
        held = (table["cohort"] == cohort).to_numpy() & np.isfinite(scores)
        y = table.loc[held, "response"].to_numpy(dtype=int)
        if len(np.unique(y)) < 2:
            continue
        auc = roc_auc(y, scores[held])
        estimates.append(auc)
        errors.append(auc_standard_error(auc, int(y.sum()), int((y == 0).sum())))
    return pool_random_effects(estimates, errors).estimate if len(estimates) >= 2 else float("nan")


def choose_candidate(table: pd.DataFrame, candidates: dict[str, Candidate]) -> tuple[str, dict[str, float]]:
    """Return the label of the candidate with the highest pooled leave-one-cohort-out ROC AUC on table, and every
    candidate's figure; ties go to the earlier declared (the current model is declared first)."""
    figures = {label: pooled_auc(table, out_of_fold_predictions(table, fit)) for label, fit in candidates.items()}
    best = max(figures, key=lambda label: (np.nan_to_num(figures[label], nan=-1.0), -list(figures).index(label)))
    return best, figures


def select_nested(table: pd.DataFrame, candidates: dict[str, Candidate], n_boot: int = 1000) -> dict:
    """Return the nested leave-one-cohort-out result as plain JSON: per outer cohort the candidate chosen and the
    inner figures; per candidate, and for the choice, the outer per-cohort AUCs (bootstrap CI of n_boot draws) and
    their pool; the choice's pooled difference from IFN-gamma 6; and the final choice on all of table's cohorts."""
    folds, outer = [], {label: np.full(len(table), np.nan) for label in [*candidates, CHOSEN]}
    for cohort in table["cohort"].unique():
        held = (table["cohort"] == cohort).to_numpy()
        inner = table.loc[~held].reset_index(drop=True)
        chosen, figures = choose_candidate(inner, candidates)
        for label, fit in candidates.items():
            outer[label][held] = fit(inner, table.loc[held])
        outer[CHOSEN][held] = outer[chosen][held]
        folds.append({"cohort": str(cohort), "chosen": chosen, "inner": _rounded(figures)})
    final, final_figures = choose_candidate(table, candidates)
    return {
        "declared": list(candidates),
        "folds": folds,
        "outer": {label: _outer_figures(table, scores, n_boot) for label, scores in outer.items()},
        "difference_from_benchmark": difference_from_benchmark(table, outer[CHOSEN], n_boot),
        "final": {"chosen": final, "inner": _rounded(final_figures)},
    }


def _outer_figures(table: pd.DataFrame, scores: np.ndarray, n_boot: int) -> dict:
    cells: list[dict] = []
    for cohort in table["cohort"].unique():
        held = (table["cohort"] == cohort).to_numpy()
        result = auc_with_interval(table.loc[held, "response"].to_numpy(dtype=int), scores[held], n_boot)
        if result is not None:
            cells.append({"cohort": str(cohort), "auc": [round(v, 4) for v in result]})
    pooled = _pool([c["auc"] for c in cells])
    return {"cohorts": cells, "pooled": pooled}


def difference_from_benchmark(
    table: pd.DataFrame, scores: np.ndarray, n_boot: int = 1000, outcome: str = "response"
) -> dict:
    """Return per cohort the scores' ROC AUC on outcome minus IFN-gamma 6's on the same patients (paired bootstrap
    CI of n_boot draws), and their random-effects pool (None below two cohorts), as plain JSON."""
    cells: list[dict] = []
    for cohort in table["cohort"].unique():
        held = (table["cohort"] == cohort).to_numpy()
        benchmark = table.loc[held, BENCHMARK_COLUMN].to_numpy(dtype=float)
        keep = np.isfinite(scores[held]) & np.isfinite(benchmark)
        keep &= table.loc[held, outcome].notna().to_numpy()
        y = table.loc[held, outcome].to_numpy(dtype=float)[keep].astype(int)
        if keep.sum() < MIN_SCORED or len(np.unique(y)) < 2:
            continue
        result = paired_difference_ci(roc_auc, y, scores[held][keep], benchmark[keep], n_boot=n_boot)
        cells.append({"cohort": str(cohort), "difference": [round(v, 4) for v in result]})
    return {"cohorts": cells, "pooled": _pool([c["difference"] for c in cells])}


def _pool(cells: list[list[float]]) -> dict | None:
    """Return the random-effects pool of (estimate, low, high) cells, each one's standard error its interval's
    width over 2 x 1.96, as the evidence tables pool; None below two cells."""
    usable = [c for c in cells if c[2] > c[1]]
    if len(usable) < 2:
        return None
    result: Pooled = pool_random_effects([c[0] for c in usable], [(c[2] - c[1]) / (2 * Z95) for c in usable])
    return {k: round(float(v), 4) for k, v in result.__dict__.items()}


def _rounded(figures: dict[str, float]) -> dict[str, float | None]:
    return {k: (None if np.isnan(v) else round(float(v), 4)) for k, v in figures.items()}


def summarise_selection(selection: dict) -> pd.DataFrame:
    """Return the card's selection for reading: one row per candidate in the order declared, then the choice
    itself; the inner pooled ROC AUC on all the training cohorts, how many outer folds chose it, and the outer
    pooled ROC AUC (95% CI) with its heterogeneity."""
    chosen_in = pd.Series([fold["chosen"] for fold in selection["folds"]]).value_counts()
    rows = []
    for label in [*selection["declared"], CHOSEN]:
        pooled = selection["outer"][label]["pooled"]
        inner = selection["final"]["inner"].get(label)
        rows.append(
            {
                "candidate": label + (" (nested: the rule, not one model)" if label == CHOSEN else ""),
                "inner: pooled ROC AUC, all training cohorts": "" if inner is None else f"{inner:.3f}",
                "chosen in outer folds": ""
                if label == CHOSEN
                else f"{int(chosen_in.get(label, 0))} of {len(selection['folds'])}",
                "outer: pooled ROC AUC (95% CI)": "" if pooled is None else _pooled_text(pooled),
                "I²": "" if pooled is None else f"{pooled['i2']:.0%}",
            }
        )
    return pd.DataFrame(rows)


def selection_by_fold(selection: dict, label: Callable[[str], str] = str) -> pd.DataFrame:
    """Return one row per outer cohort: the candidate its other cohorts chose, and every candidate's outer ROC AUC
    on it; label names a cohort for reading."""
    outer = {
        name: {cell["cohort"]: cell["auc"][0] for cell in part["cohorts"]} for name, part in selection["outer"].items()
    }
    rows = []
    for fold in selection["folds"]:
        row = {"held-out cohort": label(fold["cohort"]), "chosen by the other cohorts": fold["chosen"]}
        for name in [*selection["declared"], CHOSEN]:
            value = outer[name].get(fold["cohort"])
            row[name] = "" if value is None else f"{value:.2f}"
        rows.append(row)
    return pd.DataFrame(rows)


def describe_difference(selection: dict, where: str = "") -> str:
    """Return the sentence on the gap to the ambition: the choice's pooled ROC AUC minus IFN-gamma 6's. With where
    (which cohorts and outcome), the same figure on other evidence, which the ambition is not measured on."""
    pooled = (selection.get("difference_from_benchmark") or {}).get("pooled")
    if pooled is None:
        return f"Too few cohorts to pool the difference from {BENCHMARK}."
    excludes = pooled["low"] > 0 or pooled["high"] < 0
    verdict = "its interval excludes zero" if excludes else "its interval includes zero"
    if not where and not excludes:
        verdict += ", so the ambition is not met"
    lead, subject = (f"{where} and pooled over", "model") if where else ("Pooled over", "chosen model")
    return (
        f"{lead} {int(pooled['cohorts'])} cohorts (paired bootstrap per cohort, random effects), the "
        f"{subject}'s ROC AUC minus {BENCHMARK}'s on the same patients is "
        f"{pooled['estimate']:+.3f} (95% CI {pooled['low']:+.3f} to {pooled['high']:+.3f}): {verdict}."
    )


def _pooled_text(pooled: dict) -> str:
    return f"{pooled['estimate']:.3f} (95% CI {pooled['low']:.3f} to {pooled['high']:.3f})"
