"""Plotly figure builders: data in, `go.Figure` out; no Streamlit here."""

from icilens.plots.beeswarm import plot_beeswarm
from icilens.plots.calibration import plot_calibration
from icilens.plots.category_counts import plot_category_counts
from icilens.plots.dependence import plot_dependence
from icilens.plots.distribution import KIND_LABELS, KINDS, plot_distribution
from icilens.plots.forest import plot_forest
from icilens.plots.gains import plot_gains
from icilens.plots.icon_array import plot_icon_array
from icilens.plots.importance import plot_importance
from icilens.plots.interactions import plot_interactions
from icilens.plots.missingness import plot_missingness
from icilens.plots.performance import plot_confusion, plot_decision_curve, plot_precision_recall, plot_roc
from icilens.plots.prediction_spread import plot_prediction_spread
from icilens.plots.proportions import plot_proportions
from icilens.plots.shap_by_group import plot_shap_by_group
from icilens.plots.survival_curves import plot_kaplan_meier
from icilens.plots.tmb_gep_quadrants import plot_tmb_gep_quadrants
from icilens.plots.waterfall import LOG_ODDS, PROBABILITY, plot_waterfall
from icilens.plots.what_if_curve import plot_what_if_curve

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "LOG_ODDS",
    "PROBABILITY",
    "plot_beeswarm",
    "plot_calibration",
    "plot_category_counts",
    "plot_confusion",
    "plot_decision_curve",
    "plot_dependence",
    "plot_distribution",
    "plot_forest",
    "plot_gains",
    "plot_icon_array",
    "plot_importance",
    "plot_interactions",
    "plot_kaplan_meier",
    "plot_missingness",
    "plot_precision_recall",
    "plot_prediction_spread",
    "plot_proportions",
    "plot_roc",
    "plot_shap_by_group",
    "plot_tmb_gep_quadrants",
    "plot_waterfall",
    "plot_what_if_curve",
]
