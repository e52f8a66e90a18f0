"""Bar chart of how many patients lack each model feature."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from icilens.plots.style import MUTED, NEUTRAL, finish
from icilens.schema import FEATURES, FIELD_BY_NAME


def plot_missingness(frame: pd.DataFrame) -> go.Figure:
    """Return a horizontal bar chart of the percentage of patients missing each feature."""
    absent = [f for f in FEATURES if f not in frame.columns]
    if absent:
        raise ValueError(f"plot_missingness needs a canonical cohort frame; missing columns: {', '.join(absent)}")
    if frame.empty:
        raise ValueError("plot_missingness needs at least one patient")
    share = frame[list(FEATURES)].isna().mean().mul(100).sort_values()
    # Short names fit a half-width column on a laptop; the hover and the table beside give the full ones.
    labels = [FIELD_BY_NAME[f].short for f in share.index]
    full = [FIELD_BY_NAME[f].label for f in share.index]
    colours = [MUTED if value == 100 else NEUTRAL for value in share]
    figure = go.Figure(
        go.Bar(
            x=share.values,
            y=labels,
            orientation="h",
            marker_color=colours,
            text=[f"{v:.0f}%" for v in share.values],
            textposition="outside",
            cliponaxis=False,  # "100%" beside a full bar stays readable in a narrow column
            customdata=full,
            hovertemplate="%{customdata}: %{x:.0f}% of patients missing<extra></extra>",
        )
    )
    return finish(
        figure,
        f"Missing data per feature ({len(frame)} patients)",
        height=520,
        layout={
            "xaxis": {"title": {"text": "patients with the feature missing (%)"}, "range": [0, 118]},
            "margin": {"r": 44},
        },
    )
