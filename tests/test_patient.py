"""One patient's explanation: exact probability points, sentences, notes and what-if direction."""

import numpy as np
import pandas as pd
import pytest

from icilens.explain.patient import describe_drivers, explain_patient, format_value
from icilens.model.uncertainty import drop_features
from icilens.schema import FEATURES
from icilens.scoring.predictions import predict_cohort


def test_probability_points_add_up_for_every_demo_patient(default_model, demo_frame):
    table = predict_cohort(default_model, demo_frame, explain=True)
    for index in range(0, len(demo_frame), 1):
        explanation = explain_patient(default_model, demo_frame.iloc[[index]], table.iloc[index])
        assert explanation.base_probability + explanation.points.sum() == pytest.approx(
            explanation.probability, abs=1e-12
        )
        assert explanation.probability == pytest.approx(table["response_probability"].iloc[index], abs=1e-12)
        assert np.all(np.sign(explanation.points) == np.sign(explanation.shap))


def test_drivers_name_the_value_unit_and_direction(default_model, demo_frame):
    explanation = explain_patient(default_model, demo_frame.iloc[[4]])  # TMB 32.5 mut/Mb
    assert any("Tumour mutational burden = 32.5 mut/Mb raised" in s for s in explanation.drivers)
    assert len(explanation.drivers) == 3


def test_drivers_check_their_input():
    with pytest.raises(ValueError, match="one contribution per feature"):
        describe_drivers(pd.Series(dtype=object), np.zeros(3))


def test_notes_for_missing_out_of_range_and_unknown_type(default_model, demo_frame):
    patient = drop_features(demo_frame.iloc[[0]], ["hed"]).assign(nlr=80.0)
    patient["cancer_type"] = pd.Categorical(["Other"], dtype=demo_frame["cancer_type"].dtype)
    kinds = {(note.kind, note.field) for note in explain_patient(default_model, patient).notes}
    assert {("missing", "hed"), ("range", "nlr"), ("type", "cancer_type")} <= kinds


def test_what_if_more_albumin_and_no_prior_therapy_raise_the_probability(default_model, demo_frame):
    patient = demo_frame.iloc[[10]].copy()
    base = explain_patient(default_model, patient.assign(albumin=2.8)).probability
    assert explain_patient(default_model, patient.assign(albumin=4.6)).probability > base
    treated = patient.copy()
    treated["prior_systemic_therapy"] = pd.Categorical(["yes"], dtype=patient["prior_systemic_therapy"].dtype)
    untreated = patient.copy()
    untreated["prior_systemic_therapy"] = pd.Categorical(["no"], dtype=patient["prior_systemic_therapy"].dtype)
    assert explain_patient(default_model, untreated).probability > explain_patient(default_model, treated).probability


def test_format_value():
    assert format_value("albumin", 3.1) == "3.1 g/dL"
    assert format_value("pdl1_tps", 50.0) == "50.0%"
    assert format_value("nlr", None) == "missing"
    assert format_value("sex", "male") == "male"
    assert len(FEATURES) == 17


def test_what_if_curve_sweeps_one_feature_and_passes_through_the_patient(default_model, demo_frame):
    from icilens.explain.patient import what_if_curve

    patient = demo_frame.iloc[[3]]
    values, probabilities = what_if_curve(default_model, patient, "tmb")
    own = default_model.predict(patient).probability[0]
    assert values.min() <= patient["tmb"].iloc[0] <= values.max()
    assert np.interp(patient["tmb"].iloc[0], values, probabilities) == pytest.approx(own, abs=0.03)
    assert probabilities[-1] > probabilities[0]  # more TMB, more response: the model's monotone prior
    with pytest.raises(ValueError, match="numeric feature"):
        what_if_curve(default_model, patient, "sex")


def test_a_missing_input_is_never_a_driver_nor_a_bar_of_its_own(default_model, demo_frame):
    from icilens.explain.patient import waterfall_bars

    missing = ["prior_systemic_therapy", "platelets", "drug_class", "albumin", "nlr"]
    patient = drop_features(demo_frame.iloc[[7]], missing)
    explanation = explain_patient(default_model, patient)
    assert not any("= missing" in sentence for sentence in explanation.drivers)
    labels, bars = waterfall_bars(explanation)
    assert not any("= missing" in label for label in labels)
    gone = len(explanation.missing)  # the five removed, and any the patient lacked already
    assert gone >= 5 and labels[-1] == f"{gone} missing inputs together"
    assert len(labels) == len(FEATURES) - gone + 1
    assert bars.sum() == pytest.approx(explanation.points.sum(), abs=1e-12)  # still adds up to the prediction
    _, log_odds = waterfall_bars(explanation, log_odds=True)
    assert log_odds.sum() == pytest.approx(explanation.shap.sum(), abs=1e-12)
    together = [s for s in explanation.drivers if "missing inputs together" in s]
    assert len(together) <= 1  # said once, when it moved the prediction by half a point or more
    named = [note.text for note in explanation.notes if note.kind == "missing"]
    assert len(named) == gone and not any("moved" in text or "points" in text for text in named)  # named only


def test_with_nothing_missing_the_bars_are_the_inputs(default_model, demo_frame):
    from icilens.explain.patient import waterfall_bars

    complete = demo_frame.dropna(subset=list(FEATURES)).iloc[[0]]
    explanation = explain_patient(default_model, complete)
    labels, bars = waterfall_bars(explanation)
    assert labels == explanation.labels and np.array_equal(bars, explanation.points)
