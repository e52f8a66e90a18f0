"""The cohort report: one self-contained HTML file with the summary, findings, performance, comparison and the
global SHAP charts."""

from __future__ import annotations

import datetime as dt
import html

import numpy as np
import pandas as pd

from icilens import DISCLAIMER, __version__
from icilens.analysis.groups import compare_groups, group_by_observed_response
from icilens.analysis.summary import summarise_cohort
from icilens.plots import plot_beeswarm, plot_importance, plot_missingness
from icilens.plots.style import printable
from icilens.schema import FEATURES, FIELD_BY_NAME
from icilens.spreadsheet_cells import neutralise_formulas
from icilens.training.evaluation import summarise_scores
from icilens.vocabulary import Column, Score, shap_column


def _readable(table: pd.DataFrame) -> pd.DataFrame:
    """Return the table with every kind of missing value (None, NaN, <NA>) shown as an empty cell."""
    return table.astype(object).where(table.notna(), "")


def _three_digits(value: float) -> str:
    return f"{value:.3g}" if abs(value) >= 0.0005 or value == 0 else f"{value:.2g}"


def build_cohort_report(
    title: str, summary_rows: list[tuple[str, str]], tables: dict[str, pd.DataFrame], figures: dict
) -> bytes:
    """Return a self-contained HTML report: headline numbers, tables and interactive charts (plotly.js inlined once)."""

    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:Arial,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;font-size:12px}"
        "td,th{border:1px solid #ccc;padding:3px 6px}.note{background:#fff4d6;padding:8px}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='note'>{html.escape(DISCLAIMER)} Made by ICI Lens {__version__} on {dt.date.today().isoformat()}.</p>",
        "<table>"
        + "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in summary_rows)
        + "</table>",
    ]
    for name, table in tables.items():
        parts += [
            f"<h2>{html.escape(name)}</h2>",
            _readable(neutralise_formulas(table)).to_html(index=False, escape=True, float_format=_three_digits),
        ]
    first = True
    for name, figure in figures.items():
        parts += [f"<h2>{html.escape(name)}</h2>", printable(figure).to_html(include_plotlyjs=first, full_html=False)]
        first = False
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


def cohort_report(
    result, predictions: pd.DataFrame, label: str, model_name: str = "ICI Lens response model (bundled)"
) -> bytes:
    """Return the cohort report (HTML): summary, intake findings, performance and comparison when outcomes exist, SHAP."""

    frame = result.frame
    summary = summarise_cohort(frame)
    rows = [
        ("Cohort", label),
        ("Model", model_name),
        ("Patients", str(summary.patients)),
        ("Model features present", f"{summary.features_present} of {len(FEATURES)}"),
        (
            "Responders",
            "not recorded"
            if summary.response_rate is None
            else f"{summary.responders} of {summary.with_response} ({summary.response_rate:.0%})",
        ),
    ]
    shap = predictions[[shap_column(f) for f in FEATURES]].to_numpy()
    labels = [FIELD_BY_NAME[f].label for f in FEATURES]
    tables = {"Intake findings": result.findings}
    if result.has_response:
        known = frame["response"].notna().to_numpy()
        y = frame["response"].to_numpy(dtype="float64", na_value=np.nan)[known]
        scores = {
            Score.MODEL: predictions[Column.PROBABILITY].to_numpy()[known],
            Score.LORIS: predictions[Column.LORIS_PROBABILITY].to_numpy(dtype="float64")[known],
            Score.TMB: frame["tmb"].to_numpy(dtype="float64", na_value=np.nan)[known],
        }
        tables["Performance on this cohort"] = summarise_scores(y, scores)[0]
        tables["Responders against non-responders"] = compare_groups(frame, group_by_observed_response(frame)).drop(
            columns="field"
        )
    figures = {
        "Missing data": plot_missingness(frame),
        "Feature importance": plot_importance(shap, labels),
        "SHAP values per patient": plot_beeswarm(shap, frame, list(FEATURES), labels),
    }
    return build_cohort_report(f"ICI Lens cohort report: {label}", rows, tables, figures)
