"""Forest plot: one figure per cohort with its 95% CI, and the random-effects pool as a diamond."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from icilens.plots.style import MUTED, NEUTRAL, TOTAL, finish

COLUMNS = ("label", "estimate", "low", "high")


def plot_forest(
    cohorts: pd.DataFrame,
    pooled: tuple[float, float, float] | None,
    null_value: float,
    x_title: str,
    title: str,
    pooled_label: str = "Pooled (random effects)",
    subtitle: str | None = None,
    log_x: bool = False,
) -> go.Figure:
    """Return a forest plot of cohorts (columns label, estimate, low, high, one row each, top to bottom) with
    the pooled (estimate, low, high) as a diamond under them and a dashed line at null_value (0.5 for ROC AUC
    and Harrell's C, 1 for a hazard ratio, drawn on a log axis with log_x)."""
    missing = [c for c in COLUMNS if c not in cohorts.columns]
    if missing:
        raise ValueError(f"plot_forest needs columns {list(COLUMNS)}; missing {missing}")
    if cohorts.empty:
        raise ValueError("plot_forest needs at least one cohort")
    rows = cohorts.reset_index(drop=True)
    positions = np.arange(len(rows), 0, -1) + 1.0  # top to bottom, the pool at 0
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=rows["estimate"],
            y=positions,
            mode="markers",
            name="cohort (95% CI)",
            marker={"symbol": "square", "size": 9, "color": NEUTRAL},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": rows["high"] - rows["estimate"],
                "arrayminus": rows["estimate"] - rows["low"],
                "color": NEUTRAL,
            },
            customdata=np.stack([rows["low"], rows["high"]], axis=1),
            text=rows["label"],
            hovertemplate="%{text}: %{x:.2f} (95% CI %{customdata[0]:.2f} to %{customdata[1]:.2f})<extra></extra>",
        )
    )
    labels = list(rows["label"])
    ticks = list(positions)
    if pooled is not None:
        estimate, low, high = pooled
        figure.add_trace(
            go.Scatter(
                x=[low, estimate, high, estimate, low],
                y=[0, 0.35, 0, -0.35, 0],
                fill="toself",
                mode="lines",
                name=pooled_label,
                line={"color": TOTAL},
                fillcolor=TOTAL,
                hovertemplate=f"{pooled_label}: {estimate:.2f} (95% CI {low:.2f} to {high:.2f})<extra></extra>",
            )
        )
        labels.append(f"<b>{pooled_label}</b><br>{estimate:.2f} ({low:.2f} to {high:.2f})")
        ticks.append(0.0)
    figure.add_vline(x=null_value, line={"dash": "dash", "color": MUTED})
    figure.update_yaxes(tickvals=ticks, ticktext=labels, range=[-1, len(rows) + 2], showgrid=False, zeroline=False)
    figure.update_xaxes(title=x_title, type="log" if log_x else "linear", zeroline=False)
    return finish(figure, title, height=140 + 28 * len(ticks), subtitle=subtitle, export_width=760)
