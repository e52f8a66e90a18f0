"""Survival analysis: Kaplan-Meier curves, numbers at risk, the log-rank test and a Cox hazard ratio."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from icilens.analysis.metrics import Z95

MIN_EVENTS = 5
# The survival endpoints a cohort can carry, as a reader names them: (months column, event column).
SURVIVAL_ENDPOINTS = {
    "Overall survival": ("os_months", "os_event"),
    "Progression-free survival": ("pfs_months", "pfs_event"),
}


def _clean(months, events) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(months, dtype="float64")
    e = np.asarray(events, dtype="float64")
    if t.shape != e.shape:
        raise ValueError("times and events must have the same length")
    keep = ~(np.isnan(t) | np.isnan(e))
    return t[keep], e[keep]


def kaplan_meier(months, events) -> pd.DataFrame:
    """Return the Kaplan-Meier curve: time, survival, at_risk and events at each distinct time (from 0)."""
    t, e = _clean(months, events)
    times = np.unique(t)
    at_risk = np.array([(t >= u).sum() for u in times])
    died = np.array([e[t == u].sum() for u in times])
    survival = np.cumprod(1 - died / at_risk) if len(times) else np.array([])
    curve = pd.DataFrame({"time": times, "survival": survival, "at_risk": at_risk, "events": died})
    return pd.concat(
        [pd.DataFrame({"time": [0.0], "survival": [1.0], "at_risk": [len(t)], "events": [0.0]}), curve],
        ignore_index=True,
    )


def kaplan_meier_median(months, events) -> float | None:
    """Return the Kaplan-Meier median time, or None when survival never falls to 50%."""
    curve = kaplan_meier(months, events)
    reached = curve[curve["survival"] <= 0.5]
    return float(reached["time"].iloc[0]) if len(reached) else None


def survival_at(months, events, time: float) -> tuple[float, float, float]:
    """Return (survival, low, high): the Kaplan-Meier survival at time with its 95% CI, Greenwood's variance on the
    log(-log) scale (the interval lifelines and R's survival give by default)."""
    curve = kaplan_meier(months, events)
    curve = curve[(curve["time"] <= time) & (curve["time"] > 0)]
    survival = float(curve["survival"].iloc[-1]) if len(curve) else 1.0
    died, at_risk = curve["events"].to_numpy(), curve["at_risk"].to_numpy()
    counted = died > 0
    greenwood = float((died[counted] / (at_risk[counted] * (at_risk[counted] - died[counted]))).sum())
    if survival in (0.0, 1.0) or not np.isfinite(greenwood):
        return survival, float("nan"), float("nan")
    spread = Z95 * np.sqrt(greenwood) / np.log(survival)
    return survival, float(survival ** np.exp(-spread)), float(survival ** np.exp(spread))


def numbers_at_risk(months, times) -> list[int]:
    """Return how many patients are still followed at each of the given times."""
    t = np.asarray(months, dtype="float64")
    t = t[~np.isnan(t)]
    return [int((t >= u).sum()) for u in times]


def logrank_test(months, events, groups) -> tuple[float, float]:
    """Return (chi-square, p) of the log-rank test across two or more groups."""
    from scipy import stats  # SciPy costs a second at start; only the statistics need it

    t = np.asarray(months, dtype="float64")
    e = np.asarray(events, dtype="float64")
    g = pd.Series(groups).to_numpy()
    keep = ~(np.isnan(t) | np.isnan(e) | pd.isna(g))
    t, e, g = t[keep], e[keep], g[keep]
    labels = pd.unique(g)
    if len(labels) < 2:
        raise ValueError("the log-rank test needs at least two groups")
    observed_minus_expected = np.zeros(len(labels))
    covariance = np.zeros((len(labels), len(labels)))
    for u in np.unique(t[e == 1]):
        at_risk = np.array([((t >= u) & (g == label)).sum() for label in labels], dtype="float64")
        deaths = np.array([((t == u) & (e == 1) & (g == label)).sum() for label in labels], dtype="float64")
        n, d = at_risk.sum(), deaths.sum()
        if n < 2:
            continue
        expected = d * at_risk / n
        observed_minus_expected += deaths - expected
        factor = d * (n - d) / (n * n * (n - 1))
        covariance += factor * (np.diag(at_risk * n) - np.outer(at_risk, at_risk))
    reduced = slice(0, len(labels) - 1)
    chi2 = float(
        observed_minus_expected[reduced]
        @ np.linalg.solve(covariance[reduced, reduced], observed_minus_expected[reduced])
    )
    return chi2, float(stats.chi2.sf(chi2, len(labels) - 1))


@dataclass(frozen=True)
class HazardRatio:
    """A Cox proportional-hazards estimate for one covariate (Efron's method for ties)."""

    hazard_ratio: float
    low: float
    high: float
    p: float


def cox_hazard_ratio(months, events, covariate) -> HazardRatio:
    """Return the hazard ratio per unit of covariate with its Wald 95% CI and p-value."""
    from scipy import stats  # SciPy costs a second at start; only the statistics need it

    t, e, x = _cox_inputs(months, events, covariate)
    beta, information = _fit_efron(t, e, x, np.ones((1, len(t))))
    se = 1 / np.sqrt(information[0])
    z = beta[0] / se
    return HazardRatio(
        float(np.exp(beta[0])),
        float(np.exp(beta[0] - Z95 * se)),
        float(np.exp(beta[0] + Z95 * se)),
        float(2 * stats.norm.sf(abs(z))),
    )


def hazard_ratio_with_interval(months, events, covariate, n_boot: int = 1000, seed: int = 0) -> tuple[float, ...]:
    """Return (HR, low, high, standard error of log HR): the Cox hazard ratio per unit of covariate with a
    percentile bootstrap 95% CI over patients (the same draws as concordance_with_interval's for one seed), and
    the interval's width on the log scale over 2 x 1.96, which pooling across cohorts needs."""
    t, e, x = _cox_inputs(months, events, covariate)
    draws = np.random.default_rng(seed).integers(0, len(t), (n_boot, len(t)))
    weights = np.vstack([np.ones(len(t)), _times_drawn(draws, len(t))])  # the cohort itself, then each draw
    betas, _ = _fit_efron(t, e, x, weights)
    drawn = betas[1:][np.isfinite(betas[1:])]
    low, high = np.percentile(drawn, [2.5, 97.5])
    return float(np.exp(betas[0])), float(np.exp(low)), float(np.exp(high)), float((high - low) / (2 * Z95))


def _times_drawn(draws: np.ndarray, patients: int) -> np.ndarray:
    """Return, per bootstrap draw (a row of patient indices), how many times each patient was drawn."""
    counts = np.zeros((len(draws), patients))
    np.add.at(counts, (np.arange(len(draws))[:, None], draws), 1.0)
    return counts


def _cox_inputs(months, events, covariate) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t, e, x = (np.asarray(v, dtype="float64") for v in (months, events, covariate))
    if not t.shape == e.shape == x.shape:
        raise ValueError("times, events and covariate must have one value per patient")
    keep = ~(np.isnan(t) | np.isnan(e) | np.isnan(x))
    t, e, x = t[keep], e[keep], x[keep]
    if e.sum() < MIN_EVENTS:
        raise ValueError(f"a Cox model needs at least {MIN_EVENTS} events; there are {int(e.sum())}")
    return t, e, x


def _fit_efron(t, e, x, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return, per row of weights (how many times each patient counts, as in a bootstrap draw), the Cox
    coefficient of one covariate by Newton-Raphson on Efron's partial likelihood, and the observed information
    there. A row whose likelihood has no maximum (the covariate separates the events) gives NaN."""
    order = np.argsort(-t, kind="stable")  # latest first: a running sum up to a patient is then a risk set
    t, e, x = t[order], e[order], x[order]
    w = weights[:, order]
    event_times = np.unique(t[e == 1])
    last = np.searchsorted(-t, -event_times, side="right") - 1  # the last patient still at risk at each time
    first = np.searchsorted(-t, -event_times, side="left")  # the first patient of each time
    dead = w * e
    deaths = _block_sums(dead, first, last)
    dead_x = _block_sums(dead * x, first, last).sum(axis=1)
    beta = np.zeros(len(w))
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(60):
            expected, information = _efron_terms(w, dead, x, beta, first, last, deaths)
            step = np.clip((dead_x - expected) / information, -1.0, 1.0)  # bounded: no overshoot to overflow
            beta = beta + step
            if not (np.abs(step) >= 1e-10).any():
                break
        _, information = _efron_terms(w, dead, x, beta, first, last, deaths)
    beta[~(np.abs(step) < 1e-6) | ~(information > 1e-12)] = np.nan
    return beta, information


def _efron_terms(w, dead, x, beta, first, last, deaths) -> tuple[np.ndarray, np.ndarray]:
    """Return, per row, the sum over event times of Efron's expected covariate and its variance at beta."""
    hazard = np.exp(np.outer(beta, x))
    at_risk = [np.cumsum(w * hazard * x**m, axis=1)[:, last] for m in range(3)]
    tied = [_block_sums(dead * hazard * x**m, first, last) for m in range(3)]
    expected = np.zeros(len(w))
    variance = np.zeros(len(w))
    for k in range(int(deaths.max())):
        counted = k < deaths
        fraction = np.where(counted, k / np.maximum(deaths, 1), 0.0)
        a0, a1, a2 = (s - fraction * d for s, d in zip(at_risk, tied, strict=True))
        mean = np.where(counted, a1 / a0, 0.0)
        expected += mean.sum(axis=1)
        variance += np.where(counted, a2 / a0 - mean**2, 0.0).sum(axis=1)
    return expected, variance


def _block_sums(values: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Return, per row, the sums of values over positions first..last of each event time."""
    running = np.concatenate([np.zeros((len(values), 1)), np.cumsum(values, axis=1)], axis=1)
    return running[:, last + 1] - running[:, first]


def concordance_index(months, events, score) -> float:
    """Return Harrell's C: among pairs where one patient's event came before the other's time, the share in which
    that patient had the lower score (ties in score count half). 0.5 is chance; above it, a higher score goes
    with longer survival. NaN when no pair can be compared."""
    t, e, x = (np.asarray(v, dtype="float64") for v in (months, events, score))
    if not t.shape == e.shape == x.shape:
        raise ValueError("times, events and scores must have one value per patient")
    keep = ~(np.isnan(t) | np.isnan(e) | np.isnan(x))
    t, e, x = t[keep], e[keep], x[keep]
    comparable = (e[:, None] == 1) & (t[:, None] < t[None, :])
    if not comparable.any():
        return float("nan")
    lower = (x[:, None] < x[None, :]) + 0.5 * (x[:, None] == x[None, :])
    return float(lower[comparable].sum() / comparable.sum())


def _concordance_of_draws(t: np.ndarray, e: np.ndarray, x: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Return concordance_index of each resample (rows of patient indices) from the patients' pairs weighted by how
    often each patient was drawn: a resample's pairs are the original pairs, counted w_i * w_j times."""
    counts = _times_drawn(draws, len(t))
    comparable = ((e[:, None] == 1) & (t[:, None] < t[None, :])).astype(float)
    lower = comparable * ((x[:, None] < x[None, :]) + 0.5 * (x[:, None] == x[None, :]))
    pairs = np.einsum("di,ij,dj->d", counts, comparable, counts, optimize=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, np.einsum("di,ij,dj->d", counts, lower, counts, optimize=True) / pairs, np.nan)


def concordance_with_interval(months, events, score, n_boot: int = 1000, seed: int = 0) -> tuple[float, ...]:
    """Return (C, low, high, standard error): Harrell's C with a percentile bootstrap 95% CI over patients and
    the bootstraps' standard deviation, which pooling across cohorts needs."""
    t, e, x = (np.asarray(v, dtype="float64") for v in (months, events, score))
    keep = ~(np.isnan(t) | np.isnan(e) | np.isnan(x))
    t, e, x = t[keep], e[keep], x[keep]
    estimate = concordance_index(t, e, x)
    rng = np.random.default_rng(seed)
    draws = _concordance_of_draws(t, e, x, rng.integers(0, len(t), (n_boot, len(t))))
    draws = draws[np.isfinite(draws)]
    low, high = np.percentile(draws, [2.5, 97.5])
    return estimate, float(low), float(high), float(draws.std(ddof=1))


def fit_cox(months, events, covariates, ridge: float = 0.01) -> np.ndarray:
    """Return the coefficients of a Cox model of several covariates (Breslow's ties, a small ridge penalty so
    that collinear scores still give an answer); a patient's risk is covariates @ coefficients."""
    t, e = np.asarray(months, dtype="float64"), np.asarray(events, dtype="float64")
    x = np.asarray(covariates, dtype="float64")
    if x.ndim != 2 or not t.shape == e.shape == (len(x),):
        raise ValueError("give one row of covariates, one time and one event per patient")
    keep = np.isfinite(t) & np.isfinite(e) & np.isfinite(x).all(axis=1)
    t, e, x = t[keep], e[keep], x[keep]
    if e.sum() < MIN_EVENTS:
        raise ValueError(f"a Cox model needs at least {MIN_EVENTS} events; there are {int(e.sum())}")
    order = np.argsort(-t, kind="stable")  # latest first: a running sum is then the risk set
    t, e, x = t[order], e[order], x[order]
    last_of_time = np.r_[t[1:] != t[:-1], True]  # ties share the risk set of their time
    beta = np.zeros(x.shape[1])
    for _ in range(50):
        risk = np.exp(x @ beta)
        s0 = _tied_sums(np.cumsum(risk), last_of_time)
        s1 = _tied_sums(np.cumsum(risk[:, None] * x, axis=0), last_of_time)
        s2 = _tied_sums(np.cumsum(risk[:, None, None] * x[:, :, None] * x[:, None, :], axis=0), last_of_time)
        mean = s1 / s0[:, None]
        gradient = ((x - mean) * e[:, None]).sum(axis=0) - ridge * beta
        information = (((s2 / s0[:, None, None]) - mean[:, :, None] * mean[:, None, :]) * e[:, None, None]).sum(
            axis=0
        ) + ridge * np.eye(len(beta))
        step = np.linalg.solve(information, gradient)
        beta += step
        if np.abs(step).max() < 1e-9:
            break
    return beta


def _tied_sums(running: np.ndarray, last_of_time: np.ndarray) -> np.ndarray:
    """Return, per patient, the running sum at the last patient of the same time (the whole risk set)."""
    index = np.flatnonzero(last_of_time)
    return running[index[np.searchsorted(index, np.arange(len(running)))]]
