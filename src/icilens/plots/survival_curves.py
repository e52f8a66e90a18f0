"""Kaplan-Meier curves per group with the numbers at risk underneath."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from icilens.analysis.survival import kaplan_meier, numbers_at_risk
from icilens.plots.style import finish, group_colours

MONTH_STEPS = (1, 2, 3, 6, 12, 24, 36, 60)


def month_ticks(horizon: float, most: int = 7) -> np.ndarray:
    """Return ticks at a step a reader counts in (1, 2, 3, 6, 12 ... months) from 0 to the horizon, at most most."""
    step = next((s for s in MONTH_STEPS if horizon / s <= most - 1), MONTH_STEPS[-1])
    return np.arange(0, horizon + step / 2, step, dtype="float64") if horizon > 0 else np.array([0.0])


def plot_kaplan_meier(months, events, groups, title: str, outcome: str = "survival") -> go.Figure:
    """Return step curves of Kaplan-Meier survival per group and a numbers-at-risk table below."""
    months = pd.Series(np.asarray(months, dtype="float64"))
    events = pd.Series(np.asarray(events, dtype="float64"))
    groups = pd.Series(np.asarray(groups, dtype=object))
    labels = [g for g in pd.unique(groups.dropna())]
    if not labels:
        raise ValueError("plot_kaplan_meier needs at least one group")
    horizon = float(np.nanpercentile(months, 95))
    ticks = month_ticks(horizon)
    figure = make_subplots(rows=2, cols=1, row_heights=[0.78, 0.22], shared_xaxes=True, vertical_spacing=0.08)
    for row_index, (name, colour) in enumerate(zip(labels, group_colours(labels), strict=True)):
        # Only patients with a known time and event count: the legend's n is the at-risk table's first number.
        members = ((groups == name) & months.notna() & events.notna()).to_numpy()
        curve = kaplan_meier(months[members], events[members])
        figure.add_trace(
            go.Scatter(
                x=curve["time"],
                y=curve["survival"] * 100,
                mode="lines",
                line={"shape": "hv", "color": colour},
                name=f"{name} (n={int(members.sum())}, {int(events[members].sum())} events)",
            ),
            row=1,
            col=1,
        )
        at_risk = numbers_at_risk(months[members], ticks)
        figure.add_trace(
            go.Scatter(
                x=ticks,
                y=[row_index] * len(ticks),
                mode="text",
                text=[str(n) for n in at_risk],
                textfont={"color": colour},
                showlegend=False,
                hoverinfo="skip",
                cliponaxis=False,
            ),
            row=2,
            col=1,
        )
    figure.update_yaxes(title=f"{outcome} (%)", range=[0, 102], row=1, col=1)
    figure.update_yaxes(
        tickvals=list(range(len(labels))),
        ticktext=[str(name) for name in labels],
        autorange="reversed",
        showgrid=False,
        title="at risk",
        row=2,
        col=1,
    )
    figure.update_xaxes(range=[-horizon * 0.04, horizon * 1.04])
    figure.update_xaxes(title="months since ICI start", tickvals=ticks, row=2, col=1)
    figure = finish(figure, title, height=580)
    figure.update_layout(margin={"t": 90})
    return figure
