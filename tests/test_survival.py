"""Survival functions agree with lifelines on the bundled cohort."""

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test as lifelines_logrank
from lifelines.statistics import multivariate_logrank_test

from icilens import survival


@pytest.fixture(scope="module")
def cohort(demo_frame):
    return demo_frame[["os_months", "os_event", "pfs_months", "pfs_event", "response", "cancer_type"]].astype(
        {"os_event": float, "pfs_event": float, "response": float}
    )


def test_kaplan_meier_matches_lifelines(cohort):
    curve = survival.kaplan_meier(cohort["os_months"], cohort["os_event"])
    fitted = KaplanMeierFitter().fit(cohort["os_months"], cohort["os_event"])
    expected = fitted.survival_function_.iloc[:, 0]
    np.testing.assert_allclose(curve["survival"].to_numpy()[1:], expected.loc[curve["time"].to_numpy()[1:]].to_numpy())
    assert survival.kaplan_meier_median(cohort["os_months"], cohort["os_event"]) == pytest.approx(
        fitted.median_survival_time_
    )


def test_logrank_matches_lifelines_for_two_and_more_groups(cohort):
    groups = cohort["response"]
    chi2, p = survival.logrank_test(cohort["os_months"], cohort["os_event"], groups)
    yes, no = cohort[groups == 1], cohort[groups == 0]
    reference = lifelines_logrank(yes["os_months"], no["os_months"], yes["os_event"], no["os_event"])
    assert chi2 == pytest.approx(reference.test_statistic, rel=1e-6) and p == pytest.approx(reference.p_value, rel=1e-6)
    types = cohort["cancer_type"].astype(str)
    many = multivariate_logrank_test(cohort["pfs_months"], types, cohort["pfs_event"])
    chi2, p = survival.logrank_test(cohort["pfs_months"], cohort["pfs_event"], types)
    assert chi2 == pytest.approx(many.test_statistic, rel=1e-6)


def test_cox_matches_lifelines(cohort):
    result = survival.cox_hazard_ratio(cohort["os_months"], cohort["os_event"], cohort["response"])
    data = pd.DataFrame({"T": cohort["os_months"], "E": cohort["os_event"], "x": cohort["response"]})
    fitted = CoxPHFitter().fit(data, "T", "E")
    summary = fitted.summary.loc["x"]
    assert result.hazard_ratio == pytest.approx(summary["exp(coef)"], rel=1e-5)
    assert result.low == pytest.approx(summary["exp(coef) lower 95%"], rel=1e-4)
    assert result.p == pytest.approx(summary["p"], rel=1e-3)
    assert result.hazard_ratio < 1  # responders live longer


def test_numbers_at_risk_and_too_few_events():
    assert survival.numbers_at_risk([1, 2, 3, np.nan], [0, 2, 5]) == [3, 2, 0]
    with pytest.raises(ValueError, match="at least 5 events"):
        survival.cox_hazard_ratio([1, 2, 3], [1, 0, 0], [0, 1, 0])
