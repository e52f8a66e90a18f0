"""Bar chart of patients per category (cancer type, drug class, ...)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from icilens.plots.style import NEUTRAL, finish
from icilens.vocabulary import NOT_AVAILABLE


def plot_category_counts(values: pd.Series, title: str) -> go.Figure:
    """Return a horizontal bar chart of the number of patients per category, largest on top."""
    if not isinstance(values, pd.Series):
        raise TypeError("plot_category_counts takes a pandas Series of category labels")
    counts = values.astype(object).fillna(NOT_AVAILABLE).value_counts().sort_values()
    figure = go.Figure(
        go.Bar(
            x=counts.values,
            y=[str(i) for i in counts.index],
            orientation="h",
            marker_color=NEUTRAL,
            text=counts.values,
            textposition="outside",
            hovertemplate="%{y}: %{x} patients<extra></extra>",
        )
    )
    return finish(
        figure,
        title,
        height=max(300, 26 * len(counts) + 120),
        layout={"xaxis": {"title": {"text": "patients"}, "range": [0, counts.max() * 1.15]}},
    )
