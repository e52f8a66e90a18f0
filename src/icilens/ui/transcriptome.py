"""The tumour transcriptome on the pages: the expression upload, a patient's prediction, descriptors compared."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from icilens.analysis import MIN_PER_OUTCOME, compare_measures, format_comparison
from icilens.intake import SEVERITY_WORDS, IntakeError
from icilens.plots import KIND_LABELS, KINDS, plot_beeswarm, plot_distribution, plot_tmb_gep_quadrants, plot_waterfall
from icilens.transcriptome import (
    MIN_COHORT_SAMPLES,
    MIN_TRANSCRIPTOME_GENES,
    describe_descriptor,
    load_signature_model,
)
from icilens.transcriptome.catalogue import FRACTION_PREFIX, list_descriptors, percentile_column
from icilens.transcriptome.loco import describe_training_overlap, score_table, validation_table
from icilens.transcriptome.quadrants import MIN_QUADRANT_PATIENTS, TMB_CUT, count_quadrants, reference_gep_cut
from icilens.transcriptome.reading import read_patient
from icilens.transcriptome.rna_predictions import (
    HIGH,
    LOW,
    PROBABILITY,
    REASON,
    TranscriptomePredictions,
    descriptor_column,
    predict_for_cohort,
    shap_transcriptome_column,
    train_on_cohort,
)
from icilens.transcriptome.wording import (
    REPORTED_DESCRIPTORS,
    base_probability,
    describe_negative_weights,
    describe_standing,
    describe_transcriptome_drivers,
    describe_transcriptome_model,
    descriptor_table,
    signature_points,
    waterfall_labels,
    where_percentiles,
)
from icilens.ui.downloads import chart, table_downloads
from icilens.ui.page import escape_markdown
from icilens.ui.resources import session_cached
from icilens.ui.state import (
    EXPRESSION_SEEN,
    EXPRESSION_UPLOAD,
    PATIENT_EXPRESSION_SEEN,
    TRANSCRIPTOME_MODEL,
    Cohort,
    attach_expression,
    attach_patient_expression,
    session_key,
)
from icilens.vocabulary import NOT_AVAILABLE

DESCRIPTORS = REPORTED_DESCRIPTORS


@st.cache_resource(show_spinner=False)
def transcriptome_model():
    """Return the bundled transcriptome model, loaded once per server (nothing may mutate it)."""
    return load_signature_model()


def active_transcriptome_model():
    """Return the transcriptome model this session uses: one refitted here and chosen, else the bundled one."""
    return st.session_state.get(TRANSCRIPTOME_MODEL) or transcriptome_model()


def cohort_transcriptome(cohort: Cohort) -> TranscriptomePredictions | None:
    """Return the cohort's transcriptome predictions, computed once per cohort, expression and transcriptome
    model in this session."""
    if cohort.expression is None:
        return None
    expression, model = cohort.expression, active_transcriptome_model()
    return session_cached(
        "transcriptome",
        cohort,
        lambda: predict_for_cohort(expression, cohort.result, model),
        id(expression),
        id(model),
    )


def patient_transcriptome_row(cohort: Cohort, patient_id: str) -> pd.Series | None:
    """Return the patient's row of the transcriptome predictions, or None without expression."""
    transcriptome = cohort_transcriptome(cohort)
    if transcriptome is None:
        return None
    rows = transcriptome.table[transcriptome.table["patient_id"] == patient_id]
    return None if rows.empty else rows.iloc[0]


def show_one_reading(cohort: Cohort, patient_id: str, explanation, card: dict) -> None:
    """Show the patient's one reading where there is tumour RNA-seq: both predictions and whether they agree."""
    reading = read_patient(
        explanation, card, patient_transcriptome_row(cohort, patient_id), active_transcriptome_model()
    )
    if reading is None:
        return
    with st.container(border=True):
        st.markdown("**One reading: the clinical and the transcriptome predictions together**")
        st.markdown(f"- {escape_markdown(reading.clinical)}\n- {escape_markdown(reading.transcriptome)}")
        st.markdown(escape_markdown(reading.verdict))


def _describe_values(expression) -> str:
    """Return how the values were read: the scale and its evidence, or a panel's own unit."""
    scale = f"{expression.scale.kind} ({escape_markdown(expression.scale.evidence)})"
    if expression.panel:
        genes = int(expression.genes_measured.max())
        return f"a targeted panel of {genes:,} genes, its values in the panel's own unit (read as {scale})"
    return f"values read as {scale}"


def show_expression_section(cohort: Cohort) -> None:
    """Show the expression uploader and, once read, what expression intake decided and found."""
    st.subheader("Tumour RNA-seq (optional)", anchor=False)
    # One file: a second choice replaces the first, so a refused file never lingers beside the right one. Files
    # of one sample each (salmon, RSEM, kallisto, NanoString RCC) come as a ZIP, which also keeps the folders that
    # name them.
    upload = st.file_uploader(
        "Expression matrix: genes and samples, in TPM, FPKM, counts or log2 (CSV, TSV, GEO series matrix, GCT, "
        "featureCounts, XLSX, Parquet, or gzip of them), or a ZIP of one file per sample (salmon, RSEM, kallisto, "
        "NanoString RCC); NanoString nSolver exports too",
        type=["csv", "tsv", "txt", "gct", "xlsx", "parquet", "gz", "zip", "sf", "results", "rcc"],
        key=EXPRESSION_UPLOAD,
    )
    if upload is not None and upload.file_id != st.session_state.get(EXPRESSION_SEEN):
        st.session_state[EXPRESSION_SEEN] = upload.file_id
        try:
            attach_expression(upload)
        except IntakeError as refusal:
            st.error(f"The expression matrix was not used. {escape_markdown(str(refusal))}", icon=":material/error:")
            return
        st.rerun()
    if cohort.expression is None:
        st.caption(
            "Samples are linked to patients by id (patient ids, or any column of the cohort file that holds the "
            "sample ids). Each patient then gets a transcriptome prediction beside the clinical one."
        )
        return
    expression = cohort.expression
    transcriptome = cohort_transcriptome(cohort)
    linked = len(transcriptome.links.patient_of) if transcriptome and transcriptome.links else 0
    with_prediction = int(transcriptome.table[PROBABILITY].notna().sum()) if transcriptome else 0
    if linked == 0:
        st.warning(
            f"None of the {len(expression.samples)} samples matched a patient of this cohort, by patient id or by "
            "any column of the file. Check that the sample names are the ids the cohort file uses.",
            icon=":material/link_off:",
        )
    st.markdown(
        f"**{escape_markdown(expression.name)}**: {len(expression.samples)} samples, {expression.orientation}, "
        f"genes named by {expression.gene_kind}, {_describe_values(expression)}. {linked} samples linked to patients; "
        f"{with_prediction} patients have a transcriptome prediction, with signature percentiles "
        f"{transcriptome.percentiles if transcriptome else 'not computed'}."
    )
    st.caption(
        "Each signature is placed among the pooled reference cohorts' patients, a fixed scale: a patient's number "
        "depends on that patient's sample alone, whoever else is uploaded. This assumes TPM from a similar pipeline. "
        f"Per-gene z-scores and targeted panels (fewer than {MIN_TRANSCRIPTOME_GENES:,} genes, NanoString for one) "
        "are the exceptions: relative by nature or in the panel's own unit, they are ranked within the upload, "
        "which needs "
        f"{MIN_COHORT_SAMPLES} samples or more."
    )
    findings = pd.concat([expression.findings, transcriptome.findings if transcriptome else None], ignore_index=True)
    readable = findings.assign(
        row=findings["row"].astype("string").fillna("whole file"), severity=findings["severity"].map(SEVERITY_WORDS)
    )
    st.dataframe(
        readable,
        hide_index=True,
        placeholder=NOT_AVAILABLE,
        width="stretch",
        column_order=("severity", "column", "value", "problem", "action"),
    )


def show_patient_transcriptome(cohort: Cohort, patient_id: str, stem: str) -> None:
    """Show a patient's transcriptome prediction: probability, range, waterfall over signatures, descriptors."""
    transcriptome = cohort_transcriptome(cohort)
    if transcriptome is None:
        return
    rows = transcriptome.table[transcriptome.table["patient_id"] == patient_id]
    st.subheader("Tumour transcriptome", anchor=False)
    if rows.empty or pd.isna(rows.iloc[0][PROBABILITY]):
        reason = "no expression sample" if rows.empty else rows.iloc[0][REASON]
        st.info(f"No transcriptome prediction for this patient: {escape_markdown(reason)}.")
        return
    row = rows.iloc[0]
    model = active_transcriptome_model()
    probability, low, high = row[PROBABILITY], row[LOW], row[HIGH]
    spread = (
        f"All {len(model.signatures)} signatures were measured."
        if round(low * 100) == round(high * 100)
        else f"Had the missing signatures been measured, it would lie between {low:.0%} and {high:.0%}."
    )
    st.markdown(
        f"Predicted response from the tumour's RNA: **{probability:.0%}**. {describe_standing(row, model)} {spread} "
        f"Signature percentiles are taken among {where_percentiles(row)}."
    )
    st.caption(describe_transcriptome_model(model))
    points = signature_points(row, model)
    measured = points.notna().to_numpy()
    labels = [label for label, keep in zip(waterfall_labels(row, model), measured, strict=True) if keep]
    figure = plot_waterfall(
        labels,
        (points[measured] / 100).to_numpy(),
        base_probability(model),
        probability,
        title="Why this transcriptome prediction",
        note="Percentage points: each signature's exact share of the log-odds, scaled to add up<br>to the "
        "prediction. Signatures not measured have no bar.",
    )
    chart(st, figure, key="transcriptome_waterfall", name=f"{stem}_transcriptome_waterfall", patient_id=patient_id)
    drivers = describe_transcriptome_drivers(row, model)
    if drivers:
        st.markdown("\n".join(f"- {sentence}" for sentence in drivers))
    if caveat := describe_negative_weights(model):
        st.caption(caveat)
    st.dataframe(descriptor_table(row, DESCRIPTORS), hide_index=True, placeholder=NOT_AVAILABLE, width="stretch")
    show_tmb_gep_quadrants(cohort, patient_id)


def show_descriptor_comparison(cohort: Cohort, groups: pd.Series, key: tuple) -> None:
    """Show responders against non-responders (or the chosen groups) on every transcriptome descriptor."""
    transcriptome = cohort_transcriptome(cohort)
    if transcriptome is None:
        return
    table = transcriptome.table
    columns = [descriptor_column(name) for name in DESCRIPTORS if descriptor_column(name) in table]
    values = table[columns].set_axis(groups.index)
    present = values.notna().any(axis=0)
    if not present.any():
        return
    st.subheader("Tumour transcriptome, descriptor by descriptor", anchor=False)
    # Cell fractions read as percentages of cells, as on the Patient page; every label carries its unit.
    fractions = [descriptor_column(n) for n in DESCRIPTORS if n.startswith(FRACTION_PREFIX)]
    values[values.columns.intersection(fractions)] *= 100
    names = {descriptor_column(d.name): d.labelled_with_unit for d in list_descriptors()}
    compared = session_cached(
        "compare_descriptors", cohort, lambda: compare_measures(values.loc[:, present], groups, names), *key
    )
    labels = [c for c in compared.columns if c in set(groups.dropna().unique())]
    st.caption(
        f"Patients with expression only. Median [IQR]; Mann-Whitney U; Cliff's delta ({' against '.join(labels[:2])}) "
        "with 95% CI; Benjamini-Hochberg q-values over the descriptors; sorted by q."
    )
    st.dataframe(
        format_comparison(compared).drop(columns=["field"]),
        hide_index=True,
        placeholder=NOT_AVAILABLE,
        width="stretch",
        column_config={"ci_low": "CI low", "ci_high": "CI high"},
    )
    table_downloads(st, compared, "compare_descriptors_table", "descriptor_comparison")
    pick, kind_column = st.columns(2)
    fields = compared["field"].tolist()
    column = (
        pick.selectbox(
            "Descriptor", fields, key=session_key("compare_descriptor"), format_func=lambda c: names.get(c, c)
        )
        or fields[0]
    )
    kind = kind_column.segmented_control(
        "Chart", KINDS, default="box", format_func=KIND_LABELS.__getitem__, key=session_key("compare_descriptor_kind")
    )
    chart(st, plot_distribution(values[column], groups, names[column], kind or "box"), key="compare_descriptor_plot")
    show_tmb_gep_quadrants(cohort)


def show_tmb_gep_quadrants(cohort: Cohort, patient_id: str | None = None) -> None:
    """Show TMB against the T-cell-inflamed GEP in four quadrants where enough patients have both, with this
    patient marked on the Patient page; otherwise say what is missing."""
    transcriptome = cohort_transcriptome(cohort)
    if transcriptome is None or "descriptor_gep" not in transcriptome.table:
        return
    frame = cohort.result.frame.reset_index(drop=True)
    gep = transcriptome.table["descriptor_gep"].reset_index(drop=True)
    tmb = frame["tmb"].astype("float64")
    both = int((tmb.notna() & gep.notna()).sum())
    st.subheader("TMB and the T-cell-inflamed GEP together", anchor=False)
    if both < MIN_QUADRANT_PATIENTS:
        st.caption(
            f"TMB and GEP are independent and jointly stratify response (Cristescu et al., Science 2018); the chart "
            f"needs {MIN_QUADRANT_PATIENTS} patients with both measured, and {both} have them here."
        )
        return
    cut = reference_gep_cut()
    response = frame["response"] if cohort.result.has_response else None
    counts = count_quadrants(tmb, gep, response, cut)
    highlight = None
    if patient_id is not None:
        row = (frame["patient_id"].astype(str) == patient_id).to_numpy()
        highlight = (float(tmb[row].iloc[0]), float(gep[row].iloc[0])) if row.any() else None
    figure = plot_tmb_gep_quadrants(tmb, gep, response, counts, TMB_CUT, cut, highlight)
    chart(st, figure, key=f"tmb_gep_{'patient' if patient_id else 'cohort'}", patient_id=patient_id)
    st.caption(
        f"TMB at {TMB_CUT:g} mut/Mb (the FDA threshold); GEP at {cut:.2f}, the median of the treated reference "
        "patients (Cristescu's published cut-off is on another platform's scale). No joint TMB and transcriptome "
        "estimate is shown: left out one cohort at a time, the candidate models given TMB did no better than "
        "those without it (README)."
    )


def show_transcriptome_card() -> None:
    """Show the transcriptome model's card: what it is, how it was validated cohort by cohort, and its verdict."""
    model = transcriptome_model()
    card = model.card
    st.subheader("The transcriptome model", anchor=False)
    st.markdown(f"**Intended use.** {escape_markdown(card['intended_use'])}")
    training = card["training"]
    st.markdown(
        f"**What it is.** {escape_markdown(card['inputs'])}. The probability's logistic fit is on "
        f"{training['patients']} patients ({training['responders']} responders) of {len(training['cohorts'])} public "
        f"cohorts ({escape_markdown(training['label'])})."
    )
    st.markdown(
        "**Validation, leaving one cohort out at a time.**\n"
        + "\n".join(f"- {escape_markdown(s)}" for s in card["verdict"])
    )
    st.dataframe(validation_table(card), hide_index=True, placeholder=NOT_AVAILABLE, width="stretch")
    st.caption(
        "ROC AUC (bootstrap 95% CI) on each cohort, the model fitted on the others; CYT, IFN-gamma 6, GEP and TMB "
        "are single scores, untrained. COMPASS figures come from one run its authors published (partial "
        "fine-tuning, seed 42: mean 0.65 over the 7 cohorts it shares with these; 0.65 and 0.67 with two other "
        "seeds), on their versions of the cohorts. The full comparison with trained candidates is in the README."
    )
    st.markdown("**Limits.**\n" + "\n".join(f"- {escape_markdown(limit)}" for limit in card["limitations"]))


def show_transcriptome_refit(cohort: Cohort | None) -> None:
    """Offer to refit the transcriptome model on the session's cohort (expression and observed responses), show
    it beside the bundled one on the same patients, and let the user choose; keeping the bundled one comes first."""
    if cohort is None or cohort.expression is None or not cohort.result.has_response:
        return
    st.subheader("Refit the transcriptome model on this cohort", anchor=False)
    bundled = transcriptome_model()
    current = st.session_state.get(TRANSCRIPTOME_MODEL)
    if current is not None:
        st.info(f"This session uses {escape_markdown(current.card['name'])}.", icon=":material/info:")
        if st.button("Go back to the bundled transcriptome model", key=session_key("transcriptome_bundled")):
            del st.session_state[TRANSCRIPTOME_MODEL]
            st.rerun()
        return
    observed = cohort.result.frame["response"].reset_index(drop=True)
    predictions = predict_for_cohort(cohort.expression, cohort.result, bundled)
    try:
        refitted = session_cached(
            "transcriptome_refit",
            cohort,
            lambda: train_on_cohort(predictions, observed, cohort.label),
            id(cohort.expression),
        )
    except ValueError as refusal:
        st.info(f"The transcriptome model cannot be refitted here: {escape_markdown(str(refusal))}.")
        return
    st.markdown(
        f"Refitted on {refitted.card['training']['patients']} patients of this cohort "
        f"({refitted.card['training']['responders']} responders): slope {refitted.slope:.2f} per unit of the "
        f"weighted signature score against {bundled.slope:.2f} in the bundled model. It ranks this cohort's patients "
        "exactly as the bundled model does (the same weighted score), so its ROC AUC here is the same; only the "
        "probabilities "
        "move, fitted and judged on the same patients. Validate it on another cohort before relying on them."
    )
    keep, use = st.columns(2)
    keep.button(
        "Keep the bundled transcriptome model", type="primary", key=session_key("transcriptome_keep"), width="stretch"
    )
    if use.button("Use the refitted model for this session", key=session_key("transcriptome_use"), width="stretch"):
        st.session_state[TRANSCRIPTOME_MODEL] = refitted
        st.rerun()


def show_transcriptome_performance(cohort: Cohort) -> None:
    """Show, on the cohort's patients with expression and an observed response, the transcriptome model's
    ROC AUC beside CYT, IFN-gamma 6 and GEP alone."""
    transcriptome = cohort_transcriptome(cohort)
    if transcriptome is None or not cohort.result.has_response:
        return
    observed = cohort.result.frame["response"].reset_index(drop=True)
    table = transcriptome.table.reset_index(drop=True)
    compared = session_cached("transcriptome_performance", cohort, lambda: score_table(table, observed))
    if compared.empty:
        st.info(
            f"Tumour transcriptome: ROC AUC needs {MIN_PER_OUTCOME} responders and {MIN_PER_OUTCOME} non-responders "
            "with an expression sample and an observed response, as for the clinical model."
        )
        return
    st.subheader("Tumour transcriptome on this cohort", anchor=False)
    overlap = describe_training_overlap(table["expression_sample"], active_transcriptome_model().card)
    if overlap:
        st.warning(overlap)
    st.dataframe(compared, hide_index=True, placeholder=NOT_AVAILABLE, width="stretch")
    st.caption(
        "ROC AUC with a bootstrap 95% CI, on the patients with both an expression sample and an observed response. "
        "The single signatures are untrained; the transcriptome model was fitted on the reference cohorts."
    )


def show_patient_expression_upload(cohort: Cohort) -> None:
    """Let the user add one entered patient's tumour RNA-seq (a one-sample file) on the One patient page."""
    st.subheader("Tumour RNA-seq of an entered patient (optional)", anchor=False)
    patient = st.selectbox("Patient", cohort.entered_ids, key=session_key("patient_expression_for"))
    upload = st.file_uploader(
        "One sample's expression: genes and values (TPM, FPKM, counts or log2), as CSV, TSV, XLSX or Parquet",
        type=["csv", "tsv", "txt", "gct", "xlsx", "parquet", "gz"],
        key=session_key("patient_expression_upload"),
    )
    if upload is not None and patient and (upload.file_id, patient) != st.session_state.get(PATIENT_EXPRESSION_SEEN):
        st.session_state[PATIENT_EXPRESSION_SEEN] = (upload.file_id, patient)
        try:
            attach_patient_expression(upload, patient)
        except IntakeError as refusal:
            st.error(f"The sample was not used. {escape_markdown(str(refusal))}", icon=":material/error:")
            return
        st.rerun()
    st.caption(
        "One sample cannot be ranked within its own cohort, so its signatures are placed against the pooled "
        "reference cohorts (which assumes TPM from a similar pipeline), and the chemokine signature, which needs "
        "a cohort, is left out. The prediction and its explanation open on the Patient page."
    )


def show_transcriptome_explanations(cohort: Cohort, on_point=None) -> None:
    """Show, across the cohort's patients with a transcriptome prediction, each signature's share of the
    log-odds, coloured by the signature's percentile (a beeswarm; a click opens the patient)."""
    transcriptome = cohort_transcriptome(cohort)
    if transcriptome is None:
        return
    table = transcriptome.table[transcriptome.table[PROBABILITY].notna()]
    if table.empty:
        return
    model = active_transcriptome_model()
    shares = table[[shap_transcriptome_column(s) for s in model.signatures]].to_numpy()
    percentiles = [percentile_column(s) for s in model.signatures]
    st.subheader("Tumour transcriptome", anchor=False)
    figure = plot_beeswarm(
        shares,
        table[["patient_id", *percentiles]].reset_index(drop=True),
        percentiles,
        [describe_descriptor(s) for s in model.signatures],
        title="Each signature's share of the transcriptome prediction (log-odds), per patient",
    )
    chart(st, figure, key="transcriptome_beeswarm", on_point=on_point)
    st.caption(
        "Colour is the signature's percentile (high red, low blue); a signature not measured for a patient has no "
        "point. The shares of one patient add up to the transcriptome log-odds minus the model's intercept."
    )
