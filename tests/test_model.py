"""The default model: loads from text files, never reads a missing value as 0, explains exactly."""

import json

import numpy as np
import pytest

from icilens.model import CARD_FILE, encode_features, load_model, save_model
from icilens.model.uncertainty import drop_features
from icilens.schema import FEATURES
from icilens.scoring.predictions import predict_cohort
from icilens.training import train_model


def test_default_model_card_describes_training_and_validation(default_model):
    card = default_model.card
    assert [f["name"] for f in card["features"]] == list(FEATURES)
    assert card["training"]["patients"] == 964 and card["training"]["responders"] == 282
    assert len(card["training"]["sha256"]) == 64
    validation = card["validation"]
    assert validation["patients"] == 515
    estimate, low, high = validation["overall"]["ICI Lens model"]["roc_auc"]
    assert 0.5 < low < estimate < high < 1
    assert set(validation["missing_feature_scenarios"]) == {
        "all features",
        "LORIS six only",
        "no genomics but TMB",
        "no blood values",
        "no TMB",
    }


def test_predictions_are_probabilities_inside_their_interval(default_model, demo_frame):
    prediction = default_model.predict(demo_frame)
    assert np.all((prediction.probability > 0) & (prediction.probability < 1))
    assert np.all(prediction.low <= prediction.high)
    assert np.mean((prediction.low <= prediction.probability) & (prediction.probability <= prediction.high)) > 0.9


def test_missing_is_not_zero(default_model, demo_frame):
    patients = demo_frame.head(50)
    as_missing = default_model.predict(drop_features(patients, ["albumin"])).probability
    as_zero = default_model.predict(patients.assign(albumin=0.0)).probability
    assert not np.allclose(as_missing, as_zero)
    assert np.isnan(encode_features(drop_features(patients, ["albumin"]))[:, FEATURES.index("albumin")]).all()


def test_shap_adds_up_to_the_model_output_for_every_demo_patient(default_model, demo_frame):
    table = predict_cohort(default_model, demo_frame, explain=True)
    shap_sum = table["shap_base"] + table[[f"shap_{f}" for f in FEATURES]].sum(axis=1)
    assert np.abs(shap_sum - table["model_output"]).max() < 1e-6


def test_missing_features_are_listed(default_model, demo_frame):
    table = predict_cohort(default_model, drop_features(demo_frame.head(3), ["hed", "msi"]))
    assert all({"hed", "msi"} <= set(names.split(";")) for names in table["missing_features"])


def test_albumin_direction_is_clinically_sensible(default_model, demo_frame):
    patients = demo_frame.head(100)
    low = default_model.predict(patients.assign(albumin=2.5)).probability
    high = default_model.predict(patients.assign(albumin=4.5)).probability
    assert np.all(high >= low) and np.mean(high > low) > 0.5


def test_model_files_are_text_and_round_trip(default_model, demo_frame, tmp_path):
    save_model(default_model, tmp_path)
    assert json.loads((tmp_path / CARD_FILE).read_text())["ensemble"]["members"] == len(default_model.boosters)
    assert (tmp_path / "model_00.txt").read_text().startswith("tree")
    again = load_model(tmp_path)
    np.testing.assert_allclose(again.predict(demo_frame).probability, default_model.predict(demo_frame).probability)


def test_load_refuses_a_folder_without_a_card(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"model_card\.json"):
        load_model(tmp_path)


def test_training_refuses_too_few_labelled_patients(demo_frame):
    with pytest.raises(ValueError, match="at least 50 patients"):
        train_model(demo_frame.head(20), "0" * 64)


def test_training_progress_moves_inside_the_settings_search_and_stops_when_asked(demo_frame):
    from icilens.training import TrainingCancelled

    seen: list[tuple[float, str]] = []
    with pytest.raises(TrainingCancelled, match="settings 1 of"):
        train_model(
            demo_frame,
            "0" * 64,
            progress=lambda done, step: seen.append((done, step)),
            should_stop=lambda: len(seen) >= 4,
        )
    fractions = [done for done, _ in seen]
    assert seen[0][1].startswith("settings 1 of") and seen[1][1].endswith("25 boosting rounds")
    assert fractions == sorted(set(fractions))  # it moves forward at every report, before the first grid point ends
