"""Dependence plot: how one feature's value drives its SHAP value, coloured by another feature."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from icilens.plots.beeswarm import COLORSCALE, colour_values
from icilens.plots.style import NEUTRAL, finish


def plot_dependence(
    values: pd.Series,
    shap,
    label: str,
    colour_by: pd.Series | None = None,
    colour_label: str = "",
    ids: pd.Series | None = None,
) -> go.Figure:
    """Return SHAP value against feature value; categories are spread on the x axis with a little jitter.

    ids, when given, go with each point as customdata, so a page can open the patient that was clicked.
    """
    shap = np.asarray(shap, dtype="float64")
    if len(values) != len(shap):
        raise ValueError("plot_dependence needs one SHAP value per patient")
    present = values.notna().to_numpy()
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype("float64")
        x = codes + np.random.default_rng(0).uniform(-0.2, 0.2, len(codes))
        tickvals, ticktext = list(range(len(values.cat.categories))), [str(c) for c in values.cat.categories]
    else:
        x, tickvals, ticktext = values.to_numpy(dtype="float64"), None, None
    marker: dict = {"size": 6, "color": NEUTRAL}
    if colour_by is not None:
        marker = {
            "size": 6,
            "color": np.nan_to_num(colour_values(colour_by)[present], nan=0.5),
            "colorscale": COLORSCALE,
            "cmin": 0,
            "cmax": 1,
            "showscale": True,
            "colorbar": {
                "title": colour_label,
                "tickvals": [0, 1],
                "ticktext": ["low", "high"],
                "thickness": 12,
                "len": 0.5,
            },
        }
    figure = go.Figure(
        go.Scattergl(
            x=x[present],
            y=shap[present],
            mode="markers",
            marker=marker,
            customdata=None if ids is None else np.asarray(ids, dtype=str)[present],
            hovertemplate=f"{label} %{{x}}<br>SHAP %{{y:.3f}}<extra></extra>",
        )
    )
    figure.update_xaxes(title=label, tickvals=tickvals, ticktext=ticktext)
    figure.update_yaxes(title=f"SHAP value of {label} (log-odds)", zeroline=True)
    suffix = f", coloured by {colour_label}" if colour_by is not None else ""
    missing = int((~present).sum())
    note = f" ({missing} patients with the value missing not shown)" if missing else ""
    return finish(figure, f"Dependence on {label}{suffix}{note}", height=480)
