"""Explanations page: cohort-wide SHAP importance, beeswarm, dependence and interactions."""

from functools import partial

import numpy as np
import streamlit as st

from icilens import DISCLAIMER, ui
from icilens.explain import describe_absent, describe_none_estimable, keep_measured
from icilens.model import encode_features, pick_interacting_feature, rank_interaction_pairs
from icilens.plots import plot_beeswarm, plot_dependence, plot_importance, plot_interactions
from icilens.reports import figure_to_image
from icilens.schema import FEATURES, FIELD_BY_NAME
from icilens.ui import INTERACTION_SAMPLE, cohort_interactions, cohort_predictions, page_named
from icilens.vocabulary import NOT_AVAILABLE, Column, shap_column

AUTO = "(automatic)"


def open_clicked(patient_id: str) -> None:
    """Open the patient whose point was clicked, by its private link key."""
    st.switch_page(page_named("patient"), query_params={"id": ui.link_key(patient_id)})


def show_clinical_explanations(cohort, subset, rows, shap, features, labels, scope: str) -> dict:
    """Show the clinical model's importance, beeswarm, dependence and interactions; return the charts by name."""
    importance = plot_importance(
        shap, labels, title=f"Feature importance, {scope if scope != 'Whole cohort' else 'whole cohort'}"
    )
    beeswarm = plot_beeswarm(shap, subset, features, labels)
    # One above the other: side by side, neither label column fits a laptop screen.
    ui.chart(st, importance, key="importance")
    ui.chart(st, beeswarm, key="beeswarm", on_point=open_clicked)

    st.subheader("Dependence", anchor=False)
    by_importance = [features[i] for i in np.argsort(-np.nanmean(np.abs(shap), axis=0))]
    pick, colour = st.columns(2)
    feature = pick.selectbox(
        "Feature", by_importance, key=ui.key("dependence_feature"), format_func=lambda f: FIELD_BY_NAME[f].label
    )
    colour_choice = colour.selectbox(
        "Colour by",
        [AUTO, *[f for f in features if f != feature]],
        key=ui.key("dependence_colour"),
        format_func=lambda f: f if f == AUTO else FIELD_BY_NAME[f].label,
    )
    main = features.index(feature)
    if colour_choice == AUTO:
        encoded = encode_features(subset)[:, [FEATURES.index(f) for f in features]]
        partner = features[pick_interacting_feature(main, np.nan_to_num(shap[:, main]), encoded)]
        st.caption(
            f"Colour picked automatically: {FIELD_BY_NAME[partner].label}, the feature that best explains the spread."
        )
    else:
        partner = colour_choice
    dependence = plot_dependence(
        subset[feature],
        shap[:, main],
        FIELD_BY_NAME[feature].label,
        subset[partner],
        FIELD_BY_NAME[partner].label,
        ids=subset["patient_id"],
    )
    ui.chart(st, dependence, key="dependence", on_point=open_clicked)
    charts = {"importance": importance, "beeswarm": beeswarm, "dependence": dependence}

    st.subheader("Interactions", anchor=False)
    st.caption(
        f"Exact SHAP interaction values take a few seconds; they are computed for up to {INTERACTION_SAMPLE} "
        "patients of the current selection (a fixed random sample) and kept for this session."
    )
    if st.toggle("Compute interactions", key=ui.key("show_interactions")):
        interactions = cohort_interactions(cohort, rows)
        left, right = st.columns([1, 1])
        charts["interactions"] = plot_interactions(interactions, [FIELD_BY_NAME[f].short for f in FEATURES])
        ui.chart(left, charts["interactions"], key="interactions")
        pairs = rank_interaction_pairs(interactions, labels)
        right.dataframe(
            {
                "feature": [a for a, _, _ in pairs],
                "with": [b for _, b, _ in pairs],
                "mean |interaction|": [round(v, 4) for _, _, v in pairs],
            },
            hide_index=True,
            placeholder=NOT_AVAILABLE,
        )
    return charts


ui.setup_page("Explanations")
st.title("Explanations")
st.caption(DISCLAIMER)
cohort = ui.require_cohort()

with ui.guarded("explaining the cohort"):
    frame = cohort.result.frame
    predictions = cohort_predictions(cohort)
    types = sorted(frame["cancer_type"].dropna().astype(str).unique())
    scope = st.selectbox("Patients", ["Whole cohort", *types], key=ui.key("explain_scope"))
    rows = (
        np.arange(len(frame)) if scope == "Whole cohort" else np.flatnonzero((frame["cancer_type"] == scope).to_numpy())
    )
    subset = frame.iloc[rows]
    measured = keep_measured(predictions[[shap_column(f) for f in FEATURES]].to_numpy()[rows], subset, FEATURES)
    shap, features = measured.values, measured.features
    labels = [FIELD_BY_NAME[f].label for f in features]
    st.caption(
        f"{len(rows)} patients. Exact TreeSHAP values in log-odds; positive values push towards response. Each "
        "input is read where it was measured. Click a point in the beeswarm or the dependence plot to open that "
        "patient."
    )
    reason = describe_none_estimable(predictions[Column.ESTIMABLE].iloc[rows], subset)
    if reason:
        st.info(reason)
        charts = {}
    else:
        if measured.absent:
            st.info(describe_absent(measured.absent))
        charts = show_clinical_explanations(cohort, subset, rows, shap, features, labels, scope)

    ui.show_transcriptome_explanations(cohort, open_clicked)

    if charts:
        st.subheader("All charts of this page", anchor=False)
        ui.bulk_download(
            st,
            f"Prepare the {len(charts)} charts as PNG",
            "explanation_charts",
            "icilens_explanation_charts.zip",
            lambda: [(f"{name}.png", partial(figure_to_image, figure, "png")) for name, figure in charts.items()],
        )
