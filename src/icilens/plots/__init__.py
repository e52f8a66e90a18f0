"""Plotly figure builders: data in, `go.Figure` out; no Streamlit here."""

from icilens.plots.beeswarm import plot_beeswarm
from icilens.plots.calibration import plot_calibration
from icilens.plots.category_counts import plot_category_counts
from icilens.plots.dependence import plot_dependence
from icilens.plots.icon_array import plot_icon_array
from icilens.plots.importance import plot_importance
from icilens.plots.interactions import plot_interactions
from icilens.plots.missingness import plot_missingness
from icilens.plots.waterfall import plot_waterfall

__all__ = [
    "plot_beeswarm",
    "plot_calibration",
    "plot_category_counts",
    "plot_dependence",
    "plot_icon_array",
    "plot_importance",
    "plot_interactions",
    "plot_missingness",
    "plot_waterfall",
]
