"""External validation: the model beside LORIS, TMB and a logistic regression, with bootstrap CIs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from icilens.analysis.metrics import (
    bootstrap_ci,
    brier_score,
    calibration_intercept,
    calibration_slope,
    calibration_slope_intercept,
    expected_calibration_error,
    net_benefit,
    net_benefit_treat_all,
    paired_difference_ci,
    pr_auc,
    roc_auc,
)
from icilens.model.ensemble import Model
from icilens.model.uncertainty import drop_features, measure_coverage
from icilens.schema import BLOOD_VALUES, FEATURES, FIELD_BY_NAME, MISSING_SCENARIOS
from icilens.scoring.loris import compute_loris, recalibrated_loris
from icilens.scoring.predictions import loris_recalibration
from icilens.vocabulary import Score, ValidationReport

MIN_PATIENTS_PER_TYPE = 40
N_BOOT = 1000
SCENARIOS = MISSING_SCENARIOS


def fit_logistic_baseline(train: pd.DataFrame):
    """Return a fitted scikit-learn logistic regression on the model features (imputed, one-hot)."""
    # scikit-learn costs a second at start; only this baseline needs it, so it loads here
    from sklearn.compose import ColumnTransformer  # (see above)
    from sklearn.impute import SimpleImputer  # (see above)
    from sklearn.linear_model import LogisticRegression  # (see above)
    from sklearn.pipeline import make_pipeline  # (see above)
    from sklearn.preprocessing import OneHotEncoder, StandardScaler  # (see above)

    categorical = [f for f in FEATURES if FIELD_BY_NAME[f].categories]
    numeric = [f for f in FEATURES if f not in categorical]
    prepare = ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), numeric),
            (
                "categorical",
                make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
                categorical,
            ),
        ]
    )
    labelled = train[train["response"].notna()]
    pipeline = make_pipeline(prepare, LogisticRegression(max_iter=2000, C=1.0))
    pipeline.fit(_as_objects(labelled), labelled["response"].astype(int))
    return pipeline


def _as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[list(FEATURES)].copy()
    for name in FEATURES:
        if FIELD_BY_NAME[name].categories:
            out[name] = out[name].astype(object).where(out[name].notna(), np.nan)
    return out


def _scores(model: Model, frame: pd.DataFrame, baseline) -> dict[str, np.ndarray]:
    scores: dict[str, np.ndarray] = {
        Score.MODEL: model.predict(frame).probability,
        Score.LORIS: recalibrated_loris(frame, loris_recalibration(model)).to_numpy(),
        Score.TMB: frame["tmb"].to_numpy(dtype="float64", na_value=np.nan),
    }
    if baseline is not None:
        scores[f"Logistic regression ({len(FEATURES)} features)"] = baseline.predict_proba(_as_objects(frame))[:, 1]
    return scores


def with_ci(metric, y, p) -> list[float] | None:
    """Return [estimate, low, high] rounded, or None when the score is undefined for every patient."""
    values = bootstrap_ci(metric, y, p, n_boot=N_BOOT)
    return None if np.isnan(values[0]) else [round(v, 4) for v in values]


UTILITY_THRESHOLDS = (0.1, 0.2, 0.3, 0.4)


def calibration_with_ci(y, p) -> dict:
    """Return slope, intercept, Brier and ECE, each [estimate, CI low, CI high]."""
    return {
        "slope": with_ci(calibration_slope, y, p),
        "intercept": with_ci(calibration_intercept, y, p),
        "brier": with_ci(brier_score, y, p),
        "expected_calibration_error": with_ci(expected_calibration_error, y, p),
    }


def _net_benefit_with_ci(y, scores: dict) -> dict:
    """Return net benefit [estimate, CI] per threshold for each probability score and for treating everyone."""
    utility = {}
    for t in UTILITY_THRESHOLDS:
        entry = {name: with_ci(lambda a, b, t=t: net_benefit(a, b, [t])[0], y, p) for name, p in scores.items()}
        entry["treat all"] = with_ci(lambda a, b, t=t: net_benefit_treat_all(a, [t])[0], y, np.zeros_like(y))
        utility[f"{t:.0%}"] = entry
    return utility


def evaluate_model(
    model: Model, frame: pd.DataFrame, baseline=None, label: str = "validation cohort", donors=None
) -> ValidationReport:
    """Return validation figures on a labelled cohort: [estimate, CI low, CI high] per metric and score.

    donors (the training cohort) fill missing inputs when the coverage of the uncertainty range is measured.
    """
    labelled = frame[frame["response"].notna()].reset_index(drop=True)
    y = labelled["response"].astype("float64").to_numpy()
    scores = _scores(model, labelled, baseline)
    overall = {
        name: {"roc_auc": with_ci(roc_auc, y, p), "pr_auc": with_ci(pr_auc, y, p)}
        | ({"brier": with_ci(brier_score, y, p)} if name != Score.TMB else {})
        for name, p in scores.items()
    }
    probability = scores[Score.MODEL]
    slope, intercept = calibration_slope_intercept(y, probability)
    per_type = {}
    counts = labelled["cancer_type"].astype(object).value_counts()
    for cancer in counts[counts >= MIN_PATIENTS_PER_TYPE].index:
        rows = (labelled["cancer_type"] == cancer).to_numpy()
        per_type[str(cancer)] = {"patients": int(rows.sum()), "responders": int(y[rows].sum())} | {
            name: with_ci(roc_auc, y[rows], p[rows]) for name, p in scores.items()
        }
    scenarios: dict[str, dict[str, Any]] = {}
    for scenario, dropped in SCENARIOS.items():
        reduced = drop_features(labelled, dropped)
        scenarios[scenario] = {
            Score.MODEL: with_ci(roc_auc, y, model.predict(reduced).probability),
            Score.LORIS: with_ci(roc_auc, y, compute_loris(reduced).to_numpy()),
        }
    report: ValidationReport = {
        "cohort": label,
        "patients": len(labelled),
        "responders": int(y.sum()),
        "bootstrap": f"{N_BOOT} patient resamples, percentile 95% CI",
        "overall": overall,
        "auc_difference_vs_loris": [
            round(v, 4) for v in paired_difference_ci(roc_auc, y, probability, scores[Score.LORIS], n_boot=N_BOOT)
        ],
        "calibration": {
            "slope": round(slope, 4),
            "intercept": round(intercept, 4),
            "brier": round(brier_score(y, probability), 4),
            "expected_calibration_error": round(expected_calibration_error(y, probability), 4),
        },
        "calibration_ci": calibration_with_ci(y, probability),
        "net_benefit": _net_benefit_with_ci(y, {n: scores[n] for n in (Score.MODEL, Score.LORIS)}),
        "per_cancer_type": per_type,
        "missing_feature_scenarios": scenarios,
    }
    if donors is not None:
        report["range_coverage"] = measure_coverage(model, labelled, donors, SCENARIOS)
    return report


def format_report(report: ValidationReport) -> str:
    """Return the validation figures as a plain-text table."""

    lines = [
        f"{report['cohort']}: {report['patients']} patients, {report['responders']} responders ({report['bootstrap']})",
        "",
    ]
    lines.append(f"{'score':36} {'ROC AUC':24} {'PR AUC':24} {'Brier':24}")
    for name, figures in report["overall"].items():
        brier = ci_text(figures["brier"]) if "brier" in figures else "-"
        lines.append(f"{name:36} {ci_text(figures['roc_auc']):24} {ci_text(figures['pr_auc']):24} {brier:24}")
    difference = report["auc_difference_vs_loris"]
    lines.append(f"ROC AUC of the model minus LORIS (paired bootstrap): {ci_text(difference)}")
    calibration = report["calibration"]
    lines += ["", "Calibration of the ICI Lens model: " + ", ".join(f"{k} {v}" for k, v in calibration.items()), ""]
    lines.append("ROC AUC per cancer type (at least 40 patients):")
    for cancer, figures in report["per_cancer_type"].items():
        cells = ", ".join(f"{k} {ci_text(v)}" for k, v in figures.items() if k not in ("patients", "responders"))
        lines.append(f"  {cancer} (n={figures['patients']}, {figures['responders']} responders): {cells}")
    lines += ["", "ROC AUC with features removed:"]
    for scenario, figures in report["missing_feature_scenarios"].items():
        lines.append(
            f"  {scenario:22} model {ci_text(figures['ICI Lens model'])}   LORIS {ci_text(figures[Score.LORIS])}"
        )
    if "net_benefit" in report:
        lines += ["", "Net benefit by threshold:", net_benefit_table(report["net_benefit"]).to_string(index=False)]
    if "range_coverage" in report:
        lines += ["", "How often the range from missing inputs held the prediction made with the true values:"]
        lines += [
            f"  {name:22} {entry['coverage']:.0%} of {entry['patients']} (mean width {entry['mean_width_points']} points)"
            for name, entry in report["range_coverage"].items()
        ]
    return "\n".join(lines)


def ci_text(values) -> str:
    return "n/a" if values is None else f"{values[0]:.3f} [{values[1]:.3f}, {values[2]:.3f}]"


def validation_tables(report: dict) -> dict[str, pd.DataFrame]:
    """Return the validation report as display tables: overall, per cancer type, missing-feature scenarios."""
    overall = pd.DataFrame(
        [
            {
                "score": name,
                "ROC AUC [95% CI]": ci_text(f["roc_auc"]),
                "PR AUC [95% CI]": ci_text(f["pr_auc"]),
                "Brier [95% CI]": ci_text(f.get("brier")),
            }
            for name, f in report["overall"].items()
        ]
    )
    per_type = pd.DataFrame(
        [
            {"cancer type": cancer, "patients": f["patients"], "responders": f["responders"]}
            | {f"{name} AUC": ci_text(v) for name, v in f.items() if name not in ("patients", "responders")}
            for cancer, f in report["per_cancer_type"].items()
        ]
    )
    scenarios = pd.DataFrame(
        [
            {
                "features available": scenario,
                f"{Score.MODEL} AUC": ci_text(f[Score.MODEL]),
                "LORIS AUC": ci_text(f[Score.LORIS]),
            }
            for scenario, f in report["missing_feature_scenarios"].items()
        ]
    )
    return {"overall": overall, "per_cancer_type": per_type, "scenarios": scenarios}


def usable_scores(y, scores: dict, least: int) -> tuple[dict, dict[str, str]]:
    """Return (the scores defined for at least `least` responders and non-responders, {left-out score: why})."""
    y = np.asarray(y, dtype="float64")
    kept, reasons = {}, {}
    for name, p in scores.items():
        p = np.asarray(p, dtype="float64")
        defined = ~np.isnan(p) & ~np.isnan(y)
        responders, others = int(y[defined].sum()), int((1 - y[defined]).sum())
        if min(responders, others) >= least:
            kept[name] = p
        elif not defined.any():
            reasons[name] = "cannot be computed for any patient (one of its inputs is missing for all)"
        else:
            reasons[name] = (
                f"defined for only {responders} responders and {others} non-responders (at least {least} each needed)"
            )
    return kept, reasons


def summarise_scores(y, scores: dict, n_boot: int = N_BOOT) -> tuple[pd.DataFrame, dict]:
    """Return a table of ROC AUC, PR AUC and Brier with bootstrap 95% CIs per score, and the AUC triples."""
    rows, aucs = [], {}
    y = np.asarray(y, dtype="float64")
    for name, p in scores.items():
        p = np.asarray(p, dtype="float64")
        usable = int((~np.isnan(p) & ~np.isnan(y)).sum())
        auc = bootstrap_ci(roc_auc, y, p, n_boot=n_boot) if usable else (np.nan,) * 3
        aucs[name] = None if np.isnan(auc[0]) else auc
        is_probability = np.nanmax(p, initial=0) <= 1 if usable else False
        rows.append(
            {
                "score": name,
                "patients": usable,
                "ROC AUC [95% CI]": ci_text(aucs[name]),
                "PR AUC": f"{pr_auc(y, p):.3f}" if usable else "n/a",
                "Brier": f"{brier_score(y, p):.3f}" if usable and is_probability else "-",
            }
        )
    return pd.DataFrame(rows), aucs


# Features whose absence costs the most, with the scenario of the model card that measured it.
KEY_FEATURE_SCENARIOS = (("tmb", ("tmb",), "no TMB", "TMB"), ("blood", BLOOD_VALUES, "no blood values", "blood values"))


def missing_feature_costs(frame: pd.DataFrame, report: ValidationReport) -> list[str]:
    """Return one sentence per key feature missing for most patients: what the card measured without it."""
    scenarios = report.get("missing_feature_scenarios", {})
    full = scenarios.get("all features", {}).get(Score.MODEL)
    sentences = []
    for _, names, scenario, wording in KEY_FEATURE_SCENARIOS:
        missing_share = float(frame[list(names)].isna().all(axis=1).mean()) if len(frame) else 0.0
        figures = scenarios.get(scenario, {}).get(Score.MODEL)
        if missing_share <= 0.5 or not figures or not full:
            continue
        sentences.append(
            f"{wording[0].upper()}{wording[1:]} missing for {missing_share:.0%} of patients. On the {report['patients']} validation patients "
            f"the model's ROC AUC without {wording} was {figures[0]:.3f} (95% CI {figures[1]:.3f} to {figures[2]:.3f}), "
            f"against {full[0]:.3f} with every feature: its ranking of these patients is less reliable."
        )
    return sentences


def describe_against_loris(report: dict) -> str:
    """Return one sentence placing the model against LORIS in the validation recorded in a model card."""
    overall = report.get("overall", {})
    model, loris = overall.get(Score.MODEL, {}).get("roc_auc"), overall.get(Score.LORIS, {}).get("roc_auc")
    difference = report.get("auc_difference_vs_loris")
    if not (model and loris and difference):
        return "This model has no validation against LORIS on record."
    verdict = (
        "not distinguishable from zero"
        if difference[1] <= 0 <= difference[2]
        else ("in the model's favour" if difference[1] > 0 else "in LORIS's favour")
    )
    return (
        f"In its validation on {report['patients']} patients it had not seen, the model's ROC AUC was "
        f"{model[0]:.3f} (95% CI {model[1]:.3f} to {model[2]:.3f}) against {loris[0]:.3f} "
        f"(95% CI {loris[1]:.3f} to {loris[2]:.3f}) for {Score.LORIS}; the difference, {difference[0]:+.3f} "
        f"(95% CI {difference[1]:+.3f} to {difference[2]:+.3f}), "
        f"is {verdict}."
    )


def feature_availability(card: dict) -> pd.DataFrame:
    """Return, per feature, how many training patients had it measured: why a rare feature moves predictions little."""
    patients = card["training"]["patients"]
    if not patients:  # a model uploaded without its training data
        return pd.DataFrame({"feature": [f["label"] for f in card["features"]], "share measured": "not recorded"})
    rows = [
        {
            "feature": feature["label"],
            "measured in training": patients - feature["training_missing"],
            "share measured": f"{(patients - feature['training_missing']) / patients:.0%}",
        }
        for feature in card["features"]
    ]
    return pd.DataFrame(rows).sort_values("measured in training", kind="stable").reset_index(drop=True)


def describe_calibration(card: dict) -> str:
    """Return, in one sentence, how well the probabilities held on patients the model did not see."""
    slope = card.get("validation", {}).get("calibration_ci", {}).get("slope")
    if not slope:
        return "Probabilities come from a model calibrated on its training patients; it has no validation record."
    estimate, low, high = slope
    if low <= 1 <= high:
        how = "as spread as observed"
    elif estimate > 1:
        how = "less spread than observed: the true chances lie further from the average"
    else:
        how = "more spread than observed: the true chances lie closer to the average"
    return (
        f"Probabilities are {how} (calibration slope {estimate:.2f}, 95% CI {low:.2f} to {high:.2f}, on "
        f"{card['validation'].get('patients', 'the')} validation patients)."
    )


def calibration_ci_text(calibration_ci: dict) -> str:
    """Return the calibration measures with their CIs as one line of text."""
    names = {"slope": "slope", "intercept": "intercept", "brier": "Brier", "expected_calibration_error": "ECE"}
    return "; ".join(f"{label} {ci_text(calibration_ci.get(key))}" for key, label in names.items())


def net_benefit_table(net_benefit: dict) -> pd.DataFrame:
    """Return net benefit per threshold (rows) and strategy (columns), each 'estimate [CI]'."""
    return pd.DataFrame(
        [
            {"threshold": threshold} | {name: ci_text(v) for name, v in entry.items()}
            for threshold, entry in net_benefit.items()
        ]
    )


def coverage_table(card: dict) -> pd.DataFrame:
    """Return, per missing-input scenario, how often the range held the measured prediction and its mean width."""
    sources = {
        "training": card.get("uncertainty", {}).get("training_coverage", {}),
        "validation": card.get("validation", {}).get("range_coverage", {}),
    }
    rows = []
    for scenario in sources["training"] | sources["validation"]:
        row = {"inputs removed": scenario}
        for source, coverage in sources.items():
            entry = coverage.get(scenario)
            row[f"held ({source})"] = f"{entry['coverage']:.0%}" if entry else "n/a"
            row[f"mean width ({source}, points)"] = f"{entry['mean_width_points']:.1f}" if entry else "n/a"
        rows.append(row)
    return pd.DataFrame(rows)
