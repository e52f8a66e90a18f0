"""Survival functions agree with statsmodels on the bundled cohort."""

import numpy as np
import pytest
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from icilens.analysis import survival


@pytest.fixture(scope="module")
def cohort(demo_frame):
    return demo_frame[["os_months", "os_event", "pfs_months", "pfs_event", "response", "cancer_type"]].astype(
        {"os_event": float, "pfs_event": float, "response": float}
    )


def test_kaplan_meier_matches_statsmodels(cohort):
    curve = survival.kaplan_meier(cohort["os_months"], cohort["os_event"])
    reference = SurvfuncRight(cohort["os_months"].to_numpy(), cohort["os_event"].to_numpy())
    by_time = dict(zip(reference.surv_times, reference.surv_prob, strict=True))
    event_rows = curve[curve["events"] > 0]
    np.testing.assert_allclose(event_rows["survival"], [by_time[t] for t in event_rows["time"]])
    assert survival.kaplan_meier_median(cohort["os_months"], cohort["os_event"]) == pytest.approx(
        reference.quantile(0.5)
    )


def test_logrank_matches_statsmodels_for_two_and_more_groups(cohort):
    chi2, p = survival.logrank_test(cohort["os_months"], cohort["os_event"], cohort["response"])
    reference_chi2, reference_p = survdiff(cohort["os_months"], cohort["os_event"], cohort["response"])
    assert chi2 == pytest.approx(reference_chi2, rel=1e-6) and p == pytest.approx(reference_p, rel=1e-6)
    types = cohort["cancer_type"].astype(str).to_numpy()
    chi2, _ = survival.logrank_test(cohort["pfs_months"], cohort["pfs_event"], types)
    assert chi2 == pytest.approx(survdiff(cohort["pfs_months"], cohort["pfs_event"], types)[0], rel=1e-6)


def test_cox_matches_statsmodels_efron(cohort):
    result = survival.cox_hazard_ratio(cohort["os_months"], cohort["os_event"], cohort["response"])
    fitted = PHReg(
        cohort["os_months"].to_numpy(), cohort[["response"]].to_numpy(), cohort["os_event"].to_numpy(), ties="efron"
    ).fit()
    assert result.hazard_ratio == pytest.approx(np.exp(fitted.params[0]), rel=1e-5)
    low, high = np.exp(fitted.conf_int()[0])
    assert (result.low, result.high) == pytest.approx((low, high), rel=1e-4)
    assert result.p == pytest.approx(fitted.pvalues[0], rel=1e-3)
    assert result.hazard_ratio < 1  # responders live longer


def test_numbers_at_risk_and_too_few_events():
    assert survival.numbers_at_risk([1, 2, 3, np.nan], [0, 2, 5]) == [3, 2, 0]
    with pytest.raises(ValueError, match="at least 5 events"):
        survival.cox_hazard_ratio([1, 2, 3], [1, 0, 0], [0, 1, 0])


def test_kaplan_meier_ticks_fall_on_months_a_reader_counts_in():
    from icilens.plots.survival_curves import month_ticks

    assert month_ticks(17.8).tolist() == [0, 3, 6, 9, 12, 15, 18]  # not 0, 4, 7, 11, 14, 18
    assert month_ticks(40).tolist() == [0, 12, 24, 36]
    assert month_ticks(5.2).tolist() == [0, 1, 2, 3, 4, 5]


def test_harrells_c_counts_the_pairs_ordered_by_the_score():
    from icilens.analysis.survival import concordance_index, concordance_with_interval

    # Patient 0 dies first, 1 next, 2 is censored last: pairs (0,1), (0,2), (1,2) are comparable.
    months, events = [1.0, 2.0, 3.0], [1, 1, 0]
    assert concordance_index(months, events, [1, 2, 3]) == 1.0  # a higher score, a longer life, each time
    assert concordance_index(months, events, [3, 2, 1]) == 0.0
    assert concordance_index(months, events, [1, 3, 2]) == pytest.approx(2 / 3)
    assert concordance_index(months, events, [1, 1, 1]) == 0.5
    assert np.isnan(concordance_index([1.0, 2.0], [0, 0], [1, 2]))  # no event, no comparable pair
    rng = np.random.default_rng(3)
    score = rng.normal(size=120)
    months = rng.exponential(np.exp(score))
    c, low, high, se = concordance_with_interval(months, np.ones(120), score, n_boot=200)
    assert 0.6 < c < 0.8 and low < c < high and 0 < se < 0.1


@pytest.mark.parametrize("n", [6, 80])
def test_harrells_c_of_every_draw_at_once_is_each_draws_own(n):
    """Tied times, tied scores, censoring, and small draws with no comparable pair (NaN) included."""
    rng = np.random.default_rng(n)
    months, events = rng.exponential(12, n).round(), (rng.random(n) < 0.5).astype(float)
    score = rng.normal(size=n).round(1)
    draws = rng.integers(0, n, (400, n))
    at_once = survival._concordance_of_draws(months, events, score, draws)
    one_by_one = [survival.concordance_index(months[i], events[i], score[i]) for i in draws]
    np.testing.assert_array_equal(at_once, one_by_one)
    assert n > 10 or np.isnan(at_once).any()


def test_a_cox_model_of_several_covariates_matches_statsmodels_breslow(demo_frame):
    rows = demo_frame[["os_months", "os_event", "tmb", "albumin", "nlr"]].dropna().astype(float)
    covariates = rows[["tmb", "albumin", "nlr"]].to_numpy()
    fitted = PHReg(rows["os_months"].to_numpy(), covariates, rows["os_event"].to_numpy(), ties="breslow").fit()
    ours = survival.fit_cox(rows["os_months"], rows["os_event"], covariates, ridge=0.0)
    np.testing.assert_allclose(ours, fitted.params, rtol=1e-6)
    assert ours[1] < 0  # higher albumin, lower hazard of death
    with pytest.raises(ValueError, match="one row of covariates"):
        survival.fit_cox(rows["os_months"], rows["os_event"], covariates[:5])


def test_a_bootstrap_draw_is_an_efron_cox_fit_on_the_drawn_patients(cohort):
    from icilens.analysis.survival import _fit_efron, hazard_ratio_with_interval

    sample = cohort.dropna(subset=["os_months", "os_event"]).iloc[:300]
    months = sample["os_months"].round().to_numpy()  # whole months: many tied deaths, where Efron matters
    events, covariate = sample["os_event"].to_numpy(), sample["response"].fillna(0).to_numpy()
    drawn = np.random.default_rng(5).integers(0, len(months), len(months))
    weights = np.bincount(drawn, minlength=len(months))[None, :].astype(float)
    beta, _ = _fit_efron(months, events, covariate, weights)
    duplicated = PHReg(months[drawn], covariate[drawn][:, None], events[drawn], ties="efron").fit()
    assert beta[0] == pytest.approx(duplicated.params[0], rel=1e-6)
    ratio, low, high, se = hazard_ratio_with_interval(months, events, covariate, n_boot=300)
    wald = survival.cox_hazard_ratio(months, events, covariate)
    assert ratio == pytest.approx(wald.hazard_ratio) and low < ratio < high
    # on 300 patients the bootstrap and Wald intervals nearly agree
    assert np.log(high / low) == pytest.approx(np.log(wald.high / wald.low), rel=0.25)
    assert se == pytest.approx(np.log(high / low) / (2 * 1.959963984540054))


def test_a_draw_whose_covariate_separates_the_deaths_is_left_out_not_infinite():
    from icilens.analysis.survival import _fit_efron

    months = np.arange(1.0, 11.0)
    events = np.ones(10)
    separating = np.arange(10.0)  # a higher value, a later death, every time: the likelihood has no maximum
    beta, _ = _fit_efron(months, events, separating, np.ones((1, 10)))
    assert np.isnan(beta[0])
    mixed = np.array([0.0, 1, 0, 1, 1, 0, 1, 0, 0, 1])
    beta, _ = _fit_efron(months, events, mixed, np.ones((2, 10)))
    assert np.isfinite(beta).all() and beta[0] == beta[1]


def test_survival_at_a_time_has_greenwoods_log_log_interval(cohort):
    from icilens.analysis.survival import survival_at

    months, events = cohort["os_months"].to_numpy(), cohort["os_event"].to_numpy()
    survival, low, high = survival_at(months, events, 12)
    reference = SurvfuncRight(months, events)
    before = reference.surv_times <= 12
    assert survival == pytest.approx(reference.surv_prob[before][-1])
    se = reference.surv_prob_se[before][-1]  # Greenwood's standard error of survival
    spread = 1.959963984540054 * se / (survival * np.log(survival))  # the delta method on log(-log S)
    assert (low, high) == pytest.approx((survival ** np.exp(-spread), survival ** np.exp(spread)), rel=1e-9)
    assert low < survival < high
    assert survival_at([1.0, 2.0], [0, 0], 12)[0] == 1.0  # nobody died: survival stays whole
