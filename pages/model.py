"""Model page: the model card for clinicians: data, validation, calibration, limits and intended use."""

import json

import streamlit as st

from icilens import DISCLAIMER, ui
from icilens.model import describe_range_method, summarise_card
from icilens.plots import plot_calibration
from icilens.training import (
    calibration_ci_text,
    coverage_table,
    describe_against_loris,
    feature_availability,
    net_benefit_table,
    validation_tables,
)
from icilens.ui import active_model, default_model, show_own_model, validation_outcomes
from icilens.vocabulary import NOT_AVAILABLE


def card_in_brief(card: dict) -> str:
    """Return the card's TRIPOD+AI items as a markdown list, its text shown as written (never as markup)."""
    return "\n".join(f"- **{item}.** {ui.escape_markdown(text)}" for item, text in summarise_card(card))


def show_uncertainty(card: dict) -> None:
    """Show how the range from missing inputs is made and how often it held, in training and validation."""
    uncertainty = card.get("uncertainty")
    st.subheader("Uncertainty from missing inputs")
    if not uncertainty:
        st.info("This model's card records no uncertainty range with measured coverage.")
        return
    st.markdown(
        "Each prediction with missing inputs comes with a range: where the prediction would most likely lie had "
        f"those inputs been measured. Method: {describe_range_method(uncertainty)} (a share chosen on the training "
        f"patients to hold the prediction at least {uncertainty['target_coverage']:.0%} of the time). "
        "Coverage is measured by removing inputs patients do have and checking whether the prediction with the "
        "true values falls inside the range made without them. The range does not include the model's own error, "
        "which calibration and discrimination above describe."
    )
    st.dataframe(coverage_table(card), hide_index=True, placeholder=NOT_AVAILABLE, key=ui.key("range_coverage"))


ui.setup_page("Model")
st.title("Model card")
st.warning(DISCLAIMER, icon=":material/info:")

with ui.guarded("showing the model card"):
    model = active_model()
    card = model.card
    training = card["training"]
    st.markdown(f"**Intended use.** {ui.escape_markdown(card['intended_use'])}")
    st.markdown(f"**Against LORIS.** {describe_against_loris(card.get('validation', {}))}")
    with st.expander("The card in brief, item by item as TRIPOD+AI (BMJ 2024) asks"):
        st.markdown(card_in_brief(card))

    if model is default_model():  # the bundled model: its data and design in words
        st.subheader("Data")
        st.markdown(
            f"Trained on **{training['patients']} patients** treated with immune checkpoint inhibitors at Memorial Sloan "
            f"Kettering in 2015-2017 ({training['responders']} responders, {training['response_rate']:.0%}), from Chowell D. "
            "et al., *Nature Biotechnology* 40, 499-506 (2022), as redistributed by the LORIS authors (rootchang/LORIS, "
            "GPL-3.0). Validated once, never tuned, on the **515 patients treated in 2018**: a temporal split, the way a "
            f"model is used in practice. Training file SHA-256: `{training['sha256']}`."
        )

        st.markdown(
            "**How often each feature was measured in training.** A feature measured in few training patients "
            "(PD-L1 above all) moves a prediction little even at an extreme value, because the model learned little "
            "from it; a missing value is never read as 0."
        )
        st.dataframe(
            feature_availability(card), hide_index=True, placeholder=NOT_AVAILABLE, key=ui.key("feature_availability")
        )

        st.subheader("How it predicts")
        st.markdown(
            f"An ensemble of {card['ensemble']['members']} LightGBM models, each trained on a bootstrap sample of patients "
            f"with {training['masked_copies']} extra copies of every patient in which realistic groups of features were "
            "removed (only the LORIS six; no genomics but TMB; no blood values; scattered gaps), so the model stays "
            "useful when features are missing and never reads a missing value as 0. Hyperparameters were chosen by "
            "5-fold cross-validation grouped by patient inside the training data; probabilities are calibrated by Platt "
            "scaling on out-of-fold predictions. Model disagreement, shown beside each prediction, is the "
            f"{card['ensemble'].get('disagreement', card['ensemble'].get('interval', ''))}."
        )
    else:  # a model of this session: what its card records, item by item
        st.subheader("This session's model", anchor=False)
        st.markdown(card_in_brief(card))
        st.dataframe(
            feature_availability(card), hide_index=True, placeholder=NOT_AVAILABLE, key=ui.key("feature_availability")
        )

    validation = card.get("validation")
    if validation is None:
        st.info("This model has no external validation in its card.")
    else:
        tables = validation_tables(validation)
        st.subheader(
            f"Validation on {validation['patients']} patients treated in 2018 ({validation['responders']} responders)"
        )
        st.dataframe(tables["overall"], hide_index=True, placeholder=NOT_AVAILABLE)
        difference = validation.get("auc_difference_vs_loris")
        if difference:
            st.markdown(
                f"ROC AUC of the model minus LORIS on the same patients: **{difference[0]:+.3f}** "
                f"(paired bootstrap 95% CI {difference[1]:+.3f} to {difference[2]:+.3f}). "
                + ("The two are not distinguishable on these patients." if difference[1] < 0 < difference[2] else "")
            )
        calibration = validation["calibration"]
        left, right = st.columns([3, 2])
        if model is default_model():  # the chart recomputes the bundled model on the bundled 2018 patients
            observed, predicted = validation_outcomes()
            ui.chart(
                left, plot_calibration(observed, predicted, title="Calibration on the 2018 patients"), key="calibration"
            )
        right.metric(
            "Calibration slope", f"{calibration['slope']:.2f}", help="1 is ideal; above 1, predictions are too cautious"
        )
        right.metric("Calibration intercept", f"{calibration['intercept']:.2f}", help="0 is ideal")
        right.metric("Brier score", f"{calibration['brier']:.3f}")
        right.metric("Expected calibration error", f"{calibration['expected_calibration_error']:.3f}")
        if "calibration_ci" in validation:
            right.caption("95% bootstrap CIs: " + calibration_ci_text(validation["calibration_ci"]))
        if "net_benefit" in validation:
            st.markdown(
                "**Clinical utility** (net benefit of treating the patients whose predicted response is at least "
                "the threshold, against treating everyone; 95% bootstrap CIs)"
            )
            st.dataframe(net_benefit_table(validation["net_benefit"]), hide_index=True, placeholder=NOT_AVAILABLE)
        st.markdown("**When features are missing** (ROC AUC on the 2018 patients with feature groups removed)")
        st.dataframe(tables["scenarios"], hide_index=True, placeholder=NOT_AVAILABLE)
        st.markdown("**Per cancer type** (types with at least 40 patients in 2018)")
        st.dataframe(tables["per_cancer_type"], hide_index=True, placeholder=NOT_AVAILABLE)

    show_uncertainty(card)

    show_own_model(ui.current_cohort())

    st.subheader("What the model cannot do")
    st.markdown("\n".join(f"- {ui.escape_markdown(limit)}" for limit in card["limitations"]))
    ui.show_transcriptome_card()
    ui.show_transcriptome_evidence(ui.transcriptome_model().card)
    ui.show_transcriptome_selection(ui.transcriptome_model().card)
    ui.show_transcriptome_refit(ui.current_cohort())
    st.download_button(
        "Download the model card (JSON)",
        ui.guard_download("the model card", lambda: json.dumps(card, indent=2)),
        "model_card.json",
        "application/json",
        on_click="ignore",
    )
