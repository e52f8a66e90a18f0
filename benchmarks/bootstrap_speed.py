"""Bootstrap intervals a block of draws at a time against draw by draw, on the same draws and patients.

    python benchmarks/bootstrap_speed.py

The clinical figures use the 964 training patients and the bundled model's probabilities (1,000 draws, as the
app's judgement and validation do); Harrell's C uses the largest bundled cohort with overall survival. Times are
medians of 3 runs; each pair of figures is checked equal before it is timed.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from _common import median_seconds

from icilens.analysis import metrics, survival
from icilens.datasets import load_training
from icilens.model import default_model_dir, load_model
from icilens.transcriptome import load_reference_cohorts


def _clinical() -> tuple[np.ndarray, np.ndarray]:
    training = load_training()
    labelled = training[training["response"].notna()]
    probability = load_model(default_model_dir()).predict(labelled).probability
    return labelled["response"].astype(float).to_numpy(), np.asarray(probability, dtype=float)


def _draw_by_draw(action):
    """Run action with no metric computed over draws at once, and return its result."""
    saved = dict(metrics._OVER_DRAWS)
    metrics._OVER_DRAWS.clear()
    try:
        return action()
    finally:
        metrics._OVER_DRAWS.update(saved)


def main() -> None:
    y, p = _clinical()
    print(f"{len(y)} patients, 1,000 draws")
    for metric in metrics._OVER_DRAWS:
        action = partial(metrics.bootstrap_ci, metric, y, p)
        assert np.allclose(action(), _draw_by_draw(action), rtol=0, atol=1e-12)
        at_once = median_seconds(action, 3)
        one_by_one = median_seconds(partial(_draw_by_draw, action), 3)
        print(f"  {metric.__name__}: {at_once:.3f} s against {one_by_one:.3f} s, {one_by_one / at_once:.1f}x")

    cohorts = load_reference_cohorts()
    timed = cohorts[cohorts["os_months"].notna() & cohorts["os_event"].notna()]
    name = timed["cohort"].value_counts().index[0]
    cohort = timed[timed["cohort"] == name]
    t, e, x = (cohort[c].to_numpy(float) for c in ("os_months", "os_event", "signature_ifng6"))
    keep = ~np.isnan(x)
    t, e, x = t[keep], e[keep], x[keep]
    draws = np.random.default_rng(0).integers(0, len(t), (1000, len(t)))
    at_once = survival._concordance_of_draws(t, e, x, draws)
    one_by_one = np.array([survival.concordance_index(t[i], e[i], x[i]) for i in draws])
    assert np.array_equal(at_once, one_by_one, equal_nan=True)
    fast = median_seconds(lambda: survival._concordance_of_draws(t, e, x, draws), 3)
    slow = median_seconds(lambda: [survival.concordance_index(t[i], e[i], x[i]) for i in draws], 3)
    print(f"Harrell's C on {name}'s {len(t)} patients: {fast:.3f} s against {slow:.3f} s, {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
