import numpy as np
import pytest

from icilens.datasets import load_training
from icilens.model.uncertainty import describe_range, drop_features, estimate_ranges, measure_coverage
from icilens.schema import FEATURES, MISSING_SCENARIOS
from icilens.scoring.predictions import predict_cohort


@pytest.fixture(scope="module")
def training():
    return load_training()


def test_range_holds_the_prediction_and_is_a_point_when_nothing_is_missing(default_model, demo_frame, training):
    low, high = estimate_ranges(default_model, demo_frame, training)
    point = default_model.predict(demo_frame).probability
    assert np.all((low <= point) & (point <= high))
    complete = demo_frame[list(FEATURES)].notna().all(axis=1).to_numpy()
    assert complete.any()
    assert np.array_equal(low[complete], high[complete])


def test_range_widens_when_tmb_is_missing(default_model, demo_frame, training):
    low, high = estimate_ranges(default_model, demo_frame, training)
    low_without, high_without = estimate_ranges(default_model, drop_features(demo_frame, ["tmb"]), training)
    assert np.mean(high_without - low_without) > 5 * np.mean(high - low)
    assert np.mean(high_without - low_without) > 0.1  # more than 10 points on average


def test_a_patients_range_does_not_depend_on_the_rest_of_the_cohort(default_model, demo_frame, training):
    reduced = drop_features(demo_frame, ["tmb"])
    low, high = estimate_ranges(default_model, reduced, training)
    alone = estimate_ranges(default_model, reduced.iloc[[42]], training)
    assert (alone[0][0], alone[1][0]) == pytest.approx((low[42], high[42]), abs=1e-12)


def test_card_coverage_is_reproduced_and_meets_its_target(default_model, demo_frame, training):
    card = default_model.card
    measured = measure_coverage(default_model, demo_frame, training, MISSING_SCENARIOS)
    assert measured == card["validation"]["range_coverage"]
    target = card["uncertainty"]["target_coverage"]
    # The draw level is chosen on training, where the target must hold; on new patients it may slip a little.
    assert min(e["coverage"] for e in card["uncertainty"]["training_coverage"].values()) >= target
    assert all(entry["coverage"] >= target - 0.05 for entry in measured.values())


def test_predictions_carry_the_range(default_model, demo_frame):
    table = predict_cohort(default_model, drop_features(demo_frame.head(20), ["tmb"]))
    assert (table["range_low"] <= table["response_probability"]).all()
    assert (table["range_high"] >= table["response_probability"]).all()
    assert (table["range_high"] - table["range_low"]).mean() > 0.05


def test_range_sentence_states_its_measured_coverage(default_model):
    card = default_model.card
    sentence = describe_range(0.2, 0.35, 2, card)
    assert "between 20% and 35%" in sentence and "2 missing inputs" in sentence
    held = [e["coverage"] for e in card["validation"]["range_coverage"].values()]
    assert f"{min(held):.0%} to {max(held):.0%}" in sentence
    assert describe_range(0.3, 0.3, 0, card).startswith("Every input measured")
    assert "no measured coverage" in describe_range(0.2, 0.4, 1, {})


def test_ranges_equal_predicting_every_filled_copy(default_model, demo_frame):
    """Distinct filled copies are predicted once; the result equals filling and predicting each draw."""
    from icilens.model.uncertainty import DRAWS, _donor_rows, card_draw_level, estimate_ranges
    from icilens.schema import FEATURES, OTHER_CANCER

    donors = load_training()
    frame = demo_frame.head(120).copy()
    frame.loc[frame.index[:3], "cancer_type"] = OTHER_CANCER  # a value, though the model reads it as missing
    frame.loc[frame.index[10:60], ["tmb", "albumin"]] = np.nan  # key inputs missing: wide ranges
    low, high = estimate_ranges(default_model, frame, donors)

    point = default_model.predict(frame).probability
    features = frame[list(FEATURES)].reset_index(drop=True)
    chosen = _donor_rows(frame, donors, DRAWS)
    copies = features.iloc[np.repeat(np.arange(len(frame)), DRAWS)].reset_index(drop=True)
    filled = copies.fillna(donors[list(FEATURES)].iloc[chosen.ravel()].reset_index(drop=True))
    every = default_model.predict(filled).probability.reshape(len(frame), DRAWS)
    tail = (1 - card_draw_level(default_model.card)) / 2 * 100
    lows, highs = np.percentile(every, [tail, 100 - tail], axis=1)
    incomplete = features.isna().any(axis=1).to_numpy()
    np.testing.assert_allclose(low, np.where(incomplete, np.minimum(lows, point), point), rtol=0, atol=1e-12)
    np.testing.assert_allclose(high, np.where(incomplete, np.maximum(highs, point), point), rtol=0, atol=1e-12)
    assert incomplete.sum() > 50 and (high - low > 0.01).sum() > 20


def test_a_range_cell_says_why_it_is_one_value():
    from icilens.vocabulary import describe_range_cell

    assert describe_range_cell(0.79, 0.79, 0.79, 0) == "79% (nothing missing)"
    assert describe_range_cell(0.792, 0.789, 0.794, 1) == "79% (missing inputs move it < 0.5 points)"
    assert describe_range_cell(0.79, 0.72, 0.86, 2) == "72% to 86%"


def test_the_calibration_sentence_reads_the_cards_slope():
    from icilens.training import describe_calibration

    card = {"validation": {"patients": 515, "calibration_ci": {"slope": [1.33, 1.03, 1.69]}}}
    sentence = describe_calibration(card)
    assert "less spread than observed" in sentence and "1.33, 95% CI 1.03 to 1.69" in sentence
    assert "calibrated" not in describe_calibration({"validation": {"calibration_ci": {"slope": [1.0, 0.8, 1.2]}}})


def test_a_scenario_nobody_could_lose_is_not_measured(default_model, demo_frame, training):
    without_hed = demo_frame.head(60).assign(hed=float("nan"))
    coverage = measure_coverage(default_model, without_hed, training, {"no HED": ["hed"], "no TMB": ["tmb"]})
    assert list(coverage) == ["no TMB"]  # nobody had HED, so removing it tests nothing: left out, no NaN


def test_a_prediction_is_estimable_only_where_its_inputs_carry_it():
    from icilens.model import describe_estimability

    assert "2 of 17 inputs measured" in describe_estimability(0.31, 0.75, 2, 17)  # the RNA demo's patients
    assert "wider than 30 points" in describe_estimability(0.20, 0.60, 10, 17)
    assert describe_estimability(0.30, 0.42, 12, 17) == ""
    assert describe_estimability(0.30, 0.30, 17, 17) == ""
