"""Predicted probabilities of responders beside those of non-responders: how far the model separates them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from icilens.plots.distribution import plot_distribution
from icilens.vocabulary import Group


def plot_prediction_spread(y, probability, title: str = "Predicted probability by observed response") -> go.Figure:
    """Return violins (every patient a point) of predicted probability (%) for responders and non-responders."""
    y = np.asarray(y, dtype="float64")
    probability = np.asarray(probability, dtype="float64")
    if y.shape != probability.shape:
        raise ValueError("plot_prediction_spread needs one observed outcome per predicted probability")
    groups = pd.Series(np.where(y == 1, Group.RESPONDER, Group.NON_RESPONDER), dtype=object).where(~np.isnan(y), None)
    figure = plot_distribution(pd.Series(probability * 100), groups, "predicted probability of response (%)")
    figure.update_layout(title={"text": title})
    return figure
