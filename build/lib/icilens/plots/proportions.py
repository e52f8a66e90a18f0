"""Proportion of each category per group, with counts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from icilens.plots.style import finish, group_colours


def plot_proportions(values: pd.Series, groups: pd.Series, label: str) -> go.Figure:
    """Return grouped bars: the share of each category within each group, labelled 'n (%)'."""
    table = pd.crosstab(values.astype(object).fillna("missing"), groups)
    if table.empty:
        raise ValueError("plot_proportions needs at least one patient with a group")
    shares = table / table.sum(axis=0)
    figure = go.Figure()
    for group, colour in zip(table.columns, group_colours(list(table.columns)), strict=True):
        figure.add_trace(
            go.Bar(
                x=[str(c) for c in table.index],
                y=shares[group] * 100,
                name=f"{group} (n={table[group].sum()})",
                marker_color=colour,
                text=[f"{n} ({s:.0%})" for n, s in zip(table[group], shares[group], strict=True)],
                textposition="outside",
            )
        )
    figure.update_yaxes(title="patients in the group (%)", range=[0, min(100, shares.to_numpy().max() * 125)])
    figure.update_xaxes(title=label)
    figure.update_layout(barmode="group")
    return finish(figure, f"{label} by group", height=420)
