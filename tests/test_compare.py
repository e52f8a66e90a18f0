"""Group statistics agree with scipy and statsmodels, and find what is known in the bundled data."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests

from icilens.analysis import compare_measures
from icilens.analysis import groups as compare


def test_benjamini_hochberg_matches_statsmodels():
    p = np.array([0.001, 0.04, 0.03, 0.2, np.nan, 0.5, 0.0001])
    expected = multipletests(p[~np.isnan(p)], method="fdr_bh")[1]
    q = compare.adjust_benjamini_hochberg(p)
    np.testing.assert_allclose(q[~np.isnan(p)], expected)
    assert np.isnan(q[4])


def test_odds_ratio_matches_statsmodels():
    table = np.array([[20, 30], [10, 40]])
    estimate, low, high = compare.odds_ratio(table)
    reference = Table2x2(table)
    assert estimate == pytest.approx(reference.oddsratio)
    assert (low, high) == pytest.approx(reference.oddsratio_confint(), rel=1e-6)


def test_cliffs_delta_and_its_ci():
    rng = np.random.default_rng(0)
    a, b = rng.normal(1, 1, 300), rng.normal(0, 1, 300)
    delta, low, high = compare.cliffs_delta(a, b)
    brute = np.mean(np.sign(a[:, None] - b[None, :]))
    assert delta == pytest.approx(brute)
    assert low < delta < high and 0.4 < delta < 0.7


def test_responders_differ_in_tmb_and_prior_therapy(demo_frame):
    table = compare.compare_groups(demo_frame, compare.group_by_observed_response(demo_frame)).set_index("field")
    assert table.loc["tmb", "n responder"] == 127 and table.loc["tmb", "n non-responder"] == 388
    responders = demo_frame.loc[demo_frame["response"] == 1, "tmb"]
    others = demo_frame.loc[demo_frame["response"] == 0, "tmb"]
    assert table.loc["tmb", "p"] == pytest.approx(stats.mannwhitneyu(responders, others).pvalue)
    assert table.loc["tmb", "estimate"] > 0  # responders have higher TMB
    prior = table.loc["prior_systemic_therapy"]
    assert prior["test"] == "Fisher's exact" and prior["estimate"] < 1  # prior therapy is rarer among responders
    assert table.loc["tmb", "q"] < 0.001 and table["q"].dropna().is_monotonic_increasing
    assert table.loc["pdl1_tps", "missing responder"] > 0
    assert table.loc["cancer_type", "test"] == "chi-square"


def test_groups_by_prediction_and_field(demo_frame):
    groups = compare.group_by_prediction(np.linspace(0, 1, 515), 0.5)
    assert set(groups) == {"predicted responder", "predicted non-responder"}
    table = compare.compare_groups(demo_frame, compare.group_by_field(demo_frame, "cancer_type"))
    assert {"n NSCLC", "n Melanoma", "n other"} <= set(table.columns)  # groups with patients only
    assert table.set_index("field").loc["tmb", "test"] == "Kruskal-Wallis"
    with pytest.raises(ValueError, match="not categorical"):
        compare.group_by_field(demo_frame, "tmb")


def test_one_group_cannot_be_compared(demo_frame):
    with pytest.raises(ValueError, match="at least two groups"):
        compare.compare_groups(demo_frame, pd.Series(["a"] * len(demo_frame), index=demo_frame.index))


def test_grouping_by_cancer_type_keeps_nine_largest_and_merges_the_rest(demo_frame):
    from icilens.analysis.groups import MOST_GROUPS, OTHER_GROUP, group_by_field

    groups = group_by_field(demo_frame, "cancer_type")
    sizes = groups.value_counts()
    assert len(sizes) == MOST_GROUPS and OTHER_GROUP in sizes.index
    largest = demo_frame["cancer_type"].astype(object).value_counts().index[: MOST_GROUPS - 1]
    assert set(sizes.index) - {OTHER_GROUP} == set(largest)
    assert sizes.sum() == demo_frame["cancer_type"].notna().sum()


def test_the_reading_table_has_one_format_per_column_and_no_none():
    from icilens.analysis import format_comparison, format_p

    assert [format_p(v) for v in (1.4e-7, 0.0000031, 0.000012, 0.0123, 0.5, float("nan"))] == [
        "<0.001",
        "<0.001",
        "<0.001",
        "0.012",
        "0.500",
        "",
    ]
    table = pd.DataFrame(
        {
            "p": [1e-9, 0.2],
            "q": [2e-9, 0.2],
            "estimate": [0.4, np.nan],
            "ci_low": [0.1, np.nan],
            "ci_high": [0.6, np.nan],
            "feature": ["a", "b"],
        }
    )
    shown = format_comparison(table)
    assert shown.loc[1, ["estimate", "ci_low", "ci_high"]].tolist() == ["n/a", "n/a", "n/a"]
    assert shown.loc[0, "estimate"] == "0.40" and shown.loc[0, "q"] == "<0.001"


def test_medians_of_one_measure_share_their_decimals_across_groups():
    frame = pd.DataFrame({"albumin": [4.0, 4.0, 4.2, 3.8, 3.8, 3.5, 4.1, 3.8]})
    groups = pd.Series(["responder"] * 4 + ["non-responder"] * 4)
    table = compare_measures(frame, groups, {"albumin": "Serum albumin"})
    assert table.loc[0, "responder"] == "4.00 [3.95, 4.05]"
    assert table.loc[0, "non-responder"] == "3.80 [3.72, 3.88]"


def test_whole_number_measures_read_as_whole_numbers():
    frame = pd.DataFrame({"pdl1": [40, 0, 85, 90, 0, 0, 10, 5]})
    groups = pd.Series(["responder"] * 4 + ["non-responder"] * 4)
    table = compare_measures(frame, groups, {"pdl1": "PD-L1 tumour proportion score"})
    assert table.loc[0, "non-responder"] == "2.5 [0.0, 6.2]"  # a median between two whole numbers keeps it
    frame = pd.DataFrame({"pdl1": [0, 40, 40, 80, 100, 0, 0, 10, 0, 10]})
    groups = pd.Series(["responder"] * 5 + ["non-responder"] * 5)
    table = compare_measures(frame, groups, {"pdl1": "PD-L1 tumour proportion score"})
    assert table.loc[0, "responder"] == "40 [40, 80]" and table.loc[0, "non-responder"] == "0 [0, 10]"
