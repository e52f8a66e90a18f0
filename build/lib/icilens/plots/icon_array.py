"""Icon array: how many of 100 patients like this one respond."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from icilens.plots.style import MUTED, RESPONDER, finish


def plot_icon_array(probability: float) -> go.Figure:
    """Return a 10 x 10 grid in which round(100 * probability) icons are coloured as responders."""
    if not 0 <= probability <= 1:
        raise ValueError("plot_icon_array takes a probability between 0 and 1")
    responders = round(probability * 100)
    index = np.arange(100)
    x, y = index % 10, 9 - index // 10
    # Circles drawn in data units scale with the chart, so they never overlap on a narrow screen; given as
    # one list, because adding a hundred shapes one by one costs most of a second.
    circles = [
        {
            "type": "circle",
            "x0": float(x[i]) - 0.4,
            "x1": float(x[i]) + 0.4,
            "y0": float(y[i]) - 0.4,
            "y1": float(y[i]) + 0.4,
            "fillcolor": RESPONDER if i < responders else MUTED,
            "line": {"width": 0},
        }
        for i in index
    ]
    figure = go.Figure(layout={"shapes": circles})
    figure.update_xaxes(visible=False, range=[-0.7, 9.7])
    figure.update_yaxes(visible=False, range=[-0.7, 9.7], scaleanchor="x")
    figure = finish(figure, f"{responders} of 100 respond", height=380, export_width=420)
    figure.update_layout(showlegend=False, margin={"l": 10, "r": 10, "t": 75, "b": 20})
    return figure
