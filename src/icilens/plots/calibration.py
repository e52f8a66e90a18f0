"""Calibration plot: predicted probability against the observed response rate."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from icilens.analysis.metrics import smoothed_calibration
from icilens.plots.style import MUTED, NEUTRAL, finish


def plot_calibration(observed, predicted, bins: int = 10, title: str = "Calibration") -> go.Figure:
    """Return a calibration plot: observed response rate per decile of predicted probability, with 95% CIs."""
    y, p = np.asarray(observed, dtype="float64"), np.asarray(predicted, dtype="float64")
    if y.shape != p.shape or len(y) < bins:
        raise ValueError(f"plot_calibration needs matching outcomes and probabilities, at least {bins} patients")
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, bins)
    mean_p = np.array([p[g].mean() for g in groups])
    rate = np.array([y[g].mean() for g in groups])
    n = np.array([len(g) for g in groups])
    half_width = 1.96 * np.sqrt(np.maximum(rate * (1 - rate), 1e-9) / n)
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration", line={"dash": "dash", "color": MUTED})
    )
    figure.add_trace(
        go.Scatter(
            x=mean_p * 100,
            y=rate * 100,
            mode="markers+lines",
            name="observed (deciles of prediction)",
            marker={"color": NEUTRAL, "size": 9},
            error_y={"type": "data", "array": half_width * 100, "visible": True},
            customdata=n,
            hovertemplate="predicted %{x:.0f}%<br>observed %{y:.0f}%<br>%{customdata} patients<extra></extra>",
        )
    )
    figure.data[0].update(x=[0, 100], y=[0, 100])
    grid, smoothed = smoothed_calibration(y, p)
    figure.add_trace(
        go.Scatter(
            x=grid * 100, y=smoothed * 100, mode="lines", name="smoothed (Gaussian kernel)", line={"color": "#d98b2b"}
        )
    )
    figure.update_xaxes(title="predicted probability of response (%)", range=[0, 100])
    figure.update_yaxes(title="observed response rate (%)", range=[0, 100])
    return finish(figure, title, height=460, export_width=620)
