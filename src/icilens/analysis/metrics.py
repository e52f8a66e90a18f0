"""How well scores predict observed response: discrimination, calibration and their CIs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# Fewer responders or non-responders than this give no discrimination figure: its interval would span chance.
MIN_PER_OUTCOME = 10

Metric = Callable[[np.ndarray, np.ndarray], float]
Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal


def _checked(y, p) -> tuple[np.ndarray, np.ndarray]:
    y, p = np.asarray(y, dtype="float64"), np.asarray(p, dtype="float64")
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError(f"outcomes and scores must be 1-D and the same length, got {y.shape} and {p.shape}")
    keep = ~(np.isnan(y) | np.isnan(p))
    return y[keep], p[keep]


def roc_auc(y, p) -> float:
    """Return the ROC AUC (the Mann-Whitney probability that a responder outscores a non-responder)."""
    y, p = _checked(y, p)
    positives = y == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((average_ranks(p)[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _roc_aucs(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Return roc_auc of each row of y and p (draws, n): the same ranks and formula, all rows at once."""
    draws, n = p.shape
    order = np.argsort(p, axis=1, kind="stable")
    p_sorted, y_sorted = np.take_along_axis(p, order, 1), np.take_along_axis(y, order, 1)
    starts_tie = np.ones((draws, n), dtype=bool)
    starts_tie[:, 1:] = p_sorted[:, 1:] != p_sorted[:, :-1]
    first = np.flatnonzero(starts_tie)  # rows start a tie group, so no group spans two draws
    last = np.r_[first[1:], draws * n] - 1
    group_rank = (first % n + last % n) / 2 + 1
    ranks = group_rank[np.cumsum(starts_tie.ravel()) - 1].reshape(draws, n)
    n_pos = (y_sorted == 1).sum(axis=1)
    n_neg = n - n_pos
    rank_sum = np.where(y_sorted == 1, ranks, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return np.where((n_pos == 0) | (n_neg == 0), np.nan, auc)


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Return each value's rank from 1, ties sharing their average rank (as pandas' rank does, at a tenth of the
    cost on a few hundred values, which a bootstrap of a thousand draws feels)."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)
    return (last - (counts - 1) / 2)[inverse]


def auc_standard_error(auc: float, responders: int, non_responders: int) -> float:
    """Return the standard error of a ROC AUC by Hanley and McNeil's formula (Radiology 1982), floored at 0.01 so
    that a perfect AUC in a small cohort still carries weight rather than all of it."""
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    variance = (auc * (1 - auc) + (responders - 1) * (q1 - auc**2) + (non_responders - 1) * (q2 - auc**2)) / (
        responders * non_responders
    )
    return max(float(np.sqrt(max(variance, 0.0))), 0.01)


def pr_auc(y, p) -> float:
    """Return the area under the precision-recall curve as average precision."""
    y, p = _checked(y, p)
    if y.sum() == 0:
        return float("nan")
    order = np.argsort(-p, kind="mergesort")
    y_sorted, p_sorted = y[order], p[order]
    # Tied scores form one threshold, as in scikit-learn.
    last_of_tie = np.r_[np.diff(p_sorted) != 0, True]
    true_pos = np.cumsum(y_sorted)[last_of_tie]
    predicted = np.arange(1, len(y) + 1)[last_of_tie]
    precision = true_pos / predicted
    recall = true_pos / y.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def brier_score(y, p) -> float:
    """Return the mean squared difference between probability and outcome."""
    y, p = _checked(y, p)
    return float(np.mean((p - y) ** 2))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit_logistic(x: np.ndarray, y: np.ndarray, offset: np.ndarray | None = None, iterations: int = 50) -> np.ndarray:
    """Return unpenalised logistic-regression coefficients for design matrix x (Newton-Raphson)."""
    beta = np.zeros(x.shape[1])
    offset = np.zeros(len(y)) if offset is None else offset
    for _ in range(iterations):
        eta = x @ beta + offset
        mu = 1 / (1 + np.exp(-eta))
        weight = np.maximum(mu * (1 - mu), 1e-12)
        gradient = x.T @ (y - mu)
        hessian = (x * weight[:, None]).T @ x
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(beta)), gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def _fit_logistic_draws(x: np.ndarray, y: np.ndarray, offset: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Return fit_logistic's coefficients for each draw at once: x (draws, n, k), y and offset (draws, n).

    Each draw takes the same Newton steps fit_logistic would and stops where it would.
    """
    beta = np.zeros(x.shape[::2])
    moving = np.ones(len(x), dtype=bool)
    ridge = 1e-9 * np.eye(x.shape[2])
    for _ in range(iterations):
        mu = 1 / (1 + np.exp(-(np.matmul(x, beta[..., None])[..., 0] + offset)))
        weight = np.maximum(mu * (1 - mu), 1e-12)
        xt = x.transpose(0, 2, 1)
        gradient = np.matmul(xt, (y - mu)[..., None])[..., 0]
        hessian = np.matmul(xt * weight[:, None, :], x) + ridge
        step = np.linalg.solve(hessian, gradient[..., None])[..., 0]
        beta[moving] += step[moving]
        moving &= np.max(np.abs(step), axis=1) >= 1e-10
        if not moving.any():
            break
    return beta


def _calibration_slopes(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Return calibration_slope of each row of y and p (draws, n)."""
    lp = _logit(p)
    return _fit_logistic_draws(np.stack([np.ones_like(lp), lp], axis=2), y, np.zeros_like(y))[:, 1]


def _calibration_intercepts(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Return calibration_intercept of each row of y and p (draws, n)."""
    return _fit_logistic_draws(np.ones((*y.shape, 1)), y, _logit(p))[:, 0]


def calibration_slope_intercept(y, p) -> tuple[float, float]:
    """Return (slope, intercept): the logistic recalibration slope and calibration-in-the-large."""
    return calibration_slope(y, p), calibration_intercept(y, p)


def calibration_slope(y, p) -> float:
    """Return the logistic recalibration slope of the probabilities p (1 is ideal)."""
    y, p = _checked(y, p)
    lp = _logit(p)
    return float(fit_logistic(np.column_stack([np.ones_like(lp), lp]), y)[1])


def calibration_intercept(y, p) -> float:
    """Return the calibration-in-the-large: the logistic intercept with the probabilities' logits as offset."""
    y, p = _checked(y, p)
    return float(fit_logistic(np.ones((len(y), 1)), y, offset=_logit(p))[0])


def expected_calibration_error(y, p, bins: int = 10) -> float:
    """Return the expected calibration error over equal-width probability bins."""
    y, p = _checked(y, p)
    index = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        members = index == b
        if members.any():
            total += members.sum() * abs(p[members].mean() - y[members].mean())
    return float(total / len(y))


def _expected_calibration_errors(y: np.ndarray, p: np.ndarray, bins: int = 10) -> np.ndarray:
    """Return expected_calibration_error of each row of y and p (draws, n)."""
    draws, n = p.shape
    cell = np.minimum((p * bins).astype(int), bins - 1) + bins * np.arange(draws)[:, None]
    count = np.bincount(cell.ravel(), minlength=draws * bins)
    p_sum = np.bincount(cell.ravel(), weights=p.ravel(), minlength=draws * bins)
    y_sum = np.bincount(cell.ravel(), weights=y.ravel(), minlength=draws * bins)
    with np.errstate(invalid="ignore"):
        gap = count * np.abs(p_sum / count - y_sum / count)
    return np.nansum(gap.reshape(draws, bins), axis=1) / n


def bootstrap_ci(
    metric: Metric, y, p, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float, float]:
    """Return (estimate, low, high): the metric and its percentile bootstrap CI over patients."""
    y, p = _checked(y, p)
    estimate = metric(y, p)
    (values,) = _values_over_draws(metric, np.random.default_rng(seed), n_boot, y, p)
    draws = values[~np.isnan(values)]
    if not len(draws):
        return estimate, float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail])
    return float(estimate), float(low), float(high)


# Metrics computed for many bootstrap draws at once: each equals the metric draw by draw.
_OVER_DRAWS: dict[Metric, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    roc_auc: _roc_aucs,
    calibration_slope: _calibration_slopes,
    calibration_intercept: _calibration_intercepts,
    expected_calibration_error: _expected_calibration_errors,
}


DRAW_CELLS = 2_000_000  # patients x draws computed at once: working arrays of 16 to 32 MB each


def _values_over_draws(metric: Metric, rng: np.random.Generator, n_boot: int, y, *scores) -> list[np.ndarray]:
    """Return, per score, the metric on each of n_boot resamples of the patients (the same draws for every score,
    taken from rng in order), computed a block of draws at a time where the metric allows it."""
    n = len(y)
    if n == 0:  # no patient: no draw has a figure
        return [np.full(n_boot, np.nan) for _ in scores]
    over_draws = _OVER_DRAWS.get(metric)
    if over_draws is None:
        values = np.empty((len(scores), n_boot))
        for d in range(n_boot):
            idx = rng.integers(0, n, n)
            values[:, d] = [metric(y[idx], score[idx]) for score in scores]
        return list(values)
    block = max(1, DRAW_CELLS // max(n, 1))
    blocks: list[list[np.ndarray]] = [[] for _ in scores]
    for start in range(0, n_boot, block):
        idx = rng.integers(0, n, (min(block, n_boot - start), n))
        for kept, score in zip(blocks, scores, strict=True):
            kept.append(over_draws(y[idx], score[idx]))
    return [np.concatenate(kept) for kept in blocks]


def paired_difference_ci(
    metric: Metric, y, p_first, p_second, n_boot: int = 1000, seed: int = 0
) -> tuple[float, float, float]:
    """Return (difference, low, high): metric(first) - metric(second) with a paired bootstrap 95% CI."""
    y, p_first = np.asarray(y, dtype="float64"), np.asarray(p_first, dtype="float64")
    p_second = np.asarray(p_second, dtype="float64")
    keep = ~(np.isnan(y) | np.isnan(p_first) | np.isnan(p_second))
    y, p_first, p_second = y[keep], p_first[keep], p_second[keep]
    first, second = _values_over_draws(metric, np.random.default_rng(seed), n_boot, y, p_first, p_second)
    low, high = np.nanpercentile(first - second, [2.5, 97.5])
    return float(metric(y, p_first) - metric(y, p_second)), float(low), float(high)


def roc_points(y, p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (false positive rate, true positive rate, thresholds) from the strictest threshold down."""
    y, p = _checked(y, p)
    order = np.argsort(-p, kind="mergesort")
    y_sorted, p_sorted = y[order], p[order]
    last_of_tie = np.r_[np.diff(p_sorted) != 0, True]
    tp = np.cumsum(y_sorted)[last_of_tie]
    fp = np.cumsum(1 - y_sorted)[last_of_tie]
    return np.r_[0, fp / max(fp[-1], 1)], np.r_[0, tp / max(tp[-1], 1)], np.r_[np.inf, p_sorted[last_of_tie]]


def pr_points(y, p) -> tuple[np.ndarray, np.ndarray]:
    """Return (recall, precision) from the strictest threshold down."""
    y, p = _checked(y, p)
    order = np.argsort(-p, kind="mergesort")
    y_sorted, p_sorted = y[order], p[order]
    last_of_tie = np.r_[np.diff(p_sorted) != 0, True]
    tp = np.cumsum(y_sorted)[last_of_tie]
    predicted = np.arange(1, len(y) + 1)[last_of_tie]
    return tp / max(y.sum(), 1), tp / predicted


def confusion_at(y, p, threshold: float) -> dict[str, float]:
    """Return counts and sensitivity, specificity, PPV and NPV when p >= threshold means 'responder'."""
    y, p = _checked(y, p)
    predicted = p >= threshold
    tp, fp = int((predicted & (y == 1)).sum()), int((predicted & (y == 0)).sum())
    fn, tn = int((~predicted & (y == 1)).sum()), int((~predicted & (y == 0)).sum())

    def ratio(a: int, b: int) -> float:
        return a / b if b else float("nan")

    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "sensitivity": ratio(tp, tp + fn),
        "specificity": ratio(tn, tn + fp),
        "ppv": ratio(tp, tp + fp),
        "npv": ratio(tn, tn + fn),
    }


def net_benefit(y, p, thresholds) -> np.ndarray:
    """Return the decision-curve net benefit of treating patients with p >= t, for each threshold t."""
    y, p = _checked(y, p)
    n = len(y)
    out = []
    for t in np.asarray(thresholds, dtype="float64"):
        treated = p >= t
        tp, fp = (treated & (y == 1)).sum(), (treated & (y == 0)).sum()
        out.append(tp / n - fp / n * t / (1 - t))
    return np.asarray(out)


def net_benefit_treat_all(y, thresholds) -> np.ndarray:
    """Return the net benefit of treating everyone at each threshold."""
    prevalence = float(np.nanmean(np.asarray(y, dtype="float64")))
    t = np.asarray(thresholds, dtype="float64")
    return prevalence - (1 - prevalence) * t / (1 - t)


def smoothed_calibration(y, p, points: int = 50, bandwidth: float = 0.06) -> tuple[np.ndarray, np.ndarray]:
    """Return (grid, observed rate): a Gaussian-kernel smoothed calibration curve over the range of p."""
    y, p = _checked(y, p)
    grid = np.linspace(np.percentile(p, 2), np.percentile(p, 98), points)
    weights = np.exp(-0.5 * ((p[None, :] - grid[:, None]) / bandwidth) ** 2)
    return grid, weights @ y / weights.sum(axis=1)


def cumulative_gains(y, p) -> tuple[np.ndarray, np.ndarray]:
    """Return (share of patients, share of all responders among them) when patients are taken by falling p.

    Ties in p are taken together, so the curve does not depend on the order of equal predictions.
    """
    y, p = _checked(y, p)
    if not len(y) or y.sum() == 0:
        raise ValueError("cumulative_gains needs at least one responder with a score")
    order = np.argsort(-p, kind="stable")
    ys, ps = y[order], p[order]
    last_of_tie = np.r_[ps[1:] != ps[:-1], True]
    taken = np.flatnonzero(last_of_tie) + 1
    found = np.cumsum(ys)[taken - 1]
    return np.r_[0.0, taken / len(y)], np.r_[0.0, found / y.sum()]


def responders_in_top(y, p, share: float) -> float:
    """Return the share of responders found among the top `share` of patients by predicted probability."""
    patients, responders = cumulative_gains(y, p)
    return float(np.interp(share, patients, responders))
