"""The bundled reference cohorts, the percentile scales and the transcriptome model built on them."""

import json

import numpy as np
import pandas as pd
import pytest

from icilens.transcriptome.candidates import SIGNATURES, validation_cohorts
from icilens.transcriptome.reference_cohorts import (
    describe_reference_cohorts,
    list_panel_cohorts,
    load_reference_cohorts,
    load_reference_pool,
    place_cohort,
    rank_against_reference,
    rank_within_cohort,
)
from icilens.transcriptome.signature_model import (
    KIND,
    MIN_SIGNATURES,
    SignatureModel,
    explain_response,
    fit_signature_model,
    load_signature_model,
    predict_response,
    save_signature_model,
)

REFERENCE = load_reference_cohorts()


def test_the_held_out_cohorts_are_not_bundled_and_labels_follow_recist():
    assert not REFERENCE["cohort"].str.contains("Mariathasan|Kim", case=False).any()
    assert set(REFERENCE["response"].dropna().unique()) == {0.0, 1.0}
    responders = REFERENCE.loc[REFERENCE["response"] == 1, "recist"].str.upper().str.rstrip("*").str.strip()
    assert set(responders) <= {"CR", "PR"}
    stable = REFERENCE[REFERENCE["recist"].str.strip().eq("SD").fillna(False)]
    assert (stable["response"] == 0).all()  # stable disease is counted as no response
    assert not REFERENCE[["cohort", "patient"]].duplicated().any()


def test_the_cohort_table_agrees_with_the_patients():
    cohorts = describe_reference_cohorts().set_index("cohort")
    counted = REFERENCE.groupby("cohort").agg(patients=("patient", "size"), responders=("response", "sum"))
    assert (cohorts.loc[counted.index, "patients"] == counted["patients"]).all()
    assert (cohorts.loc[counted.index, "responders"] == counted["responders"]).all()
    sources = cohorts["source"].str.extract(r"^([^@]+)@([0-9a-f]{40}): ")
    assert set(map(tuple, sources.to_numpy())) == {
        ("bhklab/ClinSets", "b26e9c2824de95c9b1988bb9b13e421cff556f71"),
        ("Chengxugorilla/tigeR.data", "72a61efcd9011628d26760f42433aef270c27e87"),
    }
    prat = REFERENCE[REFERENCE["cohort"] == "Prat"]  # Prat 2017 (GSE93157): anti-PD-1, days turned to months
    assert len(prat) == 52 and prat["response"].sum() == 17 and prat["os_event"].sum() == 35
    assert prat["os_months"].max() == pytest.approx(966 / (365.25 / 12), abs=0.01)


def test_panel_cohorts_are_ranked_within_themselves_and_kept_out_of_the_pool():
    assert list_panel_cohorts() == {"Hwang", "Jerby_Arnon", "Prat", "Roh", "VanDenEnde"}
    assert not load_reference_pool()["cohort"].isin(list_panel_cohorts()).any()
    prat = REFERENCE.loc[REFERENCE["cohort"] == "Prat", ["signature_cyt"]]
    assert prat["signature_cyt"].min() > load_reference_pool()["signature_cyt"].median()  # the panel's own unit
    pd.testing.assert_frame_equal(place_cohort(prat, "Prat"), rank_within_cohort(prat))
    gide = REFERENCE.loc[REFERENCE["cohort"] == "Gide", ["signature_cyt"]]
    pd.testing.assert_frame_equal(place_cohort(gide, "Gide"), rank_against_reference(gide, leave_out="Gide"))


def test_validation_keeps_recist_cohorts_whose_signatures_were_measured():
    table = validation_cohorts(REFERENCE)
    assert {"Gide", "Hugo", "Liu", "Riaz", "Van_Allen", "Miao1"} <= set(table["cohort"])
    assert "Jerby_Arnon" not in set(table["cohort"])  # a targeted panel without the signatures' genes
    assert "Prat" in set(table["cohort"])  # a panel with three of the model's five signatures
    assert "Roh" not in set(table["cohort"])  # a panel with two
    assert table["response"].notna().all() and table.groupby("cohort")["response"].nunique().eq(2).all()


def test_percentiles_are_within_each_cohort_and_missing_for_a_cohort_too_small_to_rank():
    values = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0] * 3 + [5.0, 6.0]})
    cohorts = pd.Series(["a"] * 12 + ["b"] * 2)
    ranks = rank_within_cohort(values, cohorts)["x"]
    assert ranks.iloc[:12].between(0, 1).all() and ranks.iloc[3] > ranks.iloc[0]
    assert ranks.iloc[12:].isna().all()


def test_a_single_patient_is_placed_against_the_pooled_reference():
    gep = REFERENCE["signature_gep"].dropna()
    one = pd.DataFrame({"signature_gep": [gep.max() + 1, gep.min() - 1, gep.median()]})
    ranked = rank_against_reference(one)["signature_gep"]
    assert ranked.iloc[0] == 1.0 and ranked.iloc[1] == 0.0 and ranked.iloc[2] == pytest.approx(0.5, abs=0.01)


def patients(*rows):
    return pd.DataFrame([dict(zip([f"rank_{s}" for s in SIGNATURES], row, strict=True)) for row in rows])


@pytest.mark.parametrize("weights", [None, (0.3, -0.1, 0.2, 0.25, 0.15)], ids=["equal", "weighted"])
def test_the_explanation_is_exact_and_the_range_holds_the_prediction(weights):
    model = SignatureModel(intercept=-0.5, slope=1.3, weights=weights)
    table = patients((0.9, 0.8, 0.7, 0.95, 0.6), (0.1, np.nan, 0.3, 0.2, np.nan))
    predicted = predict_response(model, table)
    shares = explain_response(model, table)
    logit = np.log(predicted["probability"] / (1 - predicted["probability"]))
    np.testing.assert_allclose(shares.sum(axis=1, skipna=True), logit - model.intercept)
    assert predicted.loc[0, "low"] == pytest.approx(predicted.loc[0, "probability"])  # nothing missing
    assert predicted.loc[1, "low"] < predicted.loc[1, "probability"] < predicted.loc[1, "high"]
    assert shares.loc[1].isna().sum() == 2  # a signature not measured is never a driver
    if weights is not None:  # each share is the slope x its weight x its distance from the middle
        np.testing.assert_allclose(shares.loc[0], 1.3 * np.array(weights) * (table.loc[0].to_numpy() - 0.5))


def test_weights_fitted_on_a_cohort_rank_patients_by_the_weighted_mean():
    rng = np.random.default_rng(0)
    table = patients(*rng.uniform(size=(60, len(SIGNATURES)))).assign(response=rng.integers(0, 2, 60))
    weights = (0.4, 0.3, 0.1, 0.1, 0.1)
    model = fit_signature_model(table, weights=weights)
    weighted = table[[f"rank_{s}" for s in SIGNATURES]].to_numpy() @ np.array(weights)
    probability = predict_response(model, table)["probability"].to_numpy()
    assert np.corrcoef(weighted, probability)[0, 1] * np.sign(model.slope) > 0.99


def test_fewer_than_three_signatures_give_no_prediction():
    model = SignatureModel(intercept=0.0, slope=1.0)
    table = patients((0.9, 0.9, np.nan, np.nan, np.nan))
    assert MIN_SIGNATURES == 3
    assert predict_response(model, table)[["probability", "low", "high"]].isna().all(axis=None)


def test_the_bundled_model_and_its_card_report_every_validation_cohort(tmp_path):
    model = load_signature_model()
    assert model.slope > 0
    table = model.card["validation"]["table"]
    assert len(table) == len(validation_cohorts(REFERENCE)["cohort"].unique())
    for row in table:
        auc, low, high = row["ICI Lens transcriptome model"]
        assert low <= auc <= high and row["n"] >= 10
    assert model.weights is not None and sum(abs(w) for w in model.weights) == pytest.approx(1)
    assert any("Of the other trained models compared" in sentence for sentence in model.card["verdict"])
    save_signature_model(model, tmp_path / "m.json")
    assert load_signature_model(tmp_path / "m.json") == model


def test_a_file_of_another_kind_or_with_unknown_signatures_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"kind": "lightgbm", "intercept": 0, "slope": 1, "signatures": ["signature_gep"]}))
    with pytest.raises(ValueError, match="not a transcriptome model"):
        load_signature_model(path)
    path.write_text(json.dumps({"kind": KIND, "intercept": 0, "slope": 1, "signatures": ["x"]}))
    with pytest.raises(ValueError, match="does not compute"):
        load_signature_model(path)
    older = {
        "kind": "calibrated mean signature percentile",
        "intercept": 0.1,
        "slope": 1,
        "signatures": ["signature_gep"],
    }
    path.write_text(json.dumps(older | {"weights": [2.0]}))  # written before weights: read as the equal-weight mean
    assert load_signature_model(path).weights is None
    wrong = {"kind": KIND, "intercept": 0, "slope": 1, "signatures": list(SIGNATURES), "weights": [1.0, "nan"]}
    path.write_text(json.dumps(wrong))
    with pytest.raises(ValueError, match="one finite weight per signature"):
        load_signature_model(path)


def test_the_words_name_measured_signatures_and_their_points_add_up_to_the_move():
    from icilens.transcriptome.rna_predictions import PERCENTILES, PROBABILITY, shap_transcriptome_column
    from icilens.transcriptome.wording import (
        base_probability,
        describe_level,
        describe_transcriptome_drivers,
        ordinal,
        signature_points,
    )

    model = SignatureModel(intercept=-0.5, slope=1.3)
    table = patients((0.95, np.nan, 0.7, 0.9, 0.05))
    predicted = predict_response(model, table)
    shares = explain_response(model, table)
    row = pd.Series(
        {PROBABILITY: predicted.loc[0, "probability"], PERCENTILES: "within this upload"}
        | {shap_transcriptome_column(s): shares.loc[0, s] for s in SIGNATURES}
        | {"percentile_" + s.removeprefix("signature_"): table.loc[0, f"rank_{s}"] for s in SIGNATURES}
    )
    points = signature_points(row, model)
    assert points.sum() == pytest.approx((row[PROBABILITY] - base_probability(model)) * 100)
    assert np.isnan(points["signature_ifng6"])  # not measured: never a driver
    sentences = describe_transcriptome_drivers(row, model)
    assert sentences and not any("IFN-gamma" in s for s in sentences)
    assert any(s.startswith("CYT, in the top decile of this upload, raised") for s in sentences)
    assert any("TLS, in the bottom decile of this upload, lowered" in s for s in sentences)
    assert [describe_level(p) for p in (0.95, 0.7, 0.5, 0.2, 0.05)] == [
        "in the top decile",
        "high",
        "mid-range",
        "low",
        "in the bottom decile",
    ]
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 92)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "92nd",
    ]
