"""Numbers every stage uses: discrimination, calibration and utility metrics (`metrics`), survival
(`survival`), responders against non-responders (`groups`), cohort summaries (`summary`). It imports no other
stage; a model's validation on unseen patients is `icilens.training.evaluation`.
"""

from icilens.analysis.groups import (
    MOST_GROUPS,
    OTHER_GROUP,
    compare_groups,
    compare_measures,
    describe_p,
    format_comparison,
    format_p,
    group_by_field,
    group_by_observed_response,
    group_by_prediction,
    group_by_tertile,
    mean_shap_by_group,
)
from icilens.analysis.metrics import (
    MIN_PER_OUTCOME,
    calibration_slope_intercept,
    confusion_at,
    cumulative_gains,
    expected_calibration_error,
    fit_logistic,
    pr_points,
    responders_in_top,
    roc_points,
    smoothed_calibration,
)
from icilens.analysis.summary import missingness_table, summarise_cohort
from icilens.analysis.survival import (
    MIN_EVENTS,
    SURVIVAL_ENDPOINTS,
    cox_hazard_ratio,
    kaplan_meier,
    kaplan_meier_median,
    logrank_test,
    numbers_at_risk,
)

__all__ = [
    "MIN_EVENTS",
    "MIN_PER_OUTCOME",
    "MOST_GROUPS",
    "OTHER_GROUP",
    "SURVIVAL_ENDPOINTS",
    "calibration_slope_intercept",
    "compare_groups",
    "compare_measures",
    "confusion_at",
    "cox_hazard_ratio",
    "cumulative_gains",
    "describe_p",
    "expected_calibration_error",
    "fit_logistic",
    "format_comparison",
    "format_p",
    "group_by_field",
    "group_by_observed_response",
    "group_by_prediction",
    "group_by_tertile",
    "kaplan_meier",
    "kaplan_meier_median",
    "logrank_test",
    "mean_shap_by_group",
    "missingness_table",
    "numbers_at_risk",
    "pr_points",
    "responders_in_top",
    "roc_points",
    "smoothed_calibration",
    "summarise_cohort",
]
