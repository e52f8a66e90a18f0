"""Our metrics agree with scikit-learn and statsmodels-style definitions."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from icilens.analysis import metrics


@pytest.fixture
def scores():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400).astype(float)
    p = np.clip(0.3 * y + rng.random(400) * 0.7, 0, 1).round(2)  # rounded: ties included
    return y, p


def test_auc_pr_auc_brier_match_sklearn(scores):
    y, p = scores
    assert metrics.roc_auc(y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert metrics.pr_auc(y, p) == pytest.approx(average_precision_score(y, p), abs=1e-12)
    assert metrics.brier_score(y, p) == pytest.approx(brier_score_loss(y, p), abs=1e-12)


def test_calibration_of_perfectly_calibrated_probabilities():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, 20000)
    y = (rng.random(20000) < p).astype(float)
    slope, intercept = metrics.calibration_slope_intercept(y, p)
    assert slope == pytest.approx(1, abs=0.05) and intercept == pytest.approx(0, abs=0.05)
    assert metrics.expected_calibration_error(y, p) < 0.02


def test_overconfident_probabilities_have_a_slope_below_one():
    rng = np.random.default_rng(1)
    p = rng.uniform(0.05, 0.95, 20000)
    y = (rng.random(20000) < p).astype(float)
    logit = np.log(p / (1 - p)) * 2
    slope, _ = metrics.calibration_slope_intercept(y, 1 / (1 + np.exp(-logit)))
    assert slope == pytest.approx(0.5, abs=0.05)


def test_bootstrap_ci_brackets_the_estimate(scores):
    y, p = scores
    estimate, low, high = metrics.bootstrap_ci(metrics.roc_auc, y, p, n_boot=200)
    assert low < estimate < high


def test_mismatched_inputs_are_refused():
    with pytest.raises(ValueError, match="same length"):
        metrics.roc_auc([0, 1], [0.5])


def test_curves_match_sklearn(scores):
    from sklearn.metrics import precision_recall_curve, roc_curve

    y, p = scores
    fpr, tpr, _ = metrics.roc_points(y, p)
    ref_fpr, ref_tpr, _ = roc_curve(y, p, drop_intermediate=False)
    np.testing.assert_allclose(fpr, ref_fpr)
    np.testing.assert_allclose(tpr, ref_tpr)
    recall, precision = metrics.pr_points(y, p)
    ref_precision, ref_recall, _ = precision_recall_curve(y, p)
    np.testing.assert_allclose(recall, ref_recall[:-1][::-1])
    np.testing.assert_allclose(precision, ref_precision[:-1][::-1])


def test_confusion_and_net_benefit():
    y = np.array([1, 1, 0, 0, 1, 0])
    p = np.array([0.9, 0.4, 0.6, 0.1, 0.7, 0.2])
    result = metrics.confusion_at(y, p, 0.5)
    assert (result["tp"], result["fp"], result["fn"], result["tn"]) == (2, 1, 1, 2)
    assert result["sensitivity"] == pytest.approx(2 / 3) and result["ppv"] == pytest.approx(2 / 3)
    # net benefit at t=0.5: tp/n - fp/n * 1 = 2/6 - 1/6
    assert metrics.net_benefit(y, p, [0.5])[0] == pytest.approx(1 / 6)
    assert metrics.net_benefit_treat_all(y, [0.5])[0] == pytest.approx(0.5 - 0.5)


def test_cumulative_gains_count_responders_by_falling_score_and_take_ties_together():
    from icilens.analysis.metrics import cumulative_gains, responders_in_top

    y = np.array([1, 0, 1, 0, 0, 0, 1, 0, 0, 0.0])
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])
    patients, responders = cumulative_gains(y, p)
    assert responders[np.searchsorted(patients, 0.3)] == pytest.approx(2 / 3)
    assert responders_in_top(y, p, 0.2) == pytest.approx(1 / 3) and responders[-1] == 1
    tied, found = cumulative_gains(np.array([1, 0, 0, 1.0]), np.array([0.5, 0.5, 0.5, 0.5]))
    assert list(tied) == [0, 1] and list(found) == [0, 1]


def test_the_model_finds_more_responders_in_its_top_fifth_than_chance(default_model, demo_frame):
    from icilens.analysis.metrics import responders_in_top

    y = demo_frame["response"].to_numpy(dtype="float64")
    assert responders_in_top(y, default_model.predict(demo_frame).probability, 0.2) > 0.35


def test_the_auc_standard_error_is_hanley_and_mcneils():
    # AUC 0.5 with 10 of each: Q1 = Q2 = 1/3, variance (0.25 + 9 x (1/3 - 0.25) x 2) / 100 = 0.0175.
    assert metrics.auc_standard_error(0.5, 10, 10) == pytest.approx(np.sqrt(0.0175))
    # AUC 0.9 with 50 of each: Q1 = 0.9/1.1, Q2 = 1.62/1.9; (0.09 + 49 x 0.0081818 + 49 x 0.0426316) / 2500.
    assert metrics.auc_standard_error(0.9, 50, 50) == pytest.approx(np.sqrt(2.579856 / 2500), rel=1e-5)
    assert metrics.auc_standard_error(1.0, 5, 5) == 0.01  # floored, so that a perfect small cohort is not all weight


def test_average_ranks_are_pandas_average_ranks_ties_included():
    import pandas as pd

    rng = np.random.default_rng(0)
    for _ in range(50):
        values = rng.integers(0, 20, rng.integers(1, 300)) / 3  # many ties
        assert np.array_equal(metrics.average_ranks(values), pd.Series(values).rank(method="average").to_numpy())
    y, p = rng.integers(0, 2, 200), rng.random(200)
    slope, intercept = metrics.calibration_slope_intercept(y, p)
    assert (metrics.calibration_slope(y, p), metrics.calibration_intercept(y, p)) == (slope, intercept)


@pytest.mark.parametrize("metric", list(metrics._OVER_DRAWS), ids=lambda m: m.__name__)
@pytest.mark.parametrize("n", [6, 400])
def test_a_metric_computed_over_many_draws_at_once_equals_it_draw_by_draw(metric, n, scores, monkeypatch):
    """Tied scores, small draws with one outcome only (NaN) and separation included; blocks of draws too."""
    y, p = (a[:n] for a in scores)
    at_once = metrics.bootstrap_ci(metric, y, p, n_boot=150)
    paired_at_once = metrics.paired_difference_ci(metric, y, p, p[::-1], n_boot=150)
    monkeypatch.setattr(metrics, "DRAW_CELLS", 7 * n)  # blocks of seven draws: the stream must run on across them
    in_blocks = metrics.bootstrap_ci(metric, y, p, n_boot=150)
    monkeypatch.setattr(metrics, "_OVER_DRAWS", {})
    one_by_one = metrics.bootstrap_ci(metric, y, p, n_boot=150)
    np.testing.assert_allclose(at_once, one_by_one, rtol=0, atol=1e-12)
    np.testing.assert_allclose(in_blocks, one_by_one, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        paired_at_once, metrics.paired_difference_ci(metric, y, p, p[::-1], n_boot=150), rtol=0, atol=1e-12
    )
