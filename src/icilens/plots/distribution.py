"""Distribution of a numeric feature per group: violin, box, histogram or ECDF."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from icilens.plots.style import finish, group_colours
from icilens.vocabulary import in_reading_order

KINDS = ("violin", "box", "histogram", "ecdf")
KIND_LABELS = {"violin": "violin", "box": "box", "histogram": "histogram", "ecdf": "cumulative share"}


def plot_distribution(values: pd.Series, groups: pd.Series, label: str, kind: str = "violin") -> go.Figure:
    """Return the feature's distribution in each group; violins and boxes show every patient as a point."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    figure = go.Figure()
    labels = in_reading_order(pd.unique(groups.dropna()))
    bins = _shared_bins(values.dropna().to_numpy(dtype="float64"))
    for name, colour in zip(labels, group_colours(labels), strict=True):
        sample = values[groups == name].dropna().to_numpy(dtype="float64")
        legend = f"{name} (n={len(sample)})"
        if kind == "violin":
            figure.add_trace(
                go.Violin(
                    spanmode="hard",  # no density drawn beyond the data (below 0% or above 100%)
                    y=sample,
                    name=legend,
                    box_visible=True,
                    points="all",
                    jitter=0.3,
                    pointpos=0,
                    marker={"size": 3, "opacity": 0.5},
                    line_color=colour,
                )
            )
        elif kind == "box":
            figure.add_trace(
                go.Box(
                    y=sample,
                    name=legend,
                    boxpoints="all",
                    jitter=0.4,
                    pointpos=0,
                    marker={"size": 3, "opacity": 0.5},
                    line_color=colour,
                )
            )
        elif kind == "histogram":
            figure.add_trace(
                go.Histogram(x=sample, name=legend, opacity=0.55, histnorm="percent", marker_color=colour, xbins=bins)
            )
        else:
            ordered = np.sort(sample)
            figure.add_trace(
                go.Scatter(
                    x=ordered,
                    y=np.arange(1, len(ordered) + 1) / max(len(ordered), 1),
                    mode="lines",
                    line={"shape": "hv", "color": colour},
                    name=legend,
                )
            )
    if kind in ("violin", "box"):
        figure.update_yaxes(title=label)
    else:
        figure.update_xaxes(title=label)
        figure.update_yaxes(title="patients (%)" if kind == "histogram" else "cumulative share of patients")
        figure.update_layout(barmode="overlay")
    return finish(figure, f"{label} by group", height=420)


def _shared_bins(values: np.ndarray, count: int = 30) -> dict:
    """Return one set of histogram bins for every group, so their bars compare like with like."""
    if not len(values):
        return {}
    low, high = float(values.min()), float(values.max())
    size = (high - low) / count if high > low else 1.0
    return {"start": low, "end": high + size, "size": size}
