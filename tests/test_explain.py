"""The pattern-cached TreeSHAP equals LightGBM's own pred_contrib, missing values included."""

import numpy as np
import pytest

from icilens.model import encode_features
from icilens.model.treeshap import MAX_SPLITS, SMALL_BATCH, TreeExplainer
from icilens.model.uncertainty import drop_features


def _reference(boosters, x):
    contributions = np.mean([b.predict(x, pred_contrib=True) for b in boosters], axis=0)
    return contributions[0, -1], contributions[:, :-1]


@pytest.mark.parametrize("dropped", [(), ("hed", "fcna", "albumin"), ("cancer_type", "drug_class", "tmb")])
def test_matches_lightgbm_pred_contrib(default_model, demo_frame, dropped):
    x = encode_features(drop_features(demo_frame, dropped))
    x[::7, 0] = np.nan  # scattered gaps as well as whole columns
    base, values = TreeExplainer(default_model.boosters).shap_values(x)
    expected_base, expected = _reference(default_model.boosters, x)
    assert base == pytest.approx(expected_base, abs=1e-12)
    np.testing.assert_allclose(values, expected, atol=1e-9)


def test_values_add_up_to_the_raw_output(default_model, demo_frame):
    x = encode_features(demo_frame)
    base, values = TreeExplainer(default_model.boosters).shap_values(x)
    raw = np.mean([b.predict(x, raw_score=True) for b in default_model.boosters], axis=0)
    np.testing.assert_allclose(base + values.sum(axis=1), raw, atol=1e-9)


def test_empty_input_and_bad_construction(default_model):
    _base, values = TreeExplainer(default_model.boosters).shap_values(np.empty((0, 17)))
    assert values.shape == (0, 17)
    with pytest.raises(ValueError, match="at least one booster"):
        TreeExplainer([])


# --- each branch of the exact TreeSHAP, against LightGBM's own pred_contrib on a model built to reach it ---


def _booster(x: np.ndarray, y: np.ndarray, **params):
    import lightgbm as lgb

    settings = {"objective": "binary", "verbosity": -1, "min_data_in_leaf": 5, "num_threads": 1, "seed": 1}
    rounds, categorical = params.pop("rounds", 15), params.pop("categorical", "auto")
    data = lgb.Dataset(x, y, categorical_feature=categorical, free_raw_data=False)
    return lgb.train({**settings, **params}, data, num_boost_round=rounds)


def _assert_matches_lightgbm(booster, x: np.ndarray) -> None:
    base, values = TreeExplainer([booster]).shap_values(x)
    reference = booster.predict(x, pred_contrib=True)
    np.testing.assert_allclose(values, reference[:, :-1], rtol=0, atol=1e-12)
    assert base == pytest.approx(reference[0, -1], abs=1e-12)


def _data(rows: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 3))
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(scale=0.5, size=rows) > 0).astype(float)
    return x, y


def _split_kinds(booster) -> set[tuple[str, str]]:
    kinds = set()

    def walk(node):
        if "split_index" in node:
            kinds.add((node["decision_type"], node["missing_type"]))
            walk(node["left_child"])
            walk(node["right_child"])

    for tree in booster.dump_model()["tree_info"]:
        walk(tree["tree_structure"])
    return kinds


def test_numeric_splits_that_learned_missing_values():
    x, y = _data()
    x[::7, 0] = np.nan  # missing in training: splits carry missing_type NaN and a learned default side
    booster = _booster(x, y)
    assert ("<=", "NaN") in _split_kinds(booster)
    test, _ = _data(300, seed=1)
    test[::5, 0] = np.nan
    _assert_matches_lightgbm(booster, test)


def test_numeric_splits_that_never_saw_missing_values_read_nan_as_zero():
    x, y = _data()
    booster = _booster(x, y)
    assert ("<=", "None") in _split_kinds(booster)
    test, _ = _data(300, seed=2)
    test[::3, 0] = np.nan  # NaN at use, unseen in training: LightGBM reads it as 0
    _assert_matches_lightgbm(booster, test)


def test_zero_as_missing_splits():
    x, y = _data()
    x[::4, 1] = 0.0
    booster = _booster(x, y, zero_as_missing=True)
    assert any(missing == "Zero" for _, missing in _split_kinds(booster))
    test, _ = _data(300, seed=3)
    test[::4, 1] = 0.0
    test[1::9, 1] = np.nan
    test[2::11, 1] = 1e-40  # within LightGBM's zero tolerance
    _assert_matches_lightgbm(booster, test)


def test_categorical_splits_with_missing_negative_and_unseen_codes():
    rng = np.random.default_rng(4)
    rows = 800
    category = rng.integers(0, 6, rows).astype(float)
    other = rng.normal(size=rows)
    y = (np.isin(category, [1, 3]) + 0.3 * other + rng.normal(scale=0.4, size=rows) > 0.6).astype(float)
    category[::13] = np.nan
    booster = _booster(np.column_stack([category, other]), y, categorical=[0], max_cat_to_onehot=2)
    assert any(kind == "==" for kind, _ in _split_kinds(booster))
    test = np.column_stack([rng.integers(0, 6, 400).astype(float), rng.normal(size=400)])
    test[::5, 0] = np.nan
    test[1::7, 0] = -1.0  # negative codes count as missing
    test[2::9, 0] = 40.0  # a code never seen in training
    _assert_matches_lightgbm(booster, test)


def test_large_trees_fall_back_to_lightgbm_and_wide_patterns_are_grouped_by_sorting():
    x, y = _data(3000, seed=5)
    big = _booster(x, y, num_leaves=80, min_data_in_leaf=2, rounds=3)  # more than MAX_SPLITS splits per tree
    middling = _booster(x, y, num_leaves=30, min_data_in_leaf=2, rounds=3)  # over 20 splits: np.unique grouping
    sizes = [len(splits) for splits in TreeExplainer([big])._trees[0]]
    assert max(sizes) > MAX_SPLITS
    assert 20 < max(len(s) for s in TreeExplainer([middling])._trees[0]) <= MAX_SPLITS
    test, _ = _data(500, seed=6)
    _assert_matches_lightgbm(big, test)
    _assert_matches_lightgbm(middling, test)


def test_a_few_rows_use_lightgbm_directly_and_agree_with_the_pattern_path():
    x, y = _data()
    booster = _booster(x, y)
    test, _ = _data(SMALL_BATCH + 10, seed=7)
    _, few = TreeExplainer([booster]).shap_values(test[:3])
    _, many = TreeExplainer([booster]).shap_values(test)
    np.testing.assert_allclose(few, many[:3], rtol=0, atol=1e-12)
    _assert_matches_lightgbm(booster, test[:3])


def test_shap_of_missing_inputs_is_never_read_and_inputs_nobody_has_are_named():
    import numpy as np
    import pandas as pd

    from icilens.explain import describe_absent, keep_measured
    from icilens.schema import FEATURES

    frame = pd.DataFrame({f: [np.nan, np.nan, np.nan] for f in FEATURES})
    frame["tmb"] = [12.0, np.nan, 3.0]
    frame["cancer_type"] = ["Melanoma", "NSCLC", "Melanoma"]
    shap = np.ones((3, len(FEATURES)))
    measured = keep_measured(shap, frame, FEATURES)
    assert measured.features == [f for f in FEATURES if f in ("tmb", "cancer_type")]
    assert np.isnan(measured.values[1, measured.features.index("tmb")])
    assert len(measured.absent) == len(FEATURES) - 2
    assert "Tumour mutational burden" not in describe_absent(measured.absent)
    assert "Serum albumin" in describe_absent(measured.absent)


def test_drivers_by_group_leave_out_inputs_nobody_has():
    import numpy as np
    import pandas as pd

    from icilens.analysis import mean_shap_by_group
    from icilens.schema import FEATURES
    from icilens.vocabulary import shap_column

    frame = pd.DataFrame({f: [np.nan] * 4 for f in FEATURES})
    frame["tmb"] = [12.0, np.nan, 3.0, 5.0]
    shap = pd.DataFrame({shap_column(f): [0.5, 2.0, -0.5, 0.1] for f in FEATURES})
    groups = pd.Series(["responders", "responders", "non-responders", "non-responders"])
    means = mean_shap_by_group(shap, groups, frame)
    assert list(means.index) == ["Tumour mutational burden"]
    assert means.loc["Tumour mutational burden", "responders"] == 0.5  # the missing value's 2.0 is not read
