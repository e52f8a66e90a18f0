"""Similar patients and Kaplan-Meier medians."""

import numpy as np
import pytest

from icilens.analysis.survival import kaplan_meier_median
from icilens.explain.similarity import find_similar_patients, summarise_outcomes


def test_a_patient_is_nearest_to_itself(demo_frame):
    weights = np.ones(17)
    similar = find_similar_patients(demo_frame.iloc[[7]], demo_frame, weights, k=5)
    assert similar.iloc[0]["patient_id"] == demo_frame.iloc[7]["patient_id"]
    assert similar.iloc[0]["distance"] == 0
    assert similar["distance"].is_monotonic_increasing


def test_weights_decide_what_counts(demo_frame):
    only_tmb = np.zeros(17)
    only_tmb[0] = 1.0
    similar = find_similar_patients(demo_frame.iloc[[0]], demo_frame, only_tmb, k=10)
    gap = (demo_frame["tmb"] - demo_frame.iloc[0]["tmb"]).abs()
    assert (similar["tmb"] - demo_frame.iloc[0]["tmb"]).abs().max() == gap.nsmallest(10).max()


def test_bad_input_is_refused(demo_frame):
    with pytest.raises(ValueError, match="exactly one patient"):
        find_similar_patients(demo_frame.head(2), demo_frame, np.ones(17))
    with pytest.raises(ValueError, match="non-negative"):
        find_similar_patients(demo_frame.head(1), demo_frame, -np.ones(17))


def test_kaplan_meier_median_by_hand():
    # S(t): 1 -> 4/5 at t=1 -> 3/5 at 2 -> censored at 3 -> 3/5*1/2 = 0.3 at 4: median 4.
    assert kaplan_meier_median([1, 2, 3, 4, 5], [1, 1, 0, 1, 0]) == 4
    assert kaplan_meier_median([1, 2, 3], [1, 0, 0]) is None  # S stays at 2/3


def test_summary_of_the_demo(demo_frame):
    summary = summarise_outcomes(demo_frame)
    assert summary["responders"] == 127
    assert 1 < summary["median_pfs_months"] < summary["median_os_months"]


def test_similar_patients_need_shared_measured_inputs(demo_frame):
    from icilens.explain.similarity import MIN_SHARED, describe_similarity_limit
    from icilens.schema import FEATURES

    sparse = demo_frame.iloc[[3]].copy()
    sparse[[f for f in FEATURES if f not in ("cancer_type", "tmb")]] = np.nan
    assert "2 of 17 inputs measured" in describe_similarity_limit(sparse)
    assert find_similar_patients(sparse, demo_frame, np.ones(17), k=20).empty  # never matches from nothing
    assert describe_similarity_limit(demo_frame.iloc[[3]]) == ""
    # a reference patient sharing too few inputs is never called similar
    reference = demo_frame.copy()
    reference.loc[reference.index[:50], [f for f in FEATURES if f != "cancer_type"]] = np.nan
    similar = find_similar_patients(demo_frame.iloc[[3]], reference, np.ones(17), k=500)
    assert not similar["patient_id"].isin(reference["patient_id"].iloc[:50]).any() and MIN_SHARED > 1
