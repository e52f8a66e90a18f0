"""What-if curve: one patient's calibrated probability across the range of one feature."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from icilens.plots.style import NEUTRAL, RESPONDER, finish


def plot_what_if_curve(values, probabilities, label: str, current: float | None) -> go.Figure:
    """Return the probability (%) against the feature's values, with the patient's own value marked."""
    values, probabilities = np.asarray(values, dtype="float64"), np.asarray(probabilities, dtype="float64")
    if values.shape != probabilities.shape:
        raise ValueError("plot_what_if_curve needs one probability per value")
    figure = go.Figure(
        go.Scatter(x=values, y=probabilities * 100, mode="lines", name="this patient", line={"color": NEUTRAL})
    )
    if current is not None and not np.isnan(current):
        at = float(np.interp(current, values, probabilities * 100))
        figure.add_trace(
            go.Scatter(
                x=[current], y=[at], mode="markers", name="measured value", marker={"size": 12, "color": RESPONDER}
            )
        )
    figure.update_xaxes(title=label)
    figure.update_yaxes(title="predicted probability of response (%)", rangemode="tozero")
    return finish(figure, f"If only {label.split(' (')[0].lower()} changed", height=380)
