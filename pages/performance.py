"""Performance page: how well the model works on this cohort, beside LORIS and TMB, and survival."""

import numpy as np
import streamlit as st

from icilens import DISCLAIMER, ui
from icilens.analysis import (
    MIN_EVENTS,
    MIN_PER_OUTCOME,
    SURVIVAL_ENDPOINTS,
    calibration_slope_intercept,
    confusion_at,
    expected_calibration_error,
    group_by_prediction,
    group_by_tertile,
    responders_in_top,
)
from icilens.plots import (
    plot_calibration,
    plot_confusion,
    plot_decision_curve,
    plot_gains,
    plot_precision_recall,
    plot_prediction_spread,
    plot_roc,
)
from icilens.scoring import describe_loris_recalibration, loris_recalibration
from icilens.training import summarise_scores, usable_scores
from icilens.ui import active_model, cohort_predictions, reference_scores, session_cached
from icilens.vocabulary import NOT_AVAILABLE, TERTILES, TMB_HIGH_CUTOFF, TMB_HIGH_LABEL, Column, Score

ui.setup_page("Performance")
st.title("Performance")
st.caption(DISCLAIMER)
cohort = ui.require_cohort()


def _survival_section(frame, probability, threshold, estimable) -> None:
    st.subheader("Survival", anchor=False)
    available = {
        name: cols
        for name, cols in SURVIVAL_ENDPOINTS.items()
        if frame[cols[0]].notna().any() and frame[cols[1]].notna().any()
    }
    if not available:
        st.info(
            "This cohort has no overall or progression-free survival (months and event columns), so survival "
            "cannot be shown."
        )
        return
    # Groups by a prediction its few measured inputs cannot carry would sort patients by what the model assumed.
    if not estimable.any():
        st.info(
            f"The clinical model's prediction is not estimable for any of these {len(estimable)} patients, so "
            "survival by clinical prediction group is not shown."
        )
        return
    outcome, split = st.columns(2)
    name = outcome.selectbox("Outcome", list(available), key=ui.key("survival_outcome"))
    method = split.selectbox(
        "Predicted groups", ["Tertiles of predicted probability", "The threshold above"], key=ui.key("survival_split")
    )
    months, events = (frame[c].to_numpy(dtype="float64", na_value=np.nan) for c in available[name])
    if not estimable.all():
        st.caption(
            f"{int((~estimable).sum())} patients whose clinical prediction is not estimable are left out of these "
            "curves and tests."
        )
        months, events = np.where(estimable, months, np.nan), np.where(estimable, events, np.nan)
        probability = np.where(estimable, probability, np.nan)
    if np.nansum(events) < MIN_EVENTS:
        st.info(
            f"Only {int(np.nansum(events))} events of {name.lower()}: at least {MIN_EVENTS} are needed for curves and tests."
        )
        return
    if method.startswith("Tertiles"):
        groups, unit = group_by_tertile(probability), "per third"
        covariate = groups.map({third: i for i, third in enumerate(TERTILES)}).to_numpy(dtype="float64")
    else:
        groups = group_by_prediction(probability, threshold)
        covariate, unit = (probability >= threshold).astype("float64"), "predicted responders against non-responders"
    columns = st.columns(2)
    title = f"{name} by predicted group"
    ui.show_survival_curves(
        columns[0], columns[0], months, events, groups.to_numpy(), covariate, title, unit, f"km_{title}"
    )
    columns[1].caption(
        "Survival is not compared by observed response: a patient must live long enough to respond, so such "
        "curves favour responders whatever the treatment did (guarantee-time bias). A landmark analysis would need "
        "the date of each response, which cohorts rarely record. Groups by prediction are known at the start of "
        "treatment and carry no such bias."
    )


def _loris_calibrations(y, recalibrated, raw) -> None:
    """Show LORIS's published score and its recalibration side by side, on the patients where it is defined."""
    defined = ~np.isnan(raw)
    if defined.sum() < 20:
        return
    recalibration = loris_recalibration(active_model())
    st.caption(
        "LORIS was fitted with balanced classes, so its published score overstates the chance of response; "
        f"ICI Lens shows it {describe_loris_recalibration(recalibration)}. Both, on this cohort:"
    )
    left, right = st.columns(2)
    ui.chart(left, plot_calibration(y[defined], raw[defined], title="LORIS, published score"), key="cal_loris_raw")
    ui.chart(right, plot_calibration(y[defined], recalibrated[defined], title=Score.LORIS), key="cal_loris")


with ui.guarded("assessing performance"):
    frame = cohort.result.frame
    scores = reference_scores(cohort)
    raw_loris = cohort_predictions(cohort)[Column.LORIS_SCORE].to_numpy(dtype="float64")
    probability = scores[Score.MODEL]
    y = frame["response"].to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(y)
    responders, others = int(np.nansum(y)), int(known.sum() - np.nansum(y))
    threshold = st.session_state.get(ui.THRESHOLD, ui.DEFAULT_THRESHOLD) / 100

    if not known.any():
        st.info(
            "This cohort has no observed response column, so discrimination, calibration and decision curves "
            "cannot be computed. Add a response column (CR/PR/SD/PD or responder yes/no) to see them."
        )
    elif min(responders, others) < MIN_PER_OUTCOME:
        st.info(
            f"The cohort has {responders} responders and {others} non-responders with an observed response; at least "
            f"{MIN_PER_OUTCOME} of each are needed for meaningful curves."
        )
    else:
        yk = y[known]
        known_scores = {name: p[known] for name, p in scores.items()}
        table, aucs = session_cached("score_summary", cohort, lambda: summarise_scores(yk, known_scores))
        st.caption(
            f"{int(known.sum())} patients with an observed response ({responders} responders). "
            "95% CIs from 1,000 bootstrap resamples of patients. TMB is drawn as a continuous score."
        )
        st.dataframe(table, hide_index=True, placeholder=NOT_AVAILABLE, key=ui.key("performance_scores"))
        ui.table_downloads(st, table, "scores", "performance_scores")
        known_scores, left_out = usable_scores(yk, known_scores, MIN_PER_OUTCOME)
        for name, why in left_out.items():
            st.info(f"{name} is left out of the curves below: it {why}.")
        left, right = st.columns(2)
        ui.chart(left, plot_roc(yk, known_scores, aucs), key="roc")
        ui.chart(right, plot_precision_recall(yk, known_scores), key="pr")

        left, right = st.columns([3, 2])
        model_p = known_scores[Score.MODEL]
        ui.chart(left, plot_calibration(yk, model_p, title="Calibration of the ICI Lens model"), key="calibration")
        slope, intercept = calibration_slope_intercept(yk, model_p)
        right.metric("Brier score", table.set_index("score").at[Score.MODEL, "Brier"])
        right.metric("Calibration slope", f"{slope:.2f}", help="1 is ideal")
        right.metric("Calibration intercept", f"{intercept:.2f}", help="0 is ideal")
        right.metric("Expected calibration error", f"{expected_calibration_error(yk, model_p):.3f}")
        ui.chart(st, plot_prediction_spread(yk, model_p), key="prediction_spread")
        if Score.LORIS in known_scores:
            _loris_calibrations(yk, known_scores[Score.LORIS], raw_loris[known])

        ui.chart(st, plot_decision_curve(yk, {k: v for k, v in known_scores.items() if k != Score.TMB}), key="decision")
        ui.chart(st, plot_gains(yk, known_scores), key="gains")
        st.markdown(
            "Taking the top 20% of patients by each score finds "
            + "; ".join(
                f"**{responders_in_top(yk[~np.isnan(p)], p[~np.isnan(p)], 0.2):.0%}** of the responders with {name}"
                for name, p in known_scores.items()
            )
            + " (a random 20% would find 20%)."
        )

        st.subheader("At the decision threshold", anchor=False)
        threshold = ui.decision_threshold(st, "performance")
        left, right = st.columns([2, 3])
        result = confusion_at(yk, model_p, threshold)
        ui.chart(left, plot_confusion(result, threshold), key="confusion")
        rows = {
            Score.MODEL: result,
            Score.LORIS: confusion_at(yk, known_scores[Score.LORIS], threshold)
            if Score.LORIS in known_scores
            else None,
            TMB_HIGH_LABEL: confusion_at(yk, known_scores[Score.TMB], TMB_HIGH_CUTOFF)
            if Score.TMB in known_scores
            else None,
        }
        rows = {name: result for name, result in rows.items() if result is not None}
        right.dataframe(
            {
                "score": list(rows),
                **{
                    label: [f"{r[m]:.0%}" if not np.isnan(r[m]) else "n/a" for r in rows.values()]
                    for m, label in (
                        ("sensitivity", "sensitivity"),
                        ("specificity", "specificity"),
                        ("ppv", "positive predictive value"),
                        ("npv", "negative predictive value"),
                    )
                },
            },
            hide_index=True,
            placeholder=NOT_AVAILABLE,
            key=ui.key("confusion_table"),
        )
    ui.show_transcriptome_performance(cohort)
    estimable = cohort_predictions(cohort)[Column.ESTIMABLE].fillna(False).to_numpy(dtype=bool)
    _survival_section(frame, probability, threshold, estimable)
    ui.show_transcriptome_survival(cohort, "performance")
