"""One reading per patient: both predictions, each with its validation, and whether they agree."""

import numpy as np
import pandas as pd

from icilens.explain import explain_patient
from icilens.schema import FEATURES
from icilens.transcriptome import load_signature_model
from icilens.transcriptome.candidates import SIGNATURES
from icilens.transcriptome.reading import read_patient
from icilens.transcriptome.rna_predictions import HIGH, LOW, PROBABILITY, REASON, shap_transcriptome_column
from icilens.transcriptome.signature_model import explain_response, predict_response
from icilens.transcriptome.wording import base_probability


def _row(percentile: float, **by_signature: float) -> pd.Series:
    model = load_signature_model()
    ranks = pd.DataFrame({f"rank_{s}": [by_signature.get(s, percentile)] for s in SIGNATURES})
    predicted, shares = predict_response(model, ranks), explain_response(model, ranks)
    return pd.Series(
        {PROBABILITY: predicted.loc[0, "probability"], LOW: predicted.loc[0, "low"], HIGH: predicted.loc[0, "high"]}
        | {REASON: "", "transcriptome_percentiles": "against the reference cohorts"}
        | {shap_transcriptome_column(s): shares.loc[0, s] for s in SIGNATURES}
        | {"percentile_" + s.removeprefix("signature_"): ranks.loc[0, f"rank_{s}"] for s in SIGNATURES}
    )


def test_the_two_predictions_agree_or_disagree_by_where_each_places_the_patient(default_model, demo_frame):
    card = default_model.card
    scored = [explain_patient(default_model, demo_frame.iloc[[i]]) for i in range(40)]
    high = max(scored, key=lambda e: e.probability)
    assert not high.not_estimable and high.probability > card["training"]["response_rate"]
    agree = read_patient(high, card, _row(0.9), load_signature_model())
    assert agree.verdict.startswith("The two agree: both place this patient above")
    assert "Clinical model: " in agree.clinical and "ROC AUC 0.74" in agree.clinical
    assert "on average, at the 90th percentile of treated reference patients" in agree.transcriptome
    disagree = read_patient(high, card, _row(0.1), load_signature_model())
    assert disagree.verdict.startswith("The two disagree") and "Transcriptome side:" in disagree.verdict


def test_an_inestimable_clinical_prediction_leaves_the_transcriptome_alone(default_model, demo_frame):
    sparse = demo_frame.iloc[[0]].copy()
    sparse[[f for f in FEATURES if f not in ("cancer_type", "drug_class")]] = np.nan
    explanation = explain_patient(default_model, sparse)
    assert explanation.not_estimable
    reading = read_patient(explanation, default_model.card, _row(0.7), load_signature_model())
    assert reading.clinical.startswith("Clinical model: not estimable (2 of 17 inputs measured")
    assert reading.verdict.startswith("Only the transcriptome reading stands")
    assert read_patient(explanation, default_model.card, None, load_signature_model()) is None


def test_the_transcriptome_side_is_the_models_own_not_the_plain_mean_of_the_percentiles(default_model, demo_frame):
    # The shipped weights give CYT a negative weight: a top CYT with the others a little below the middle puts the
    # plain mean above one half and the model's own prediction below its average patient's.
    model = load_signature_model()
    row = _row(0.45, signature_cyt=1.0)
    percentiles = [row["percentile_" + s.removeprefix("signature_")] for s in SIGNATURES]
    assert np.mean(percentiles) > 0.5 and row[PROBABILITY] < base_probability(model)
    scored = [explain_patient(default_model, demo_frame.iloc[[i]]) for i in range(40)]
    high = max(scored, key=lambda e: e.probability)
    reading = read_patient(high, default_model.card, row, model)
    assert reading.verdict.startswith("The two disagree") and f"its average ({base_probability(model):.0%}" in (
        reading.verdict
    )
    within = read_patient(
        high, default_model.card, row.copy().replace({"against the reference cohorts": "within this upload"}), model
    )
    assert "percentile of this upload" in within.transcriptome
