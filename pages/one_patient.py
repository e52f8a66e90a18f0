"""One patient page: enter one patient's values by hand, and compare the patients entered in this session."""

import streamlit as st

from icilens import DISCLAIMER, ui
from icilens.explain import explain_patient
from icilens.intake import entered_side_by_side
from icilens.ui import active_model, cohort_predictions, page_named, show_patient_form
from icilens.vocabulary import NOT_AVAILABLE

ui.setup_page("One patient")
st.title("One patient")
st.caption(
    "Enter what you know about one patient, in the units your hospital uses: the prediction, its explanation "
    f"and the PDF report open on the Patient page. The values stay in this session only and never enter a URL. "
    f"{DISCLAIMER}"
)

with ui.guarded("reading the entered patient"):
    show_patient_form()

cohort = ui.current_cohort()
if cohort is not None and cohort.entered_ids:
    with ui.guarded("comparing the patients entered by hand"):
        st.subheader("Patients entered in this session", anchor=False)
        model = active_model()
        predictions = cohort_predictions(cohort)
        ids = predictions["patient_id"]
        rows = [int((ids == pid).to_numpy().argmax()) for pid in cohort.entered_ids]
        explanations = [explain_patient(model, cohort.result.frame.iloc[[row]], predictions.iloc[row]) for row in rows]
        st.dataframe(
            entered_side_by_side(explanations),
            hide_index=True,
            placeholder=NOT_AVAILABLE,
            width="stretch",
            key=ui.key("entered_table"),
        )
        chosen = st.selectbox("Open a patient", cohort.entered_ids, index=None, key=ui.key("entered_open"))
        if chosen is not None:
            st.switch_page(page_named("patient"), query_params={"id": ui.link_key(chosen)})
    with ui.guarded("reading the patient's tumour RNA-seq"):
        ui.show_patient_expression_upload(cohort)
