"""Performance charts on one set of axes for several scores: ROC, precision-recall, decision curve."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from icilens.analysis.metrics import net_benefit, net_benefit_treat_all, pr_points, roc_points
from icilens.plots.style import MUTED, PALETTE, finish


def score_curves(scores: dict) -> list[tuple[str, np.ndarray, str]]:
    """Return (name, scores as floats, colour) per score: one colour per score on every performance chart."""
    if not scores:
        raise ValueError("pass at least one score: {name: probabilities}")
    return [
        (name, np.asarray(p, dtype="float64"), PALETTE[i % len(PALETTE)]) for i, (name, p) in enumerate(scores.items())
    ]


def plot_roc(y, scores: dict, aucs: dict | None = None) -> go.Figure:
    """Return ROC curves of every score; legend entries carry 'AUC 0.740' when aucs are given.

    The confidence intervals belong in the table beside the chart: in a legend they do not fit a laptop.
    """
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"dash": "dash", "color": MUTED}, name="chance"))
    for name, p, colour in score_curves(scores):
        keep = ~np.isnan(p)
        fpr, tpr, _ = roc_points(np.asarray(y, dtype="float64")[keep], p[keep])
        legend = name
        if aucs and aucs.get(name):
            legend = f"{name}: AUC {aucs[name][0]:.3f}"
        figure.add_trace(go.Scatter(x=fpr, y=tpr, mode="lines", name=legend, line={"color": colour, "shape": "hv"}))
    figure.update_xaxes(title="1 - specificity (false positive rate)", range=[0, 1])
    figure.update_yaxes(title="sensitivity (true positive rate)", range=[0, 1.02])
    return finish(figure, "ROC curve", height=460, export_width=620)


def plot_precision_recall(y, scores: dict) -> go.Figure:
    """Return precision-recall curves of every score beside the prevalence line."""
    y = np.asarray(y, dtype="float64")
    figure = go.Figure()
    prevalence = float(np.nanmean(y))
    figure.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[prevalence, prevalence],
            mode="lines",
            line={"dash": "dash", "color": MUTED},
            name=f"response rate {prevalence:.0%}",
        )
    )
    for name, p, colour in score_curves(scores):
        keep = ~np.isnan(p)
        recall, precision = pr_points(y[keep], p[keep])
        figure.add_trace(go.Scatter(x=recall, y=precision, mode="lines", name=name, line={"color": colour}))
    figure.update_xaxes(title="recall (sensitivity)", range=[0, 1])
    figure.update_yaxes(title="precision (PPV)", range=[0, 1.02])
    return finish(figure, "Precision-recall curve", height=460, export_width=620)


def plot_decision_curve(y, scores: dict, thresholds=None) -> go.Figure:
    """Return net benefit against threshold probability for every score, treat-all and treat-none."""
    y = np.asarray(y, dtype="float64")
    thresholds = np.linspace(0.05, 0.6, 56) if thresholds is None else np.asarray(thresholds)
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=thresholds * 100,
            y=net_benefit_treat_all(y, thresholds),
            mode="lines",
            name="treat all",
            line={"color": MUTED},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=thresholds * 100,
            y=np.zeros_like(thresholds),
            mode="lines",
            name="treat none",
            line={"color": "#333", "dash": "dot"},
        )
    )
    for name, p, colour in score_curves(scores):
        keep = ~np.isnan(p)
        figure.add_trace(
            go.Scatter(
                x=thresholds * 100,
                y=net_benefit(y[keep], p[keep], thresholds),
                mode="lines",
                name=name,
                line={"color": colour},
            )
        )
    prevalence = float(np.nanmean(y))
    figure.update_xaxes(title="threshold probability of response (%)")
    figure.update_yaxes(title="net benefit", range=[-0.05, max(prevalence * 1.15, 0.05)])
    return finish(figure, "Decision curve", height=460)


def plot_confusion(result: dict, threshold: float) -> go.Figure:
    """Return the 2x2 confusion matrix at a threshold as an annotated heatmap."""
    z = [[result["tp"], result["fn"]], [result["fp"], result["tn"]]]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=["predicted responder", "predicted non-responder"],
            y=["observed responder", "observed non-responder"],
            colorscale="Blues",
            showscale=False,
            text=[[str(v) for v in row] for row in z],
            texttemplate="%{text}",
            textfont={"size": 18},
        )
    )
    figure.update_yaxes(autorange="reversed")
    return finish(figure, f"Confusion matrix at {threshold:.0%}", height=360, export_width=480)
