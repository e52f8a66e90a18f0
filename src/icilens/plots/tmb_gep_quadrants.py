"""TMB against the T-cell-inflamed GEP, in four quadrants with their counts and response rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from icilens.plots.style import NEUTRAL, finish

RESPONDER, NON_RESPONDER = "#2a7ab0", "#c0504d"


def plot_tmb_gep_quadrants(
    tmb: pd.Series,
    gep: pd.Series,
    response: pd.Series | None,
    counts: pd.DataFrame,
    tmb_cut: float,
    gep_cut: float,
    highlight: tuple[float, float] | None = None,
    title: str = "TMB and the T-cell-inflamed GEP",
) -> go.Figure:
    """Return a scatter of TMB (log scale) against GEP with the two cut-offs, each quadrant labelled with its
    patients and response rate (counts from `count_quadrants`), and one patient marked when highlight is given."""
    both = tmb.notna().to_numpy() & gep.notna().to_numpy()
    if both.sum() == 0:
        raise ValueError("plot_tmb_gep_quadrants needs patients with both TMB and GEP measured")
    x = np.maximum(tmb.to_numpy(dtype="float64")[both], 0.1)  # TMB 0 sits at the axis' left end
    y = gep.to_numpy(dtype="float64")[both]
    figure = go.Figure()
    outcome = response.to_numpy()[both] if response is not None else np.full(both.sum(), np.nan)
    for value, name, colour in (
        (1, "responder", RESPONDER),
        (0, "non-responder", NON_RESPONDER),
        (None, "unknown", NEUTRAL),
    ):
        keep = np.isnan(outcome) if value is None else outcome == value
        if keep.any():
            figure.add_trace(
                go.Scatter(x=x[keep], y=y[keep], mode="markers", name=name, marker={"color": colour, "size": 7})
            )
    if highlight is not None and not any(pd.isna(v) for v in highlight):
        figure.add_trace(
            go.Scatter(
                x=[max(highlight[0], 0.1)],
                y=[highlight[1]],
                mode="markers",
                name="this patient",
                marker={"symbol": "star", "size": 16, "color": "#222"},
            )
        )
    figure.add_vline(x=tmb_cut, line_dash="dash", line_color="#777")
    figure.add_hline(y=gep_cut, line_dash="dash", line_color="#777")
    corners = {
        "TMB high, GEP high": (0.98, 0.98, "right", "top"),
        "TMB high, GEP low": (0.98, 0.02, "right", "bottom"),
        "TMB low, GEP high": (0.02, 0.98, "left", "top"),
        "TMB low, GEP low": (0.02, 0.02, "left", "bottom"),
    }
    for row in counts.itertuples(index=False):
        rate = "" if pd.isna(row[4]) else f", {row[4]:.0%} responded"
        cx, cy, xanchor, yanchor = corners[row[0]]
        figure.add_annotation(
            x=cx,
            y=cy,
            xref="paper",
            yref="paper",
            xanchor=xanchor,
            yanchor=yanchor,
            showarrow=False,
            text=f"{row[0]}: {row[1]} patients{rate}",
        )
    figure.update_xaxes(title="TMB (mut/Mb, log scale)", type="log")
    figure.update_yaxes(title="T-cell-inflamed GEP")
    return finish(figure, title, height=480)
