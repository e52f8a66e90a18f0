"""Plotly figure builders: data in, `go.Figure` out; no Streamlit here."""

from icilens.plots.calibration import plot_calibration
from icilens.plots.category_counts import plot_category_counts
from icilens.plots.missingness import plot_missingness

__all__ = ["plot_calibration", "plot_category_counts", "plot_missingness"]
