"""SHAP waterfall for one patient: from the base value to the prediction, feature by feature."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from icilens.plots.style import LOWERS, RAISES, TOTAL, finish

PROBABILITY = "probability"
LOG_ODDS = "log-odds"
NOTE = {
    PROBABILITY: "Percentage points: exact SHAP values scaled by the calibration curve;<br>they add up exactly to the prediction.",
    LOG_ODDS: "Raw score before calibration (log-odds): base + bars = raw output;<br>calibration turns it into the probability shown.",
}


def plot_waterfall(
    labels: list[str],
    contributions,
    base: float,
    final: float,
    scale: str = PROBABILITY,
    max_display: int = 10,
    title: str = "Why this prediction",
    calibrated: float | None = None,
    note: str | None = None,
) -> go.Figure:
    """Return a horizontal waterfall from base to final; the largest max_display features get their own bar.

    In probability scale, base, final and contributions are on the 0-1 scale and shown in percent. In log-odds,
    calibrated (0-1) is the probability that calibration makes of the final raw output, named in the title.
    note replaces the subtitle that says how the bars were made.
    """
    contributions = np.asarray(contributions, dtype="float64")
    if len(labels) != len(contributions):
        raise ValueError("plot_waterfall needs one label per contribution")
    if scale not in NOTE:
        raise ValueError(f"scale must be {PROBABILITY!r} or {LOG_ODDS!r}")
    factor, unit = (100.0, " pts") if scale == PROBABILITY else (1.0, "")
    order = np.argsort(-np.abs(contributions))
    shown, rest = order[:max_display], order[max_display:]
    names = [labels[i] for i in shown]
    values = list(contributions[shown] * factor)
    if len(rest):
        names.append(f"{len(rest)} other features")
        values.append(float(contributions[rest].sum() * factor))
    # Plotly draws the first bar at the bottom: base first, largest drivers nearest the prediction.
    names, values = names[::-1], values[::-1]
    # Probabilities as whole percents, as everywhere a clinician reads them; the bars keep one decimal.
    base_text = f"{base:.0%}" if scale == PROBABILITY else f"{base:.2f}"
    final_text = f"{final:.0%}" if scale == PROBABILITY else f"{final:.2f}"
    figure = go.Figure(
        go.Waterfall(
            orientation="h",
            measure=["absolute", *["relative"] * len(values), "total"],
            y=["Base value (average patient)", *names, "Prediction"],
            x=[base * factor, *values, final * factor],
            text=[base_text, *[f"{v:+.1f}{unit}" if scale == PROBABILITY else f"{v:+.2f}" for v in values], final_text],
            textposition="outside",
            increasing={"marker": {"color": RAISES}},
            decreasing={"marker": {"color": LOWERS}},
            totals={"marker": {"color": TOTAL}},
            cliponaxis=False,
            connector={"line": {"color": "#bbb", "width": 1}},
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    axis = "predicted probability of response (%)" if scale == PROBABILITY else "model output (log-odds)"
    path = np.cumsum([base * factor, *values])
    low, high = min(path.min(), final * factor), max(path.max(), final * factor)
    pad = max(high - low, 1e-9) * 0.25
    # A probability axis starts at 0, where a reader assumes it does; room is left for the labels.
    start = 0.0 if scale == PROBABILITY else low - pad
    end = min(high + pad + 12, 112) if scale == PROBABILITY else high + pad
    return finish(
        figure,
        f"{title}: {base_text} → {final_text}"
        + (f" (raw score; {calibrated:.0%} after calibration)" if scale == LOG_ODDS and calibrated is not None else ""),
        height=max(440, 34 * (len(values) + 2) + 180),
        subtitle=note or NOTE[scale],
        layout={
            "xaxis": {"title": {"text": axis}, "range": [start, end]},
            "yaxis": {"automargin": True},
            "margin": {"t": 115},
        },
    )
