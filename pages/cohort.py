"""Cohort page: open the demo or upload a cohort, review the column mapping and the findings."""

import streamlit as st

from icilens import DISCLAIMER, ui
from icilens.datasets import DEMO_LABEL
from icilens.intake import describe_mapping
from icilens.intake.findings import SEVERITIES
from icilens.plots import plot_category_counts, plot_missingness
from icilens.predictions import predict_cohort
from icilens.report import cohort_report
from icilens.schema import FIELD_BY_NAME, FIELDS
from icilens.summary import missingness_table, summarise_cohort
from icilens.ui.navigation import page
from icilens.ui.resources import default_model

UNUSED = "(not used)"

ui.setup_page("Cohort")
st.title("Cohort")
st.caption(DISCLAIMER)

with ui.guarded("loading the cohort"):
    demo_column, upload_column = st.columns([2, 3])
    if demo_column.button(f"Open the demo cohort ({DEMO_LABEL})", type="primary", key="open_demo"):
        ui.load_demo_cohort()
        st.rerun()
    demo_column.caption("Real, de-identified patients from Chowell et al., Nature Biotechnology 2022 (GPL-3.0).")
    upload = upload_column.file_uploader(
        "Or upload your cohort: one row per patient (CSV, TSV, XLSX or Parquet)",
        type=["csv", "tsv", "txt", "xlsx", "parquet"],
        key="upload",
    )
    if upload is not None and upload.file_id != st.session_state.get("upload_seen"):
        st.session_state["upload_seen"] = upload.file_id
        ui.load_uploaded_cohort(upload.getvalue(), upload.name)
        st.rerun()

    template_csv, template_xlsx, _ = upload_column.columns([1, 1, 2])
    template_csv.download_button("Template (CSV)", lambda: ui.template_bytes("csv"), "icilens_template.csv", "text/csv")
    template_xlsx.download_button(
        "Template (XLSX)",
        lambda: ui.template_bytes("xlsx"),
        "icilens_template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

cohort = ui.current_cohort()
if cohort is None:
    st.info("Open the demo cohort or upload a file to begin. The template lists every column ICI Lens understands.")
    st.stop()

with ui.guarded("showing the cohort"):
    model = default_model()
    result = cohort.result
    summary = summarise_cohort(result.frame)
    counts = result.severity_counts()

    st.subheader(ui.escape_markdown(cohort.label), anchor=False)
    metrics = st.columns(5)
    metrics[0].metric("Patients", summary.patients)
    if summary.response_rate is None:
        metrics[1].metric("Responders", "not recorded")
    else:
        metrics[1].metric(
            "Responders",
            f"{summary.responders} ({summary.response_rate:.0%})",
            help=f"Of {summary.with_response} patients with an observed response",
        )
    metrics[2].metric("Model features present", f"{summary.features_present} of 17")
    metrics[3].metric("Warnings", counts["warning"])
    metrics[4].metric("Notes", counts["info"])

    summary_tab, mapping_tab, findings_tab = st.tabs(["Summary", "Column mapping", "Findings"])

    with summary_tab:
        left, right = st.columns(2)
        ui.chart(left, plot_missingness(result.frame), key="missingness_chart")
        ui.chart(right, plot_category_counts(result.frame["cancer_type"], "Cancer types"), key="cancer_chart")
        st.dataframe(missingness_table(result.frame), hide_index=True)
        st.caption(
            f"{summary.complete_patients} patients have all 17 features. Overall survival known for "
            f"{summary.with_os}, progression-free survival for {summary.with_pfs}."
        )

    with mapping_tab:
        table = result.table
        if len(table.sheets) > 1:
            sheet = st.selectbox("Sheet", table.sheets, index=table.sheets.index(table.sheet), key="sheet")
            if sheet != table.sheet:
                ui.remap_cohort({}, sheet=sheet)
                st.rerun()
        st.caption(
            f"Header found on row {table.header_row} of {table.name}. Columns not used are listed, never dropped silently."
        )
        st.dataframe(describe_mapping(result), hide_index=True)
        st.markdown("**Fix a column**")
        options = [UNUSED] + [f.name for f in FIELDS]
        pick, target, apply = st.columns([2, 2, 1], vertical_alignment="bottom")
        header = pick.selectbox("Column in the file", list(result.mapping), key="fix_column")
        current = result.mapping.get(header) or UNUSED
        field = target.selectbox(
            "Maps to",
            options,
            index=options.index(current),
            key=f"fix_target_{header}",
            format_func=lambda name: name if name == UNUSED else f"{name} ({FIELD_BY_NAME[name].label})",
        )
        if apply.button("Apply", key="apply_mapping"):
            mapping = {h: (None if t == field and field != UNUSED else t) for h, t in result.mapping.items()}
            mapping[header] = None if field == UNUSED else field
            ui.remap_cohort(mapping)
            st.rerun()

    with findings_tab:
        st.caption(" · ".join(f"{counts[s]} {s}" for s in SEVERITIES))
        shown = st.multiselect("Show", SEVERITIES, default=["error", "warning", "info"], key="severity_filter")
        findings = result.findings[result.findings["severity"].isin(shown)]
        st.dataframe(findings, hide_index=True, width="stretch")
        ui.table_downloads(st, result.findings, "findings", "intake_findings")

    st.download_button(
        "Cohort report (HTML)",
        lambda: cohort_report(result, predict_cohort(model, result.frame, explain=True), cohort.label),
        "icilens_cohort_report.html",
        "text/html",
        key="cohort_report",
        on_click="ignore",
        icon=":material/description:",
        help="Summary, intake findings, performance and comparison when outcomes exist, and the global SHAP charts",
    )
    st.page_link(page("patients"), label="Next: predictions for every patient", icon=":material/arrow_forward:")
