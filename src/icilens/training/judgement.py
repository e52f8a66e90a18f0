"""A model trained on a user's cohort weighed against the default on the same patients: paired bootstrap
differences in ROC AUC, a verdict in words, and the table the Model page shows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from icilens.analysis.metrics import (
    brier_score,
    net_benefit,
    paired_difference_ci,
    roc_auc,
)
from icilens.model.ensemble import Model
from icilens.scoring.loris import recalibrated_loris
from icilens.scoring.predictions import loris_recalibration
from icilens.training.evaluation import N_BOOT, calibration_with_ci, ci_text, with_ci
from icilens.vocabulary import Score


def judge_new_model(y, new_oof, default_p, loris_p, n_boot: int = N_BOOT, default_in_sample: bool = False) -> dict:
    """Return a newly trained model beside the default model and LORIS on the same patients.

    new_oof are the new model's out-of-fold probabilities (each patient scored by members that never saw
    it); per score: ROC AUC, Brier, calibration slope and intercept, net benefit at 20% and 30%, each with
    a bootstrap 95% CI; then the paired AUC differences and a plain verdict.
    """
    y = np.asarray(y, dtype="float64")
    scores = {Score.YOUR_MODEL: new_oof, Score.DEFAULT_MODEL: default_p, Score.LORIS: loris_p}
    figures = {}
    for name, p in scores.items():
        p = np.asarray(p, dtype="float64")
        if np.isnan(p).all():
            continue
        figures[name] = {
            "roc_auc": with_ci(roc_auc, y, p),
            "brier": with_ci(brier_score, y, p),
            **calibration_with_ci(y, p),
            **{f"net_benefit_{t:.0%}": with_ci(lambda a, b, t=t: net_benefit(a, b, [t])[0], y, p) for t in (0.2, 0.3)},
        }
    report: dict[str, Any] = {
        "patients": int((~np.isnan(y)).sum()),
        "responders": int(np.nansum(y)),
        "bootstrap": f"{n_boot} patient resamples, percentile 95% CI",
        "scores": figures,
        "auc_difference_vs_default": [
            round(v, 4) for v in paired_difference_ci(roc_auc, y, new_oof, default_p, n_boot=n_boot)
        ],
    }
    if Score.LORIS in figures:
        report["auc_difference_vs_loris"] = [
            round(v, 4) for v in paired_difference_ci(roc_auc, y, new_oof, loris_p, n_boot=n_boot)
        ]
    report["judged"] = _judged(report["auc_difference_vs_default"])
    report["verdict"] = _verdict(report["auc_difference_vs_default"])
    if default_in_sample:
        report["verdict"] += (
            " These are the default model's own training patients, so its figures here are in-sample and flatter "
            "it: compare both on patients neither saw (train --validate)."
        )
    return report


def _judged(difference) -> str:
    """Return 'better', 'no better' or 'worse': where the ROC AUC difference's 95% CI lies against 0."""
    _, low, high = difference
    return "no better" if low <= 0 <= high else "better" if low > 0 else "worse"


def _verdict(difference) -> str:
    estimate, low, high = difference
    return (
        f"Your model is {_judged(difference)} than the default on these patients: its out-of-fold ROC AUC minus "
        f"the default's is {estimate:+.3f} (95% CI {low:+.3f} to {high:+.3f})."
    )


def judgement_table(report: dict) -> pd.DataFrame:
    """Return the comparison as a table: one row per score, each measure 'estimate [CI]'."""
    measures = {
        "roc_auc": "ROC AUC",
        "brier": "Brier",
        "slope": "calibration slope",
        "intercept": "calibration intercept",
        "net_benefit_20%": "net benefit at 20%",
        "net_benefit_30%": "net benefit at 30%",
    }
    return pd.DataFrame(
        [
            {"score": name} | {label: ci_text(f.get(key)) for key, label in measures.items()}
            for name, f in report["scores"].items()
        ]
    )


def format_judgement(report: dict) -> str:
    """Return the comparison as plain text for the command line."""
    table = judgement_table(report).to_string(index=False)
    return (
        f"On the same {report['patients']} patients ({report['responders']} responders; {report['bootstrap']}):\n"
        f"{table}\n{report['verdict']}"
    )


def judge_trained_model(model: Model, frame: pd.DataFrame, default: Model, n_boot: int = N_BOOT) -> dict:
    """Return judge_new_model for a model just trained on frame, against the default model on the same patients.

    When the patients are the default model's own training data (same SHA-256), the verdict says so.
    """
    if model.training_oof is None:
        raise ValueError(
            "judge_trained_model needs a model just trained by train_model (it carries out-of-fold predictions)"
        )
    labelled = frame[frame["response"].notna()].reset_index(drop=True)
    y = labelled["response"].astype("float64").to_numpy()
    loris = recalibrated_loris(labelled, loris_recalibration(model)).to_numpy()
    in_sample = model.card["training"].get("sha256") == default.card["training"].get("sha256")
    return judge_new_model(
        y, model.training_oof, default.predict(labelled).probability, loris, n_boot, default_in_sample=in_sample
    )
