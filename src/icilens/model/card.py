"""The model card: its fixed text, the features as training saw them, and the card read as TRIPOD+AI asks.

TRIPOD+AI (Collins et al., BMJ 2024) asks for one short statement per reporting item; `summarise_card` gives them.
"""

from __future__ import annotations

import pandas as pd

from icilens.schema import FEATURES, FIELD_BY_NAME, OTHER_CANCER
from icilens.vocabulary import FeatureCard, ModelCard, Score, ValidationReport

CARD_FILE = "model_card.json"


INTENDED_USE = (
    "Research use only: to estimate, for adults with an advanced solid tumour about to start an immune checkpoint "
    "inhibitor, the probability of an objective response (RECIST CR or PR), and to explain which pre-treatment "
    "features drive that estimate. Not a medical device; not for treatment decisions on its own."
)


LIMITATIONS = [
    "Trained on one centre (Memorial Sloan Kettering, 2015-2017); other populations may differ.",
    "Cancer types outside the 16 of the training cohort are unknown to the model (treated as missing).",
    "TMB was measured by the MSK-IMPACT panel; TMB from other assays or whole-exome sequencing is not on the same scale.",
    "Patients were treated with PD-1/PD-L1, CTLA-4 or their combination, mostly as monotherapy; ICI combined with "
    "chemotherapy or targeted drugs, and lines of therapy outside the cohort, were not studied.",
    "PD-L1 was recorded for a minority of patients; its effect is learned from few cases.",
    "Predicts objective response, not survival; a non-responder by RECIST may still benefit.",
]


INTENDED_USERS = (
    "Oncologists and translational researchers reviewing patients or cohorts before immune checkpoint therapy, "
    "beside the clinical assessment and the tumour board; data scientists validating the model on their own cohorts."
)


MISSING_INPUT_HANDLING = (
    "Any feature may be missing at use. LightGBM sends a missing value down the branch it learned for missing "
    "values (training rows were repeated with realistic groups of features removed), so a missing value is never "
    "read as 0. Each prediction lists its missing features and shows the range it could move to had they been "
    "measured; LORIS is undefined when one of its six inputs is missing."
)


HOW_COMPUTED = (
    "p = 1 / (1 + exp(-(slope * mean_m f_m(x) + intercept))): f_m is the raw log-odds of ensemble member m "
    "(LightGBM text files listed under ensemble.files), slope and intercept are under calibration. Code: "
    "icilens.model.Model.predict; explanations are exact TreeSHAP of the members' mean (icilens.explain), which "
    "adds up to the raw log-odds before calibration."
)


NEXT_VALIDATION = (
    "External validation at another centre, with TMB from its own assay and ICI given with chemotherapy, before "
    "any clinical use; then a prospective study of whether the prediction changes decisions or outcomes."
)


def feature_cards(frame: pd.DataFrame) -> list[FeatureCard]:
    cards: list[FeatureCard] = []
    for name in FEATURES:
        spec = FIELD_BY_NAME[name]
        entry: FeatureCard = {"name": name, "label": spec.label, "unit": spec.unit, "type": spec.kind}
        if spec.categories:
            entry["categories"] = [c for c in spec.categories if c != OTHER_CANCER]
            counts = frame[name].astype(object).value_counts()
            entry["training_counts"] = {str(k): int(v) for k, v in counts.items()}
        else:
            values = frame[name].dropna()
            entry["training_range"] = (
                [round(float(values.min()), 4), round(float(values.max()), 4)] if len(values) else None
            )
            entry["training_p01_p99"] = (
                [round(float(values.quantile(0.01)), 4), round(float(values.quantile(0.99)), 4)]
                if len(values)
                else None
            )
        entry["training_missing"] = int(frame[name].isna().sum())
        entry["training_measured_share"] = round(float(frame[name].notna().mean()), 4)
        cards.append(entry)
    return cards


def _ci(values, digits: int = 3) -> str:
    return "n/a" if not values else f"{values[0]:.{digits}f} (95% CI {values[1]:.{digits}f} to {values[2]:.{digits}f})"


def _data(card: ModelCard) -> str:
    sources, training = card.get("data_sources", {}), card["training"]
    if not training.get("patients"):
        return "Not recorded: the model came without a card describing its training data."
    where = sources.get("training", training["source"]) if isinstance(sources, dict) else training["source"]
    centre = f"{sources['centre']}; " if "centre" in sources else ""
    validation = f" Validation: {sources['validation']}." if "validation" in sources else ""
    return (
        f"{centre}{where}: {training['patients']} patients, {training['responders']} responders "
        f"({training['response_rate']:.0%}).{validation}"
    )


def _availability(card: ModelCard) -> str:
    patients = card["training"]["patients"]
    if not patients:
        return "Not recorded: the model came without its training data."
    shares = sorted(
        (feature.get("training_measured_share", 1 - feature["training_missing"] / patients), feature["label"])
        for feature in card["features"]
    )
    rare = [f"{label} {share:.0%}" for share, label in shares if share < 0.9]
    if not rare:
        return "Every feature was measured in at least 90% of training patients."
    return "Measured in fewer than 90% of training patients: " + ", ".join(rare) + "; all others in at least 90%."


def _discrimination(validation: ValidationReport) -> str:
    overall = validation["overall"]
    model, loris = overall[Score.MODEL], overall.get(Score.LORIS, {})
    difference = validation.get("auc_difference_vs_loris")
    return (
        f"ROC AUC {_ci(model['roc_auc'])}, PR AUC {_ci(model['pr_auc'])}; {Score.LORIS} ROC AUC "
        f"{_ci(loris.get('roc_auc'))}; difference {_ci(difference)}."
    )


def _calibration(validation: ValidationReport) -> str:
    ci = validation.get("calibration_ci")
    if not ci:
        figures = validation["calibration"]
        return f"Slope {figures['slope']:.2f}, intercept {figures['intercept']:.2f}, Brier {figures['brier']:.3f}."
    return (
        f"Slope {_ci(ci['slope'], 2)} (1 is ideal), intercept {_ci(ci['intercept'], 2)} (0 is ideal), "
        f"Brier {_ci(ci['brier'])}, expected calibration error {_ci(ci['expected_calibration_error'])}."
    )


def _utility(validation: ValidationReport) -> str:
    utility = validation.get("net_benefit")
    if not utility:
        return "Net benefit not recorded for this model."
    parts = [
        f"at {threshold}: model {_ci(entry[Score.MODEL])}, treat all {_ci(entry['treat all'])}"
        for threshold, entry in utility.items()
    ]
    return "Net benefit (decision curve) " + "; ".join(parts) + "."


def describe_range_method(uncertainty: dict) -> str:
    """Return how a card's range is made, in words: the draws, then the central share of them it holds."""
    draws = str(uncertainty["method"]).split("; the range is")[0]
    return f"{draws}; the range holds the central {uncertainty['draw_level']:.0%} of them"


def _uncertainty(card: ModelCard) -> str:
    uncertainty = card.get("uncertainty")
    if not uncertainty:
        return "No uncertainty range with measured coverage is recorded for this model."
    coverage = card.get("validation", {}).get("range_coverage", {})
    measured = "; ".join(f"{name} {entry['coverage']:.0%}" for name, entry in coverage.items())
    return (
        f"Range had the missing inputs been measured: {describe_range_method(uncertainty)}, "
        f"aimed at holding the measured prediction for {uncertainty['target_coverage']:.0%} of patients"
        + (f"; held in validation with inputs removed: {measured}." if measured else ".")
    )


def summarise_card(card: ModelCard) -> list[tuple[str, str]]:
    """Return the TRIPOD+AI points of a model card as (item, one or two sentences), in reporting order."""
    items = [
        ("Intended use", card["intended_use"]),
        ("Intended users", card.get("intended_users", "Not recorded.")),
        ("Data", _data(card)),
        ("Feature availability in training", _availability(card)),
        ("Missing inputs at use", card.get("missing_inputs", "Not recorded.")),
    ]
    validation = card.get("validation")
    if validation:
        items += [
            (f"Discrimination ({validation['patients']} validation patients)", _discrimination(validation)),
            ("Calibration", _calibration(validation)),
            ("Clinical utility", _utility(validation)),
        ]
    else:
        items.append(("Validation", "None recorded: validate the model on patients it did not see before use."))
    items += [
        ("Uncertainty", _uncertainty(card)),
        ("How predictions are computed", card.get("how_computed", card["calibration"]["method"])),
        ("Limitations", " ".join(card["limitations"])),
        ("Next validation needed", card.get("next_validation", "Not recorded.")),
    ]
    return items
