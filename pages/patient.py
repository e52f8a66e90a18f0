"""Patient page: one prediction with its uncertainty, why, what-if, and similar patients."""

import pandas as pd
import streamlit as st

from icilens import DISCLAIMER, ui
from icilens.analysis import summarise_cohort
from icilens.explain import (
    HOW,
    MISSING_NOTE,
    describe_recorded,
    describe_similar_patients,
    describe_similarity_limit,
    explain_patient,
    find_similar_patients,
    inputs_side_by_side,
    summarise_outcomes,
    waterfall_bars,
    what_if_curve,
)
from icilens.model import describe_range
from icilens.plots import LOG_ODDS, PROBABILITY, plot_icon_array, plot_waterfall, plot_what_if_curve
from icilens.reports import build_patient_report, input_notes
from icilens.schema import FEATURES, FIELD_BY_NAME
from icilens.scoring import describe_first_ranked, describe_loris_recalibration, loris_recalibration
from icilens.training import describe_against_loris
from icilens.ui import (
    active_model,
    cohort_predictions,
    patient_table,
    training_probabilities,
    training_reference,
    what_if_inputs,
)
from icilens.vocabulary import NOT_AVAILABLE, TMB_HIGH_LABEL, Column


def placing(cohort, explanation, card: dict) -> str:
    """Return where the patient stands: the cohort's response rate, or among training patients without a cohort."""
    training = card["training"]
    if cohort.entered:  # no cohort to compare with: the training patients take its place
        share = float((training_probabilities() < explanation.probability).mean())
        return f"The prediction is above that of {share:.0%} of the {training['patients']} training patients."
    rate = ui.cohort_cached("summary", cohort, lambda: summarise_cohort(cohort.result.frame)).response_rate
    observed = "not recorded" if rate is None else f"{rate:.0%}"
    return f"Response rate: {observed} in this cohort, {training['response_rate']:.0%} in training."


def show_what_if(model, patient: pd.DataFrame, explanation, patient_id: str) -> None:
    """Draw the what-if form beside the original prediction, and the what-if curve of one feature."""
    st.caption("Change inputs and compare with the original prediction. Nothing here changes the cohort.")
    changed = what_if_inputs(patient, key=ui.key(f"whatif_{patient_id}"))
    if changed is not None:
        alternative = explain_patient(model, changed)
        before, after = st.columns(2)
        before.metric("Original", f"{explanation.probability:.0%}")
        after.metric(
            "What if",
            f"{alternative.probability:.0%}",
            delta=f"{(alternative.probability - explanation.probability) * 100:+.1f} points",
        )
        for column, shown, title in ((before, explanation, "Original"), (after, alternative, "What if")):
            figure = plot_waterfall(shown.labels, shown.points, shown.base_probability, shown.probability, title=title)
            ui.chart(column, figure, key=f"waterfall_{title.lower().replace(' ', '_')}", patient_id=patient_id)

    numeric = [f for f in FEATURES if not FIELD_BY_NAME[f].categories]
    feature = st.selectbox(
        "What-if curve: this patient's prediction across one feature's training range",
        numeric,
        format_func=lambda f: FIELD_BY_NAME[f].label,
        key=ui.key("what_if_curve_feature"),
    )
    values, curve = what_if_curve(model, patient, feature)
    spec = FIELD_BY_NAME[feature]
    ui.chart(
        st,
        plot_what_if_curve(values, curve, f"{spec.label} ({spec.display_unit})", patient[feature].iloc[0]),
        key="what_if_curve",
        name=f"{ui.patient_file_stem(patient_id)}_what_if_{feature}",
        patient_id=patient_id,
    )


def show_side_by_side(model, frame: pd.DataFrame, predictions: pd.DataFrame, explanation, others: list[str]) -> None:
    """Draw this patient's waterfall and inputs beside another patient's, once the user picks one."""
    other_id = st.selectbox(
        "Compare with",
        others,
        index=None,
        placeholder="Choose a patient of this cohort",
        key=ui.key(f"side_by_side_{explanation.patient_id}"),
    )
    if other_id is None:
        return
    other_row = int((predictions["patient_id"] == other_id).to_numpy().argmax())
    other = explain_patient(model, frame.iloc[[other_row]], predictions.iloc[other_row])
    columns = st.columns(2)
    for column, shown in zip(columns, (explanation, other), strict=True):
        column.metric(f"Patient {shown.patient_id}", f"{shown.probability:.0%}")
        figure = plot_waterfall(
            shown.labels, shown.points, shown.base_probability, shown.probability, title=f"{shown.patient_id}"
        )
        side = "this" if shown is explanation else "other"
        ui.chart(column, figure, key=f"side_waterfall_{side}", patient_id=shown.patient_id)
    st.dataframe(
        inputs_side_by_side(explanation, other),
        hide_index=True,
        placeholder=NOT_AVAILABLE,
        key=ui.key("side_by_side_inputs"),
    )


def show_similar_patients(patient: pd.DataFrame) -> None:
    """Draw the 20 most similar training patients and what happened to them."""
    withheld = describe_similarity_limit(patient)
    if withheld:
        st.info(f"No similar patients: {withheld}.")
        return
    reference, importance = training_reference()
    similar = find_similar_patients(patient, reference, importance, k=20)
    outcome = summarise_outcomes(similar)
    cells = st.columns(3)
    cells[0].metric("Responded", f"{outcome['responders']} of {outcome['patients']}")
    for cell, label, key in (
        (cells[1], "Median overall survival", "median_os_months"),
        (cells[2], "Median progression-free survival", "median_pfs_months"),
    ):
        value = outcome[key]
        cell.metric(
            label,
            "NR" if value is None else f"{value:.1f} mo",
            help="Kaplan-Meier median in months; NR, not reached: fewer than half of these patients had the event "
            "during follow-up",
        )
    st.caption(HOW)
    st.dataframe(
        describe_similar_patients(similar),
        hide_index=True,
        placeholder=NOT_AVAILABLE,
        column_config={
            "patient_id": st.column_config.TextColumn("Patient"),
            "distance": st.column_config.NumberColumn("Distance", format="%.3f"),
            "os_months": st.column_config.NumberColumn("OS (months)", format="%.1f"),
        },
    )


ui.setup_page("Patient")
cohort = ui.require_cohort()

with ui.guarded("explaining this patient"):
    model = active_model()
    ui.warn_missing_features(cohort, model.card)
    predictions = cohort_predictions(cohort)
    ranked = patient_table(cohort).sort_values("rank", kind="stable")
    order = ranked["patient_id"].tolist()
    key = st.query_params.get("id")
    requested = None if key is None else ui.patient_for_key(key, order)
    if key is not None and requested is None:
        ui.patient_not_found(order)  # never shows another patient in its place
    last = st.session_state.get(ui.LAST_PATIENT)
    patient_id = requested or (last if last in order else order[0])
    if requested is None and last not in order:
        st.caption(f"No patient chosen yet: {describe_first_ranked(ranked)}")
    st.session_state[ui.LAST_PATIENT] = patient_id

    position = order.index(patient_id)
    st.title(f"Patient {ui.escape_markdown(patient_id)}", anchor=False)
    previous, following, choose = st.columns([1.4, 1.4, 4], vertical_alignment="bottom")
    previous.button(
        "Previous",
        disabled=position == 0,
        key=ui.key("previous_patient"),
        icon=":material/arrow_back:",
        on_click=ui.open_patient,
        args=(order[max(position - 1, 0)],),
        width="stretch",
    )
    following.button(
        "Next",
        disabled=position == len(order) - 1,
        key=ui.key("next_patient"),
        icon=":material/arrow_forward:",
        on_click=ui.open_patient,
        args=(order[min(position + 1, len(order) - 1)],),
        width="stretch",
    )
    choose.selectbox(
        "Open patient (ranked by predicted probability)",
        order,
        index=position,
        key=ui.key(f"pick_{patient_id}"),
        on_change=ui.open_picked_patient,
        args=(f"pick_{patient_id}",),
    )
    st.query_params["id"] = ui.link_key(patient_id)
    st.caption(DISCLAIMER)

    frame = cohort.result.frame
    row_index = int((predictions["patient_id"] == patient_id).to_numpy().argmax())
    patient = frame.iloc[[row_index]]
    scored = predictions.iloc[row_index]
    explanation = explain_patient(model, patient, scored)

    # Three headline numbers only, so their labels fit a 1024-pixel laptop; the rest is said in words below.
    metrics = st.columns(3)
    metrics[0].metric(
        "Predicted response",
        "not estimable" if explanation.not_estimable else f"{explanation.probability:.0%}",
        help="Calibrated probability of objective response (RECIST CR or PR), shown only where the patient's "
        "measured inputs carry it",
    )
    loris = scored[Column.LORIS_PROBABILITY]
    metrics[1].metric(
        "LORIS (recalibrated)",
        "n/a" if pd.isna(loris) else f"{loris:.0%}",
        help=f"Pan-cancer LORIS (Chang et al. 2024), {describe_loris_recalibration(loris_recalibration(model))}. "
        + (
            "It needs all six of its inputs, and one is missing for this patient."
            if pd.isna(loris)
            else f"The published raw score is {scored['loris_score']:.2f}, not a probability."
        ),
    )
    tmb_high = scored[Column.TMB_HIGH]
    metrics[2].metric(
        TMB_HIGH_LABEL,
        "unknown" if pd.isna(tmb_high) else ("yes" if tmb_high else "no"),
        help="FDA tissue-agnostic threshold for pembrolizumab",
    )
    recorded = describe_recorded(patient.iloc[0])
    if recorded:
        st.caption(recorded)  # our labels and numbers only: nothing of the file to escape
    ui.show_one_reading(cohort, patient_id, explanation, model.card)
    missing_count = int(frame.iloc[row_index][list(FEATURES)].isna().sum())
    if explanation.not_estimable:
        st.warning(
            f"**The clinical prediction is not estimable for this patient:** {explanation.not_estimable}. The "
            f"model's output, {explanation.probability:.0%}, is close to its average patient's and says little about "
            "this one; measure the missing inputs, or read the transcriptome below where there is one."
        )
    st.markdown(
        describe_range(explanation.range_low, explanation.range_high, missing_count, model.card)
        + f" Model disagreement (the spread of the ensemble's {len(model.boosters)} models, not a confidence "
        f"interval): {explanation.low:.0%} to {explanation.high:.0%}. {placing(cohort, explanation, model.card)}"
    )
    st.caption(describe_against_loris(model.card.get("validation", {})))
    source_row = int(cohort.result.source_rows.iloc[row_index])
    st.download_button(
        "Patient report (PDF)",
        ui.guard_download(
            "the patient report",
            lambda: build_patient_report(
                model,
                patient,
                scored,
                input_notes(patient, cohort.result.findings, source_row, cohort.result.mapping),
                cohort.label,
                transcriptome=ui.patient_transcriptome_row(cohort, patient_id),
            ),
        ),
        f"{ui.export_stem(ui.patient_file_stem(patient_id))}.pdf",
        "application/pdf",
        key=ui.key("patient_report"),
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
    observed = patient["response"].iloc[0]
    if not pd.isna(observed):
        st.caption(f"Observed response: **{'responder' if observed == 1 else 'non-responder'}**.")

    # The waterfall takes the page's width, where its labels fit a laptop screen; the icon array and the
    # drivers in words sit below it.
    scale = st.segmented_control(
        "Waterfall scale",
        [PROBABILITY, LOG_ODDS],
        default=PROBABILITY,
        key=ui.key("waterfall_scale"),
        format_func=lambda s: "Probability points" if s == PROBABILITY else "Log-odds",
    )
    scale = scale or PROBABILITY
    labels, bars = waterfall_bars(explanation, log_odds=scale == LOG_ODDS)
    if scale == PROBABILITY:
        figure = plot_waterfall(labels, bars, explanation.base_probability, explanation.probability)
    else:
        figure = plot_waterfall(
            labels,
            bars,
            explanation.base_raw,
            explanation.base_raw + explanation.shap.sum(),
            scale=LOG_ODDS,
            calibrated=explanation.probability,
        )
    ui.chart(st, figure, key="waterfall", name=f"{ui.patient_file_stem(patient_id)}_waterfall", patient_id=patient_id)
    if explanation.not_estimable:  # no natural frequency for a number the inputs cannot carry
        st.markdown("**What the measured inputs did**")
        st.markdown("\n".join(f"- {sentence}" for sentence in explanation.drivers))
    else:
        left, right = st.columns([2, 3])
        with left:
            ui.chart(
                st,
                plot_icon_array(explanation.probability),
                key="icon_array",
                name=f"{ui.patient_file_stem(patient_id)}_icon_array",
                patient_id=patient_id,
            )
        with right:
            st.markdown(f"About **{round(explanation.probability * 100)} of 100** patients like this one respond.")
            st.markdown("**What drives this prediction**")
            st.markdown("\n".join(f"- {sentence}" for sentence in explanation.drivers))

    ui.show_patient_transcriptome(cohort, patient_id, ui.patient_file_stem(patient_id))

    if explanation.notes:  # one list per kind, not a box per input
        st.subheader("About this patient's inputs", anchor=False)
        missing = [note.text for note in explanation.notes if note.kind == "missing"]
        unusual = [note.text for note in explanation.notes if note.kind != "missing"]
        if missing:
            st.info(f"**Missing inputs.** {MISSING_NOTE}\n" + "\n".join(f"- {text}" for text in missing))
        if unusual:
            st.warning("**Unusual inputs.**\n" + "\n".join(f"- {text}" for text in unusual))

    what_if = ui.lazy_section("What if: change inputs, or move one along its range", "what_if")
    if what_if.open:
        with what_if:
            show_what_if(model, patient, explanation, patient_id)
    side_by_side = ui.lazy_section("Side by side with another patient", "side_by_side")
    if side_by_side.open:
        with side_by_side:
            show_side_by_side(model, frame, predictions, explanation, [pid for pid in order if pid != patient_id])
    similar = ui.lazy_section("Similar patients in the training cohort", "similar_patients")
    if similar.open:
        with similar:
            show_similar_patients(patient)
