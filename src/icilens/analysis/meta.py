"""Pooling one figure across cohorts: a DerSimonian-Laird random-effects meta-analysis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from icilens.analysis.metrics import Z95

MIN_POOLED = 2  # cohorts needed to pool at all


@dataclass(frozen=True)
class Pooled:
    """A random-effects pooled estimate with its 95% CI and the cohorts' heterogeneity.

    tau2 is the between-cohort variance, i2 the share of the spread beyond chance (0 to 1), q and q_p Cochran's
    Q and its p-value."""

    estimate: float
    low: float
    high: float
    cohorts: int
    tau2: float
    i2: float
    q: float
    q_p: float


def pool_random_effects(estimates, standard_errors) -> Pooled:
    """Return the DerSimonian-Laird random-effects pool of per-cohort estimates given their standard errors.

    Estimates are pooled on the scale given: pass log hazard ratios, not ratios. Raises ValueError with fewer
    than two cohorts or a standard error that is not positive and finite."""
    from scipy import stats  # SciPy costs a second at start; only the statistics need it

    y, se = (np.asarray(v, dtype="float64") for v in (estimates, standard_errors))
    if y.shape != se.shape or y.ndim != 1:
        raise ValueError("give one estimate and one standard error per cohort")
    if len(y) < MIN_POOLED:
        raise ValueError(f"pooling needs at least {MIN_POOLED} cohorts; there are {len(y)}")
    if not (np.isfinite(y).all() and np.isfinite(se).all() and (se > 0).all()):
        raise ValueError("every estimate must be finite and every standard error positive and finite")
    weights = 1 / se**2
    fixed = np.sum(weights * y) / weights.sum()
    q = float(np.sum(weights * (y - fixed) ** 2))
    spread = weights.sum() - np.sum(weights**2) / weights.sum()
    tau2 = max(0.0, (q - (len(y) - 1)) / spread)
    random_weights = 1 / (se**2 + tau2)
    estimate = float(np.sum(random_weights * y) / random_weights.sum())
    standard_error = float(np.sqrt(1 / random_weights.sum()))
    return Pooled(
        estimate=estimate,
        low=estimate - Z95 * standard_error,
        high=estimate + Z95 * standard_error,
        cohorts=len(y),
        tau2=tau2,
        i2=max(0.0, (q - (len(y) - 1)) / q) if q > 0 else 0.0,
        q=q,
        q_p=float(stats.chi2.sf(q, len(y) - 1)),
    )
