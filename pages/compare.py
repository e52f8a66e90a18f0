"""Compare page: responders against non-responders (or any grouping), feature by feature, with statistics."""

import pandas as pd
import streamlit as st

from icilens import DISCLAIMER, ui
from icilens.analysis import (
    compare_groups,
    format_comparison,
    group_by_field,
    group_by_observed_response,
    group_by_prediction,
    mean_shap_by_group,
)
from icilens.explain import describe_absent, describe_none_estimable, find_absent_inputs
from icilens.plots import KIND_LABELS, KINDS, plot_distribution, plot_proportions, plot_shap_by_group
from icilens.schema import FEATURES, FIELD_BY_NAME
from icilens.ui import cohort_predictions
from icilens.vocabulary import NOT_AVAILABLE, Column

OBSERVED, PREDICTED = "Observed response", "Predicted response"
GROUP_FIELDS = ("cancer_type", "drug_class", "sex", "stage", "msi", "prior_systemic_therapy")

ui.setup_page("Compare")
st.title("Compare")
st.caption(DISCLAIMER)
cohort = ui.require_cohort()

with ui.guarded("comparing groups"):
    frame = cohort.result.frame
    predictions = cohort_predictions(cohort)
    choices = (
        ([OBSERVED] if cohort.result.has_response else [])
        + [PREDICTED]
        + [FIELD_BY_NAME[f].label for f in GROUP_FIELDS]
    )
    by, scope_column, threshold_column = st.columns([2, 2, 2])
    grouping = by.selectbox("Compare groups by", choices, key=ui.key("compare_by"))
    if not cohort.result.has_response:
        st.info(
            "This cohort has no observed response, so groups are predicted responders against predicted "
            "non-responders at the threshold you set, or a category."
        )
    types = sorted(frame["cancer_type"].dropna().astype(str).unique())
    scope = scope_column.selectbox("Patients", ["All cancer types", *types], key=ui.key("compare_scope"))
    threshold = ui.decision_threshold(threshold_column, "compare", disabled=grouping != PREDICTED)

    if grouping == OBSERVED:
        groups = group_by_observed_response(frame)
    elif grouping == PREDICTED:
        groups = group_by_prediction(predictions[Column.PROBABILITY], threshold)
    else:
        field = next(f for f in GROUP_FIELDS if FIELD_BY_NAME[f].label == grouping)
        groups = group_by_field(frame, field)
    groups = pd.Series(groups.to_numpy(), index=frame.index)
    if scope != "All cancer types":
        groups = groups.where((frame["cancer_type"] == scope).to_numpy())
    sizes = groups.value_counts()
    if len(sizes) < 2:
        st.warning(
            f"Only one group has patients here ({', '.join(f'{k}: {v}' for k, v in sizes.items()) or 'none'}), "
            "so there is nothing to compare. Choose another grouping, threshold or cancer type."
        )
        st.stop()
    # What the groups depend on: the threshold only when they are predicted responders and non-responders.
    grouped_by = (grouping, scope, threshold if grouping == PREDICTED else None)
    table = ui.cohort_cached("compare_table", cohort, lambda: compare_groups(frame, groups), *grouped_by)
    labels = [c for c in table.columns if c in set(groups.dropna().unique())]
    # The caption lists the groups in the table's order, which is the order the effects compare them in.
    st.caption(" · ".join(f"{name}: {int(sizes[name])} patients" for name in labels))
    st.subheader("Feature by feature", anchor=False)
    absent = find_absent_inputs(frame[groups.notna().to_numpy()], FEATURES)
    if absent:
        st.info(describe_absent(absent))
    st.caption(
        f"Median [IQR] or n (%); Mann-Whitney U or Fisher's exact / chi-square; Cliff's delta ({labels[0]} against "
        f"{labels[1]}, -1 to 1) or odds ratio with 95% CI; Benjamini-Hochberg q-values; sorted by q."
        if len(labels) == 2
        else "Median [IQR] or n (%); Kruskal-Wallis or chi-square with Cramér's V; Benjamini-Hochberg q-values; "
        "sorted by q."
    )
    st.dataframe(
        format_comparison(table).drop(columns=["field"]),
        hide_index=True,
        placeholder=NOT_AVAILABLE,
        # On a laptop the verdict must be on screen: q-value and effect right after the feature.
        column_order=[
            "feature",
            "q",
            "estimate",
            "ci_low",
            "ci_high",
            "effect",
            *labels,
            "unit",
            "p",
            "test",
            *[c for c in table.columns if c.startswith(("n ", "missing "))],
        ],
        column_config={"ci_low": "CI low", "ci_high": "CI high"},
        key=ui.key("compare_stats"),
    )
    ui.table_downloads(st, table, "compare_table", "group_comparison")
    ui.show_descriptor_comparison(cohort, groups, grouped_by)
    ui.show_transcriptome_survival(cohort, "compare")

    st.subheader("One feature", anchor=False)
    pick, kind_column = st.columns(2)
    ordered = table["field"].tolist()
    feature = pick.selectbox(
        "Feature", ordered, key=ui.key("compare_feature"), format_func=lambda f: FIELD_BY_NAME[f].label
    )
    spec = FIELD_BY_NAME[feature]
    label = f"{spec.label} ({spec.display_unit})" if spec.unit and not spec.categories else spec.label
    if spec.categories:
        ui.chart(st, plot_proportions(frame[feature], groups, label), key="compare_plot")
    else:
        kind = (
            kind_column.segmented_control(
                "Chart", KINDS, default="violin", format_func=KIND_LABELS.__getitem__, key=ui.key("compare_kind")
            )
            or "violin"
        )
        ui.chart(st, plot_distribution(frame[feature], groups, label, kind), key="compare_plot")

    st.subheader("What drives the model in each group", anchor=False)
    present = groups.notna().to_numpy()
    reason = describe_none_estimable(predictions[Column.ESTIMABLE][present], frame[present])
    if reason:
        st.info(reason)
    else:
        drivers = ui.cohort_cached(
            "compare_shap_chart",
            cohort,
            lambda: plot_shap_by_group(mean_shap_by_group(predictions[present], groups[present], frame[present])),
            *grouped_by,
        )
        ui.chart(st, drivers, key="compare_shap")
