"""The pattern-cached TreeSHAP equals LightGBM's own pred_contrib, missing values included."""

import numpy as np
import pytest

from icilens.explain import TreeExplainer
from icilens.model import encode_features
from icilens.validation import drop_features


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
