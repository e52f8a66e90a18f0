"""Heatmap of the strongest SHAP interactions between features."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from icilens.plots.style import finish


def plot_interactions(interactions, labels: list[str], max_display: int = 10) -> go.Figure:
    """Return a heatmap of mean |SHAP interaction| (off-diagonal, both halves summed) of the top features."""
    values = np.asarray(interactions, dtype="float64")
    if values.ndim != 3 or values.shape[1:] != (len(labels), len(labels)):
        raise ValueError("plot_interactions needs a patients x features x features array and one label per feature")
    strength = np.abs(values).mean(axis=0)
    strength = strength + strength.T
    np.fill_diagonal(strength, np.nan)
    top = np.argsort(-np.nansum(strength, axis=1))[:max_display]
    matrix = strength[np.ix_(top, top)]
    names = [labels[i] for i in top]
    figure = go.Figure(
        go.Heatmap(
            z=matrix,
            x=names,
            y=names,
            colorscale="Blues",
            colorbar={"title": "mean |interaction|"},
            hovertemplate="%{y} × %{x}: %{z:.4f}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    return finish(figure, f"Strongest interactions ({len(values)} patients, log-odds)", height=560)
