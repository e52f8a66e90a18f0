"""Mean SHAP contribution of each feature per group."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from icilens.plots.style import finish, group_colours


def plot_shap_by_group(means: pd.DataFrame) -> go.Figure:
    """Return grouped horizontal bars: rows are features, columns of `means` are groups (log-odds)."""
    if means.empty:
        raise ValueError("plot_shap_by_group needs a features x groups table")
    order = means.abs().max(axis=1).sort_values().index
    figure = go.Figure(
        [
            go.Bar(y=list(order), x=means.loc[order, group], orientation="h", name=str(group), marker_color=colour)
            for group, colour in zip(means.columns, group_colours(list(means.columns)), strict=True)
        ]
    )
    return finish(
        figure,
        "What drives the model in each group",
        height=620,
        subtitle="Bars to the right push towards response; measured inputs only.",
        layout={
            "xaxis": {"title": {"text": "mean SHAP value (log-odds)"}},
            "barmode": "group",
        },
    )
