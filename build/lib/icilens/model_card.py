"""The model card read as TRIPOD+AI asks (Collins et al., BMJ 2024): one short sentence per reporting item."""

from __future__ import annotations

from icilens.vocabulary import ModelCard, Score, ValidationReport


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


def _uncertainty(card: ModelCard) -> str:
    uncertainty = card.get("uncertainty")
    if not uncertainty:
        return "No uncertainty range with measured coverage is recorded for this model."
    coverage = card.get("validation", {}).get("range_coverage", {})
    measured = "; ".join(f"{name} {entry['coverage']:.0%}" for name, entry in coverage.items())
    return (
        f"Range had the missing inputs been measured: {uncertainty['method']} ({uncertainty['draw_level']:.0%}), "
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
