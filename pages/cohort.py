"""Cohort page: open the demo or upload a cohort, review the column mapping and the findings."""

import streamlit as st

from icilens import DISCLAIMER, ui
from icilens.analysis import missingness_table, summarise_cohort
from icilens.datasets import DEMO_DESCRIPTION, RNA_DEMO_DESCRIPTION
from icilens.intake import (
    NOT_USED,
    SEVERITIES,
    SEVERITY_WORDS,
    accept_all,
    describe_finding_counts,
    describe_option,
    field_options,
    mapping_table,
    read_edits,
    unit_options,
)
from icilens.plots import plot_category_counts, plot_missingness
from icilens.reports import cohort_report
from icilens.schema import FEATURES, FIELD_BY_NAME
from icilens.scoring import predict_cohort
from icilens.ui import active_model, page_named
from icilens.vocabulary import NOT_AVAILABLE

ui.setup_page("Cohort")
st.title("Cohort")
st.markdown(
    "**ICI Lens** estimates, for each patient about to start immune checkpoint therapy, the chance of an objective "
    "response, explains it feature by feature beside LORIS and TMB, and compares responders with non-responders "
    "across a cohort. For oncologists and translational researchers."
)
st.caption(
    "Open or upload a cohort → Patients → one Patient → Compare and Performance → export any chart, table or "
    f"report. Or enter one patient by hand. {DISCLAIMER}"
)

with ui.guarded("loading the cohort"):
    demo_column, upload_column = st.columns(2)
    if demo_column.button("Open the demo cohort", type="primary", key=ui.key("open_demo"), width="stretch"):
        ui.load_demo_cohort()
        st.rerun()
    demo_column.caption(
        f"{DEMO_DESCRIPTION}: real, de-identified patients from Chowell et al., Nature Biotechnology 2022 (GPL-3.0)."
    )
    if demo_column.button("Open the RNA demo", key=ui.key("open_rna_demo"), width="stretch"):
        ui.load_rna_demo_cohort()
        st.rerun()
    demo_column.caption(f"{RNA_DEMO_DESCRIPTION}, treated with anti-PD-1; public (ClinSets, MIT).")
    demo_column.page_link(page_named("one_patient"), label="Or enter one patient by hand", icon=":material/person_add:")
    upload = upload_column.file_uploader(
        "Or upload your cohort: one row per patient (CSV, TSV, XLSX or Parquet)",
        type=["csv", "tsv", "txt", "xlsx", "parquet"],
        key=ui.key("upload"),
    )
    if upload is not None and upload.file_id != st.session_state.get(ui.key("upload_seen")):
        st.session_state[ui.key("upload_seen")] = upload.file_id
        ui.load_uploaded_cohort(upload)
        st.rerun()

    upload_column.caption(
        "Your cohort lives only in this browser tab's session, in the server's memory: a refresh or closing the "
        "tab clears it, and nothing is written to disk. Keep the file to open it again."
    )
    template_csv, template_xlsx = upload_column.columns(2)
    template_csv.download_button(
        "Template (CSV)",
        ui.guard_download("the template", lambda: ui.template_bytes("csv")),
        "icilens_template.csv",
        "text/csv",
        on_click="ignore",
        width="stretch",
    )
    template_xlsx.download_button(
        "Template (XLSX)",
        ui.guard_download("the template", lambda: ui.template_bytes("xlsx")),
        "icilens_template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        width="stretch",
    )

cohort = ui.current_cohort()
if cohort is None:
    st.info("Open the demo cohort or upload a file to begin. The template lists every column ICI Lens understands.")
    st.stop()

with ui.guarded("showing the cohort"):
    model = active_model()
    result = cohort.result
    summary = ui.cohort_cached("summary", cohort, lambda: summarise_cohort(result.frame))
    counts = result.severity_counts()

    st.subheader(ui.escape_markdown(cohort.label), anchor=False)
    metrics = st.columns(3)  # three numbers fit a 1024-pixel laptop; the findings are counted in words
    metrics[0].metric("Patients", summary.patients)
    if summary.response_rate is None:
        metrics[1].metric("Responders", "not recorded")
    else:
        metrics[1].metric(
            "Responders",
            f"{summary.responders} ({summary.response_rate:.0%})",
            help=f"Of {summary.with_response} patients with an observed response",
        )
    metrics[2].metric("Model features present", f"{summary.features_present} of {len(FEATURES)}")
    st.caption(f"Intake: {describe_finding_counts(counts, ', ')}, listed in the Findings tab.")
    ui.warn_missing_features(cohort, model.card)
    if result.suggestions:
        st.info(
            f"{len(result.suggestions)} columns are suggested and wait for you before they are used: "
            + ", ".join(ui.escape_markdown(f"{h} → {FIELD_BY_NAME[f].label}") for h, f in result.suggestions.items())
            + ". Review them in the Column mapping tab.",
            icon=":material/help:",
        )

    summary_tab, mapping_tab, findings_tab = st.tabs(["Summary", "Column mapping", "Findings"])

    with summary_tab:
        left, right = st.columns(2)
        missingness = ui.cohort_cached("missingness_chart", cohort, lambda: plot_missingness(result.frame))
        cancers = ui.cohort_cached(
            "cancer_chart", cohort, lambda: plot_category_counts(result.frame["cancer_type"], "Cancer types")
        )
        ui.chart(left, missingness, key="missingness_chart")
        ui.chart(right, cancers, key="cancer_chart")
        missing = ui.cohort_cached("missingness_table", cohort, lambda: missingness_table(result.frame))
        st.dataframe(missing, hide_index=True, placeholder=NOT_AVAILABLE)
        st.caption(
            f"{summary.complete_patients} patients have all {len(FEATURES)} features. Overall survival known for "
            f"{summary.with_os}, progression-free survival for {summary.with_pfs}."
        )

    with mapping_tab:
        if cohort.entered:
            st.info("These patients were entered by hand: there is no file and no column mapping.")
        else:
            table = result.table
            if len(table.sheets) > 1:
                sheet = st.selectbox("Sheet", table.sheets, index=table.sheets.index(table.sheet), key=ui.key("sheet"))
                if sheet != table.sheet:
                    ui.remap_cohort(sheet=sheet)
                    st.rerun()
            where = f"sheet '{ui.escape_markdown(table.sheet)}', " if table.sheet else ""
            st.caption(
                f"Header found on {where}row {table.header_row} of {ui.escape_markdown(table.name)}. Every column is listed with what it was "
                "taken for and why; change 'maps to', tick 'accept' or set the unit, then apply."
            )
            if result.suggestions and st.button(
                f"Accept all {len(result.suggestions)} suggestions",
                key=ui.key("accept_suggestions"),
                icon=":material/done_all:",
            ):
                ui.remap_cohort(accept_all(result))
                st.rerun()
            before = ui.cohort_cached("mapping_table", cohort, lambda: mapping_table(result))
            edited = st.data_editor(
                before,
                key=ui.key("mapping_editor"),
                hide_index=True,
                width="stretch",
                disabled=["column in file", "suggested", "confidence", "why", "examples"],
                column_config={
                    "column in file": st.column_config.TextColumn(width="medium"),
                    "maps to": st.column_config.SelectboxColumn(
                        options=field_options(), format_func=describe_option, width="medium"
                    ),
                    "accept": st.column_config.CheckboxColumn(help="Use the suggested field for this column"),
                    "suggested": st.column_config.TextColumn(
                        help="A field intake thinks likely, not used until accepted"
                    ),
                    "why": st.column_config.TextColumn(width="large"),
                    "unit": st.column_config.SelectboxColumn(options=unit_options(), help="The unit the values are in"),
                },
            )
            if st.button("Apply changes", key=ui.key("apply_table"), type="primary"):
                mapping, units = read_edits(before, edited)
                ui.remap_cohort(mapping, units)
                st.rerun()

            st.markdown("**Or change one column**")
            options = field_options()
            pick, target, apply = st.columns([2, 2, 1], vertical_alignment="bottom")
            header = pick.selectbox("Column in the file", list(result.mapping), key=ui.key("fix_column"))
            current = result.mapping.get(header) or NOT_USED
            field = target.selectbox(
                "Maps to",
                options,
                index=options.index(current),
                key=ui.key(f"fix_target_{header}"),
                format_func=describe_option,
            )
            if apply.button("Apply", key=ui.key("apply_mapping")):
                ui.remap_cohort({header: None if field == NOT_USED else field})
                st.rerun()

            st.markdown("**One value for every patient**")
            st.caption("For a single-disease or single-drug export without that column: recorded as a finding.")
            name_col, value_col, set_col = st.columns([2, 2, 1], vertical_alignment="bottom")
            set_field = name_col.selectbox("Field", FEATURES, key=ui.key("set_field"), format_func=describe_option)
            spec = FIELD_BY_NAME[set_field]
            if spec.categories:
                set_value = value_col.selectbox("Value", spec.categories, key=ui.key(f"set_value_{set_field}"))
            else:
                set_value = value_col.text_input(f"Value ({spec.display_unit})", key=ui.key(f"set_value_{set_field}"))
            if set_col.button("Set", key=ui.key("set_for_all")) and str(set_value).strip():
                ui.remap_cohort(set_values={set_field: str(set_value)})
                st.rerun()
            for name, value in cohort.choices.set_values.items():
                label, clear = st.columns([4, 1], vertical_alignment="center")
                label.caption(f"{FIELD_BY_NAME[name].label} = {ui.escape_markdown(value)} for every patient")
                if clear.button("Clear", key=ui.key(f"clear_set_{name}")):
                    ui.remap_cohort(set_values={name: None})
                    st.rerun()

    with findings_tab:
        st.caption(describe_finding_counts(counts, " · "))
        shown = st.multiselect(
            "Show",
            SEVERITIES,
            default=SEVERITIES,
            format_func=SEVERITY_WORDS.__getitem__,
            key=ui.key("severity_filter"),
        )
        findings = result.findings[result.findings["severity"].isin(shown)]
        # Severity first, so it is on screen on a laptop; a finding about the whole file says so, not "None".
        readable = findings.assign(
            row=findings["row"].astype("string").fillna("whole file"),
            severity=findings["severity"].map(SEVERITY_WORDS),
        )
        st.dataframe(
            readable,
            hide_index=True,
            placeholder=NOT_AVAILABLE,
            width="stretch",
            column_order=("severity", "row", "column", "value", "problem", "action"),
        )
        ui.table_downloads(st, result.findings, "findings", "intake_findings")

    if not cohort.entered:
        ui.show_expression_section(cohort)

    st.download_button(
        "Cohort report (HTML)",
        ui.guard_download(
            "the cohort report",
            lambda: cohort_report(
                result, predict_cohort(model, result.frame, explain=True), cohort.label, model.card["name"]
            ),
        ),
        f"{ui.export_stem('cohort_report')}.html",
        "text/html",
        key=ui.key("cohort_report"),
        on_click="ignore",
        icon=":material/description:",
        help="Summary, intake findings, performance and comparison when outcomes exist, and the global SHAP charts",
    )
    st.page_link(page_named("patients"), label="Next: predictions for every patient", icon=":material/arrow_forward:")
