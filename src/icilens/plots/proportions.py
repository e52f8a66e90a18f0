"""Proportion of each category per group, with counts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from icilens.plots.style import finish, group_colours
from icilens.vocabulary import NOT_AVAILABLE, in_reading_order


def plot_proportions(values: pd.Series, groups: pd.Series, label: str) -> go.Figure:
    """Return grouped bars: the share of each category within each group, labelled 'n (%)'."""
    table = pd.crosstab(values.astype(object).fillna(NOT_AVAILABLE), groups)
    table = table[in_reading_order(table.columns)]
    if table.empty:
        raise ValueError("plot_proportions needs at least one patient with a group")
    shares = table / table.sum(axis=0)
    bars = [
        go.Bar(
            x=[str(c) for c in table.index],
            y=shares[group] * 100,
            name=f"{group} (n={table[group].sum()})",
            marker_color=colour,
            text=[f"{n} ({s:.0%})" for n, s in zip(table[group], shares[group], strict=True)],
            textposition="outside",
        )
        for group, colour in zip(table.columns, group_colours(list(table.columns)), strict=True)
    ]
    top = min(100, shares.to_numpy().max() * 125)
    return finish(
        go.Figure(bars),
        f"{label} by group",
        height=420,
        layout={
            "yaxis": {"title": {"text": "patients in the group (%)"}, "range": [0, top]},
            "xaxis": {"title": {"text": label}},
            "barmode": "group",
        },
    )
