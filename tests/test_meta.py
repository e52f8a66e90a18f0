import numpy as np
import pytest

from icilens.analysis.meta import pool_random_effects

# metafor's dat.bcg: 13 trials of the BCG vaccine, counts of tuberculosis in the vaccinated and control arms.
BCG = np.array(
    [
        [4, 119, 11, 128],
        [6, 300, 29, 274],
        [3, 228, 11, 209],
        [62, 13536, 248, 12619],
        [33, 5036, 47, 5761],
        [180, 1361, 372, 1079],
        [8, 2537, 10, 619],
        [505, 87886, 499, 87892],
        [29, 7470, 45, 7232],
        [17, 1699, 65, 1600],
        [186, 50448, 141, 27197],
        [5, 2493, 3, 2338],
        [27, 16886, 29, 17825],
    ],
    dtype=float,
)


def test_the_pool_of_the_bcg_trials_is_metafors():
    # rma(yi, vi, data = escalc("RR", ...), method = "DL"): -0.7141 (SE 0.1787), tau^2 0.3088, I^2 92.12%,
    # Q(df = 12) = 152.2330 (Viechtbauer 2010, J Stat Softw 36(3), and metafor's documentation).
    vaccinated, unvaccinated, control, uncontrolled = BCG.T
    log_rr = np.log((vaccinated / (vaccinated + unvaccinated)) / (control / (control + uncontrolled)))
    variance = 1 / vaccinated - 1 / (vaccinated + unvaccinated) + 1 / control - 1 / (control + uncontrolled)
    pooled = pool_random_effects(log_rr, np.sqrt(variance))
    assert pooled.estimate == pytest.approx(-0.7141, abs=5e-5)
    assert (pooled.high - pooled.low) / (2 * 1.959964) == pytest.approx(0.1787, abs=5e-5)
    assert pooled.tau2 == pytest.approx(0.3088, abs=5e-5)
    assert pooled.i2 == pytest.approx(0.9212, abs=5e-5)
    assert pooled.q == pytest.approx(152.2330, abs=5e-4)
    assert pooled.cohorts == 13


def test_agreeing_cohorts_pool_to_the_fixed_effect_with_no_heterogeneity():
    pooled = pool_random_effects([0.6, 0.6, 0.6], [0.1, 0.1, 0.2])
    assert pooled.estimate == pytest.approx(0.6) and pooled.tau2 == 0 and pooled.i2 == 0
    assert pooled.high - pooled.low == pytest.approx(2 * 1.959964 / np.sqrt(100 + 100 + 25), rel=1e-5)


@pytest.mark.parametrize(
    ("estimates", "errors", "message"),
    [([0.6], [0.1], "at least 2 cohorts"), ([0.6, 0.7], [0.1, 0.0], "positive"), ([0.6, np.nan], [0.1, 0.1], "finite")],
)
def test_pooling_refuses_what_it_cannot_pool_and_says_why(estimates, errors, message):
    with pytest.raises(ValueError, match=message):
        pool_random_effects(estimates, errors)
