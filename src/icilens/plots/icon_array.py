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
    # One 10 x 10 heatmap, filled row by row from the top left: its cells scale with the chart, so they never
    # overlap on a narrow screen, and one trace builds in a millisecond where a hundred shapes took thirty.
    filled = (np.arange(100) < responders).astype(float).reshape(10, 10)[::-1]
    figure = go.Figure(
        go.Heatmap(
            z=filled,
            zmin=0,
            zmax=1,
            colorscale=[[0, MUTED], [1, RESPONDER]],
            showscale=False,
            xgap=6,
            ygap=6,
            hoverinfo="skip",
        )
    )
    hidden = {"visible": False, "range": [-0.5, 9.5], "fixedrange": True}
    return finish(
        figure,
        f"{responders} of 100 respond",
        height=380,
        export_width=420,
        layout={
            "xaxis": hidden,
            "yaxis": {**hidden, "scaleanchor": "x"},
            "showlegend": False,
            "margin": {"l": 10, "r": 10, "t": 75, "b": 20},
            "plot_bgcolor": "rgba(0,0,0,0)",
        },
    )
