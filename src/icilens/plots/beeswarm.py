"""Beeswarm: every patient's SHAP value per feature, coloured by the feature's value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from icilens.plots.style import finish
from icilens.vocabulary import NOT_AVAILABLE

COLORSCALE = [[0, "#2c7bb6"], [0.5, "#d9d2e9"], [1, "#d7191c"]]


def colour_values(values: pd.Series) -> np.ndarray:
    """Return values as colours on 0-1: percentile rank for numbers, category position for categories; NaN if missing."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.astype("float64").where(values.notna())
        return (codes / max(len(values.cat.categories) - 1, 1)).to_numpy()
    return pd.to_numeric(values, errors="coerce").rank(pct=True).to_numpy()


def _jitter(shap: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return vertical offsets that spread dense regions wider, like a swarm."""
    present = np.isfinite(shap)  # a missing input has no SHAP value to place
    if present.sum() < 2:
        return np.zeros(len(shap))
    bins = np.histogram_bin_edges(shap[present], bins=40)
    counts, _ = np.histogram(shap[present], bins=bins)
    density = counts[np.clip(np.digitize(shap, bins) - 1, 0, len(counts) - 1)] / counts.max()
    return np.where(present, (rng.random(len(shap)) - 0.5) * 0.8 * density, 0.0)


def plot_beeswarm(
    shap_values,
    frame: pd.DataFrame,
    features: list[str],
    labels: list[str],
    max_display: int = 12,
    title: str = "SHAP values per patient",
) -> go.Figure:
    """Return a beeswarm of the max_display most important features; grey points are missing values.

    Every point carries its patient id as customdata, so a page can open the patient that was clicked.
    """
    values = np.asarray(shap_values, dtype="float64")
    ids = frame["patient_id"].astype(str).to_numpy() if "patient_id" in frame else np.arange(len(frame)).astype(str)
    if values.shape != (len(frame), len(features)):
        raise ValueError("plot_beeswarm needs one SHAP value per patient and feature")
    order = np.argsort(-np.nanmean(np.abs(values), axis=0))[:max_display][::-1]
    rng = np.random.default_rng(0)
    figure = go.Figure()
    for row, j in enumerate(order):
        colour = colour_values(frame[features[j]])
        shown = [str(v) if not pd.isna(v) else NOT_AVAILABLE for v in frame[features[j]]]
        y = row + _jitter(values[:, j], rng)
        missing = np.isnan(colour)
        figure.add_trace(
            go.Scattergl(
                x=values[~missing, j],
                y=y[~missing],
                mode="markers",
                name=labels[j],
                showlegend=False,
                marker={
                    "size": 5,
                    "color": colour[~missing],
                    "colorscale": COLORSCALE,
                    "cmin": 0,
                    "cmax": 1,
                    "colorbar": {
                        "title": "feature value",
                        "tickvals": [0, 1],
                        "ticktext": ["low", "high"],
                        "thickness": 12,
                        "len": 0.5,
                    }
                    if row == 0
                    else None,
                    "showscale": row == 0,
                },
                text=np.asarray(shown, dtype=object)[~missing],
                customdata=ids[~missing],
                hovertemplate=f"{labels[j]} = %{{text}}<br>SHAP %{{x:.3f}}<extra></extra>",
            )
        )
        if missing.any():
            figure.add_trace(
                go.Scattergl(
                    x=values[missing, j],
                    y=y[missing],
                    mode="markers",
                    showlegend=False,
                    marker={"size": 5, "color": "#aaa"},
                    customdata=ids[missing],
                    hovertemplate=f"{labels[j]} missing<br>SHAP %{{x:.3f}}<extra></extra>",
                )
            )
    figure.update_yaxes(tickvals=list(range(len(order))), ticktext=[labels[j] for j in order])
    figure.update_xaxes(title="SHAP value (log-odds; right = more likely to respond)", zeroline=True)
    return finish(figure, title, height=max(420, 42 * len(order) + 150))
