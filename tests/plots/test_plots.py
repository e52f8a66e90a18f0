"""Plot builders return figures with the expected traces, labels and numbers."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from icilens import plots
from icilens.explain.patient import explain_patient
from icilens.model import encode_features
from icilens.model.treeshap import interaction_values
from icilens.plots.style import NON_RESPONDER, RESPONDER
from icilens.schema import FEATURES, FIELD_BY_NAME

LABELS = [FIELD_BY_NAME[f].label for f in FEATURES]


def test_waterfall_bars_add_up_and_carry_values_with_units(default_model, demo_frame):
    explanation = explain_patient(default_model, demo_frame.iloc[[4]])
    figure = plots.plot_waterfall(
        explanation.labels, explanation.points, explanation.base_probability, explanation.probability
    )
    trace = figure.data[0]
    assert isinstance(trace, go.Waterfall)
    assert trace.y[0].startswith("Base value") and trace.y[-1] == "Prediction"
    assert "Tumour mutational burden = 32.5 mut/Mb" in trace.y
    assert "other features" in " ".join(trace.y)
    assert sum(trace.x[:-1]) == pytest.approx(trace.x[-1], abs=1e-9)
    assert "add up exactly" in figure.layout.title.subtitle.text


def test_waterfall_in_log_odds(default_model, demo_frame):
    e = explain_patient(default_model, demo_frame.iloc[[0]])
    raw = e.base_raw + e.shap.sum()
    figure = plots.plot_waterfall(e.labels, e.shap, e.base_raw, raw, scale="log-odds", calibrated=e.probability)
    assert figure.layout.xaxis.title.text == "model output (log-odds)"
    assert f"{raw:.2f} (raw score; {e.probability:.0%} after calibration)" in figure.layout.title.text
    assert "before calibration" in figure.layout.title.subtitle.text
    with pytest.raises(ValueError, match="scale"):
        plots.plot_waterfall(e.labels, e.shap, 0, 0, scale="odds")


def test_icon_array_colours_the_right_number():
    import numpy as np

    figure = plots.plot_icon_array(0.31)
    cells = np.asarray(figure.data[0].z)
    assert cells.shape == (10, 10) and cells.sum() == 31
    assert cells[-1].sum() == 10 and cells[-4, 0] == 1 and cells[-4, 1] == 0  # filled from the top row down
    assert figure.data[0].colorscale[-1][1] == RESPONDER
    assert "31 of 100" in figure.layout.title.text


def test_cohort_charts(default_model, demo_frame):
    _, shap = default_model.explain(demo_frame)
    importance = plots.plot_importance(shap, LABELS)
    assert importance.data[0].y[-1] == "Tumour mutational burden"  # most important on top
    beeswarm = plots.plot_beeswarm(shap, demo_frame, list(FEATURES), LABELS, max_display=5)
    assert len(beeswarm.layout.yaxis.ticktext) == 5
    dependence = plots.plot_dependence(
        demo_frame["albumin"], shap[:, FEATURES.index("albumin")], "Serum albumin", demo_frame["nlr"], "NLR"
    )
    assert dependence.layout.xaxis.title.text == "Serum albumin" and len(dependence.data[0].x) == 515
    categorical = plots.plot_dependence(
        demo_frame["cancer_type"], shap[:, FEATURES.index("cancer_type")], "Cancer type"
    )
    assert "NSCLC" in categorical.layout.xaxis.ticktext


def test_interaction_heatmap(default_model, demo_frame):
    values = interaction_values(default_model.boosters[:2], encode_features(demo_frame.head(30)))
    figure = plots.plot_interactions(values, LABELS, max_display=6)
    assert np.asarray(figure.data[0].z).shape == (6, 6)


def test_cohort_page_charts(demo_frame):
    missingness = plots.plot_missingness(demo_frame).data[0]
    assert missingness.y[-1] == "PD-L1" and missingness.customdata[-1] == "PD-L1 tumour proportion score"
    assert plots.plot_category_counts(demo_frame["cancer_type"], "Cancer types").data[0].y[-1] == "NSCLC"
    y = demo_frame["response"].astype(float).to_numpy()
    calibration = plots.plot_calibration(y, np.linspace(0.05, 0.6, len(y)))
    assert [t.name for t in calibration.data] == [
        "perfect calibration",
        "observed (deciles of prediction)",
        "smoothed (Gaussian kernel)",
    ]


def test_compare_and_performance_charts(default_model, demo_frame):
    from icilens.analysis.groups import group_by_observed_response
    from icilens.analysis.metrics import confusion_at

    groups = group_by_observed_response(demo_frame)
    for kind in ("violin", "box", "histogram", "ecdf"):
        figure = plots.plot_distribution(demo_frame["tmb"], groups, "TMB (mut/Mb)", kind)
        assert [t.name.split(" (")[0] for t in figure.data] == ["responder", "non-responder"]  # the table's order
    proportions = plots.plot_proportions(demo_frame["sex"], groups, "Sex")
    assert [t.name for t in proportions.data] == ["responder (n=127)", "non-responder (n=388)"]
    y = demo_frame["response"].astype(float).to_numpy()
    scores = {"model": default_model.predict(demo_frame).probability, "TMB": demo_frame["tmb"].to_numpy()}
    roc = plots.plot_roc(y, scores, {"model": (0.74, 0.69, 0.79), "TMB": None})
    assert roc.data[1].name.startswith("model: AUC 0.740")
    assert len(plots.plot_precision_recall(y, scores).data) == 3
    assert [t.name for t in plots.plot_decision_curve(y, {"model": scores["model"]}).data] == [
        "treat all",
        "treat none",
        "model",
    ]
    assert np.asarray(plots.plot_confusion(confusion_at(y, scores["model"], 0.3), 0.3).data[0].z).sum() == 515
    km = plots.plot_kaplan_meier(demo_frame["os_months"], demo_frame["os_event"].astype(float), groups, "OS")
    events = demo_frame.groupby(groups.to_numpy())["os_event"].sum()
    assert sorted(t.name for t in km.data if t.name) == [
        f"non-responder (n=388, {events['non-responder']} events)",
        f"responder (n=127, {events['responder']} events)",
    ]


def test_kaplan_meier_counts_only_patients_with_a_known_time():
    months = pd.Series([1.0, 2.0, None, None, 5.0])
    events = pd.Series([1.0, 0.0, 1.0, None, 1.0])
    km = plots.plot_kaplan_meier(months, events, pd.Series(["a"] * 5), "OS")
    assert km.data[0].name == "a (n=3, 2 events)"
    assert km.data[1].text[0] == "3"  # the at-risk table starts where the legend does


def test_prediction_spread_has_one_group_per_outcome(default_model, demo_frame):
    probability = default_model.predict(demo_frame).probability
    y = demo_frame["response"].astype(float).to_numpy()
    figure = plots.plot_prediction_spread(y, probability)
    colours = {trace.name: trace.line.color for trace in figure.data}
    assert colours == {"responder (n=127)": RESPONDER, "non-responder (n=388)": NON_RESPONDER}
    with pytest.raises(ValueError, match="one observed outcome"):
        plots.plot_prediction_spread(y[:3], probability)


def test_histograms_share_their_bins_across_groups():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 50.0, 60.0, 70.0, 80.0])
    groups = pd.Series(["responder"] * 4 + ["non-responder"] * 4)
    figure = plots.plot_distribution(values, groups, "TMB", kind="histogram")
    bins = {(trace.xbins.start, trace.xbins.end, trace.xbins.size) for trace in figure.data}
    assert len(bins) == 1 and next(iter(bins))[0] == 1.0


def test_beeswarm_and_dependence_points_carry_their_patient(default_model, demo_frame):
    _, shap = default_model.explain(demo_frame)
    labels = [FIELD_BY_NAME[f].label for f in FEATURES]
    beeswarm = plots.plot_beeswarm(shap, demo_frame, list(FEATURES), labels)
    ids = set(demo_frame["patient_id"].astype(str))
    assert all(set(trace.customdata) <= ids for trace in beeswarm.data)
    shown = len(beeswarm.layout.yaxis.tickvals)  # features drawn, each with every patient once
    assert sum(len(trace.customdata) for trace in beeswarm.data) == len(demo_frame) * shown
    j = FEATURES.index("tmb")
    dependence = plots.plot_dependence(demo_frame["tmb"], shap[:, j], "TMB", ids=demo_frame["patient_id"])
    assert list(dependence.data[0].customdata) == list(demo_frame["patient_id"].astype(str))


def test_the_slim_template_keeps_plotly_white_defaults_for_every_trace_type_drawn():
    import re

    import plotly.io as pio

    from icilens.plots.style import TEMPLATE
    from tests.conftest import ROOT

    sources = "".join(path.read_text() for path in (ROOT / "src" / "icilens" / "plots").glob("*.py"))
    drawn = {name.lower() for name in re.findall(r"go\.([A-Z][a-z]+)\(", sources)} - {"figure"}
    styled = set(pio.templates["plotly_white"].data.to_plotly_json())
    assert drawn & styled <= set(TEMPLATE.data.to_plotly_json())
    assert TEMPLATE.layout == pio.templates["plotly_white"].layout
