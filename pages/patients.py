"""Patients page: every patient's predicted probability, rank, references and missing data."""

import streamlit as st

from icilens import DISCLAIMER, ui
from icilens.reports import patient_reports
from icilens.schema import FEATURES
from icilens.scoring import (
    describe_loris_recalibration,
    filter_patients,
    flag_at_threshold,
    loris_recalibration,
    readable_predictions,
)
from icilens.training import describe_against_loris, describe_calibration
from icilens.transcriptome import add_transcriptome_columns
from icilens.ui import active_model, cohort_predictions, page_named, patient_table
from icilens.vocabulary import NOT_AVAILABLE, Column

ui.setup_page("Patients")
st.title("Patients")
st.caption(DISCLAIMER)
cohort = ui.require_cohort()

with ui.guarded("scoring the cohort"):
    model = active_model()
    ui.warn_missing_features(cohort, model.card)
    table = patient_table(cohort)
    transcriptome = ui.cohort_transcriptome(cohort)
    if transcriptome is not None:
        by_patient = transcriptome.table.drop_duplicates("patient_id").set_index("patient_id")
        table = table.assign(
            transcriptome=table["patient_id"].map(by_patient[Column.TRANSCRIPTOME_PROBABILITY]).astype("float64") * 100
        )
    types = sorted(table["cancer_type"].unique())
    search, kinds = st.columns(2)
    query = search.text_input("Search patient id", key=ui.key("patient_query"))
    chosen_types = kinds.multiselect("Cancer type", types, key=ui.key("patient_types"))
    probability, missing, decision = st.columns(3)
    low, high = probability.slider("Predicted probability (%)", 0, 100, (0, 100), key=ui.key("patient_probability"))
    most_missing = missing.slider(
        "At most this many features missing", 0, len(FEATURES), len(FEATURES), key=ui.key("patient_missing")
    )
    threshold = ui.decision_threshold(decision, "patients")
    shown = filter_patients(table, chosen_types, (low, high), most_missing, query).sort_values("rank")
    shown = shown.assign(flag=flag_at_threshold(shown["probability"], threshold))
    st.caption(
        f"{len(shown)} of {len(table)} patients. {describe_calibration(model.card)} The range is where a "
        "prediction would most likely lie had its missing inputs been measured."
    )
    st.caption(describe_against_loris(model.card.get("validation", {})) + " Select a row to open the patient.")
    selection = st.dataframe(
        shown,
        hide_index=True,
        placeholder=NOT_AVAILABLE,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=ui.key(f"patients_table_{st.session_state.get(ui.key('patients_table_round'), 0)}"),
        # What a clinician reads first on a narrow screen; ranks and the raw LORIS score come last.
        # Grouped by model: the clinical prediction with its range and flag, its references, then the tumour's RNA.
        column_order=(
            "patient_id",
            "probability",
            "range",
            "flag",
            "loris",
            Column.TMB_HIGH,
            "transcriptome",
            "observed",
            "cancer_type",
            "missing",
            "rank",
            "percentile",
            Column.LORIS_SCORE,
        ),
        column_config={
            "patient_id": st.column_config.TextColumn("Patient"),
            "cancer_type": st.column_config.TextColumn("Cancer type"),
            "probability": st.column_config.ProgressColumn(
                "Clinical model",
                format="%.0f%%",
                min_value=0,
                max_value=100,
                help="Predicted response from the clinical inputs; n/a where they cannot carry a number (the range "
                "says why)",
            ),
            "transcriptome": st.column_config.NumberColumn(
                "Transcriptome model",
                format="%.0f%%",
                help="Predicted response from the tumour's RNA-seq (Tumour RNA-seq on the Cohort page); empty without "
                "an expression sample",
            ),
            "range": st.column_config.TextColumn(
                "Clinical range if measured",
                help="Where the prediction would most likely lie had the missing inputs been measured (coverage on "
                "the Model page); one value, with the reason, when nothing is missing or it moves less than half a "
                "point",
            ),
            "rank": st.column_config.NumberColumn("Rank", help="1 = highest predicted probability"),
            "percentile": st.column_config.NumberColumn("Percentile", format="%.0f"),
            "loris": st.column_config.NumberColumn(
                "LORIS",
                format="%.0f%%",
                help=f"Pan-cancer LORIS (Chang et al. 2024), recalibrated: "
                f"{describe_loris_recalibration(loris_recalibration(model))} (the published score is not a probability)",
            ),
            Column.LORIS_SCORE: st.column_config.NumberColumn(
                "LORIS raw score",
                format="%.2f",
                help="The published LORIS score (0-1), fitted with balanced classes: not a chance of response",
            ),
            Column.TMB_HIGH: st.column_config.TextColumn("TMB ≥ 10"),
            "flag": st.column_config.TextColumn(
                f"≥ {threshold:.0%}", help="Predicted response at or above the session's decision threshold"
            ),
            "missing": st.column_config.NumberColumn("Missing features"),
            "observed": st.column_config.TextColumn("Observed response"),
        },
    )
    st.caption(
        "Download every prediction with its model disagreement, the references, missing features and SHAP values (log-odds)."
    )
    predictions = cohort_predictions(cohort)
    if transcriptome is not None:
        predictions = add_transcriptome_columns(predictions, transcriptome.table, explain=True)
    readable, percent = readable_predictions(predictions)
    ui.table_downloads(st, predictions, "predictions", "predictions_with_shap", readable, percent)
    ui.bulk_download(
        st,
        f"Prepare all {len(table)} patient reports",
        "patient_reports",
        f"{ui.export_stem('patient_reports')}.zip",
        lambda: patient_reports(
            cohort.result, model, cohort_predictions(cohort), cohort.label, name_of=ui.patient_file_stem
        ),
    )
    chosen = selection.selection.rows if selection else []
    if chosen:
        # A fresh table next time: the old selection must not reopen this patient on return.
        st.session_state[ui.key("patients_table_round")] = st.session_state.get(ui.key("patients_table_round"), 0) + 1
        st.switch_page(page_named("patient"), query_params={"id": ui.link_key(shown.iloc[chosen[0]]["patient_id"])})
