"""Kaplan-Meier curves with their tests on the pages, and survival by transcriptome group (thirds of the treated
reference patients) on Compare and Performance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from icilens.analysis import MIN_EVENTS, SURVIVAL_ENDPOINTS, cox_hazard_ratio, describe_p, logrank_test
from icilens.plots import plot_kaplan_meier
from icilens.transcriptome.endpoints import THIRDS, cut_reference_thirds, group_by_reference_third
from icilens.transcriptome.rna_predictions import PROBABILITY
from icilens.ui.downloads import chart
from icilens.ui.page import escape_markdown
from icilens.ui.state import Cohort, session_key
from icilens.ui.transcriptome import active_transcriptome_model, cohort_transcriptome


def show_survival_curves(chart_place, text_place, months, events, groups, covariate, title, unit, key) -> None:
    """Show Kaplan-Meier curves per group (numbers at risk under them) in chart_place, and the log-rank test and
    the Cox hazard ratio on covariate in text_place, unit saying what a step of it is ("per third"); why not,
    when the tests cannot run."""
    chart(chart_place, plot_kaplan_meier(months, events, groups, title), key=key, name=title)
    try:
        chi2, p = logrank_test(months, events, groups)
        ratio = cox_hazard_ratio(months, events, covariate)
    except (ValueError, np.linalg.LinAlgError) as exc:
        text_place.info(f"Tests could not run: {escape_markdown(str(exc))}.")
        return
    text_place.markdown(
        f"Log-rank **{describe_p(p)}** (chi-square {chi2:.1f}). Cox hazard ratio {unit}: "
        f"**{ratio.hazard_ratio:.2f}** (95% CI {ratio.low:.2f} to {ratio.high:.2f}, {describe_p(ratio.p)})."
    )


def show_transcriptome_survival(cohort: Cohort, place: str) -> None:
    """Show Kaplan-Meier curves of the cohort's survival by third of the reference the transcriptome prediction
    falls in, with numbers at risk, a log-rank test and the hazard ratio per third; nothing without expression
    or survival. place keeps the widgets of each page apart."""
    transcriptome = cohort_transcriptome(cohort)
    frame = cohort.result.frame
    available = {
        name: columns
        for name, columns in SURVIVAL_ENDPOINTS.items()
        if frame[columns[0]].notna().any() and frame[columns[1]].notna().any()
    }
    if transcriptome is None or not available:
        return
    st.subheader("Survival by transcriptome group", anchor=False)
    name = st.selectbox("Outcome", list(available), key=session_key(f"{place}_transcriptome_survival"))
    model = active_transcriptome_model()
    cuts = model.card.get("survival_groups", {}).get("cuts") or cut_reference_thirds(model)
    groups = group_by_reference_third(transcriptome.table[PROBABILITY].to_numpy(), cuts)
    months, events = (
        frame[c].reset_index(drop=True).to_numpy(dtype="float64", na_value=np.nan) for c in available[name]
    )
    counted = groups.notna().to_numpy() & ~np.isnan(months) & ~np.isnan(events)
    if np.nansum(events[counted]) < MIN_EVENTS or groups[counted].nunique() < 2:
        st.info(
            f"{int(counted.sum())} patients have both a transcriptome prediction and {name.lower()}, with "
            f"{int(np.nansum(events[counted]))} events in {groups[counted].nunique()} of the three groups: curves and "
            f"tests need at least {MIN_EVENTS} events in at least two groups."
        )
        return
    # Patients in reading order of the groups, so the legend and colours run from the lower third up.
    order = np.argsort(pd.Categorical(groups[counted], categories=THIRDS).codes, kind="stable")
    t, e, g = months[counted][order], events[counted][order], groups[counted].to_numpy()[order]
    left, right = st.columns(2)
    covariate = pd.Categorical(g, categories=THIRDS).codes.astype("float64")
    title = f"{name} by transcriptome group"
    show_survival_curves(left, right, t, e, g, covariate, title, "per third", key=f"{place}_km_transcriptome")
    right.caption(
        "Groups are thirds of the transcriptome prediction among the treated reference patients (cut at "
        f"{cuts[0]:.0%} and {cuts[1]:.0%}), fixed when the model was fitted, before this cohort was seen; patients "
        "without a transcriptome prediction are left out. The numbers at risk are under the curves."
    )
