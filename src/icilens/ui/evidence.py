"""The transcriptome model's evidence on every endpoint, cohort by cohort and pooled, on the Model page."""

from __future__ import annotations

import streamlit as st

from icilens.plots import plot_forest
from icilens.transcriptome.anchors import anchor_table, describe_anchors
from icilens.transcriptome.endpoints import (
    FIGURES,
    MODEL_SCORE,
    describe_benefit_difference,
    forest_rows,
    pooled_table,
)
from icilens.transcriptome.loco import UNTRAINED
from icilens.transcriptome.reference_cohorts import label_cohort
from icilens.transcriptome.selection import describe_difference, selection_by_fold, summarise_selection
from icilens.ui.downloads import chart, table_downloads
from icilens.ui.state import session_key
from icilens.vocabulary import NOT_AVAILABLE


def show_transcriptome_evidence(card: dict) -> None:
    """Show the forest plot of one figure and score across the reference cohorts, and every pooled figure."""
    evidence = card.get("evidence")
    if not evidence:
        return
    st.markdown("**Evidence on every endpoint, cohort by cohort and pooled**")
    left, right = st.columns(2)
    figure = left.selectbox("Figure", list(FIGURES), key=session_key("evidence_figure"))
    score = right.selectbox("Score", [MODEL_SCORE, *UNTRAINED], key=session_key("evidence_score"))
    endpoint, suffix, axis, null, log_x = FIGURES[figure]
    cohorts, pooled = forest_rows(evidence, endpoint, f"{score}{suffix}")
    if cohorts.empty:
        st.info(f"No reference cohort has what {figure.lower()} needs for {score}.")
    else:
        drawn = plot_forest(
            cohorts,
            pooled,
            null_value=null,
            x_title=axis,
            title=f"{score}: {figure}",
            subtitle="each cohort scored out of sample (patients in brackets); 95% CIs",
            log_x=log_x,
        )
        chart(st, drawn, key="evidence_forest", name=f"forest_{endpoint}_{score}")
    table = pooled_table(evidence)
    st.dataframe(table, hide_index=True, placeholder=NOT_AVAILABLE, width="stretch")
    table_downloads(st, table, key="evidence_pooled", name="transcriptome_pooled_evidence")
    st.caption(
        "The model's figure on each cohort comes from the model fitted without it; cohorts without RECIST calls "
        "are never fitted on and are judged on the study's own responder call. Every figure has a bootstrap 95% CI "
        "over patients (1,000 draws); a hazard ratio is per standard deviation of the score within the cohort. "
        "Pooled by a DerSimonian-Laird random-effects meta-analysis; I² is the share of the spread between cohorts "
        "beyond chance. Survival is counted on cohorts with at least 15 patients and 5 events. "
        + describe_benefit_difference(evidence)
    )
    anchors = anchor_table(evidence)
    if not anchors.empty:
        with st.expander("Overall survival beside a published anchor (COMPASS)"):
            shown = [column for column in anchors.columns if column != "higher group"]
            st.dataframe(anchors, hide_index=True, width="stretch", column_order=shown, column_config=_ANCHOR_HEADERS)
            table_downloads(st, anchors, key="evidence_anchors", name="transcriptome_survival_anchors")
            st.caption(describe_anchors())


# The anchors' long headers, shortened on screen (in full on hover and in the downloads) to fit at laptop widths;
# how each score was split is in the caption below the table, so its column is left to the downloads.
_ANCHOR_HEADERS = {
    full: st.column_config.TextColumn(short, help=full)
    for full, short in {
        "patients (higher, other)": "patients",
        "12-month survival, higher group": "12 months, higher",
        "12-month survival, other": "12 months, other",
    }.items()
}


# The summary's long headers, shortened on screen (in full on hover and in the downloads) so that the outer
# figures fit beside the candidates at laptop widths.
_SHORT_HEADERS = {
    "candidate": st.column_config.TextColumn("candidate", width="medium"),
    "inner: pooled ROC AUC, all training cohorts": st.column_config.TextColumn(
        "inner AUC", help="inner: pooled ROC AUC, all training cohorts"
    ),
    "chosen in outer folds": st.column_config.TextColumn("chosen", help="chosen in outer folds"),
    "outer: pooled ROC AUC (95% CI)": st.column_config.TextColumn(
        "outer AUC (95% CI)", help="outer: pooled ROC AUC (95% CI)"
    ),
}


def show_transcriptome_selection(card: dict) -> None:
    """Show how the model was chosen among the declared candidates: inner and outer figures, fold by fold."""
    selection = card.get("selection")
    if not selection:
        return
    st.markdown("**How this model was chosen among the declared candidates**")
    summary = summarise_selection(selection)
    st.dataframe(summary, hide_index=True, width="stretch", column_config=_SHORT_HEADERS)
    table_downloads(st, summary, key="selection_summary", name="transcriptome_candidates")
    st.caption(
        "Nested leave-one-cohort-out: for each cohort held out, the other cohorts choose the candidate with the "
        "highest pooled ROC AUC when each of them is left out in turn; only the chosen one then scores the held-out "
        f"cohort. The shipped model is what the same rule chose on every training cohort: {selection['final']['chosen']}. "
        + describe_difference(selection)
    )
    with st.expander("The choice in each outer fold"):
        folds = selection_by_fold(selection, label_cohort)
        st.dataframe(folds, hide_index=True, width="stretch")
        table_downloads(st, folds, key="selection_folds", name="transcriptome_candidates_by_fold")
