"""Global importance: mean absolute SHAP value per feature."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from icilens.plots.style import NEUTRAL, finish


def plot_importance(shap_values, labels: list[str], title: str = "Feature importance") -> go.Figure:
    """Return a bar chart of mean |SHAP| (log-odds) per feature, most important on top."""
    values = np.asarray(shap_values, dtype="float64")
    if values.ndim != 2 or values.shape[1] != len(labels) or len(values) == 0:
        raise ValueError("plot_importance needs a patients x features SHAP matrix and one label per feature")
    importance = np.nanmean(np.abs(values), axis=0)  # over the patients with the input measured
    order = np.argsort(importance)
    figure = go.Figure(
        go.Bar(
            x=importance[order],
            y=[labels[i] for i in order],
            orientation="h",
            marker_color=NEUTRAL,
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        )
    )
    figure.update_xaxes(title="mean |SHAP value| (log-odds)")
    return finish(figure, f"{title} ({len(values)} patients)", height=560)
