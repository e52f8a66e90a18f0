"""Cumulative gains: how many of the responders the top-ranked patients hold."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from icilens.analysis.metrics import cumulative_gains
from icilens.plots.performance import score_curves
from icilens.plots.style import MUTED, finish


def plot_gains(y, scores: dict) -> go.Figure:
    """Return the cumulative share of responders against the share of patients taken by falling score."""
    y = np.asarray(y, dtype="float64")
    figure = go.Figure(
        go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="random order", line={"dash": "dash", "color": MUTED})
    )
    for name, p, colour in score_curves(scores):
        patients, responders = cumulative_gains(y, p)
        figure.add_trace(
            go.Scatter(
                x=patients * 100,
                y=responders * 100,
                mode="lines",
                name=name,
                line={"color": colour},
                hovertemplate="top %{x:.0f}% of patients hold %{y:.0f}% of responders<extra></extra>",
            )
        )
    figure.update_xaxes(title="patients taken, highest score first (%)", range=[0, 100])
    figure.update_yaxes(title="responders found (%)", range=[0, 100])
    return finish(figure, "Cumulative gains", height=440, export_width=620)
