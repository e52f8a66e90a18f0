"""Validation on survival: the card's evidence is what the bundled cohorts give today, and its figures are right."""

import numpy as np
import pytest

from icilens.analysis.metrics import roc_auc
from icilens.analysis.survival import concordance_index, hazard_ratio_with_interval
from icilens.transcriptome import load_signature_model
from icilens.transcriptome.candidates import shipped_model_candidate
from icilens.transcriptome.endpoints import (
    MIN_SURVIVAL_PATIENTS,
    MODEL_SCORE,
    benefit_table,
    forest_rows,
    out_of_cohort_predictions,
    pooled_table,
    survival_table,
)
from icilens.transcriptome.loco import PROBABILITY_COLUMN, with_ranks
from icilens.transcriptome.reference_cohorts import load_reference_cohorts


@pytest.fixture(scope="module")
def reference():
    table = with_ranks(load_reference_cohorts())
    return table.assign(**{PROBABILITY_COLUMN: out_of_cohort_predictions(table, shipped_model_candidate)})


@pytest.fixture(scope="module")
def evidence():
    return load_signature_model().card["evidence"]


@pytest.mark.parametrize("endpoint", ["os", "pfs"])
@pytest.mark.slow
def test_the_cards_survival_tables_are_what_the_bundled_cohorts_give(reference, evidence, endpoint):
    computed = survival_table(reference, endpoint)
    carded = evidence[endpoint]["table"]
    assert [r["cohort"] for r in carded] == computed["cohort"].tolist()
    for row, (_, fresh) in zip(carded, computed.iterrows(), strict=True):
        assert (row["n"], row["events"]) == (fresh["n"], fresh["events"])
        for column, value in row.items():
            if isinstance(value, list):
                assert value == pytest.approx(list(fresh[column]), rel=1e-9), (row["cohort"], column)
    assert all(r["n"] >= MIN_SURVIVAL_PATIENTS and r["events"] >= 5 for r in carded)


def test_a_cohorts_figures_are_harrells_c_and_the_cox_ratio_per_sd_of_its_patients(reference, evidence):
    gide = reference[reference["cohort"] == "Gide"]
    score = gide["signature_ifng6"].to_numpy()
    row = next(r for r in evidence["os"]["table"] if r["cohort"] == "Gide")
    assert row["IFN-gamma 6: C"][0] == pytest.approx(concordance_index(gide["os_months"], gide["os_event"], score))
    ratio = hazard_ratio_with_interval(gide["os_months"], gide["os_event"], (score - score.mean()) / score.std(ddof=1))
    assert row["IFN-gamma 6: HR per SD"] == pytest.approx(list(ratio))
    # a higher IFN-gamma 6 goes with longer survival in Gide: C above one half, hazard ratio below one
    assert row["IFN-gamma 6: C"][0] > 0.5 and row["IFN-gamma 6: HR per SD"][0] < 1


def test_the_model_is_scored_on_each_cohort_by_a_fit_that_never_saw_it(reference):
    # Fitting without Gide and predicting Gide gives the probabilities the evidence used for Gide.
    held = (reference["cohort"] == "Gide").to_numpy()
    from icilens.transcriptome.candidates import validation_cohorts

    train = validation_cohorts(reference)
    alone = shipped_model_candidate(train[train["cohort"] != "Gide"], reference.loc[held])
    assert np.allclose(alone, reference.loc[held, PROBABILITY_COLUMN], equal_nan=True)
    everything = shipped_model_candidate(train, reference.loc[held])
    assert not np.allclose(everything, alone, equal_nan=True)


def test_the_forest_rows_and_the_pooled_table_read_the_card(evidence):
    rows, pooled = forest_rows(evidence, "os", f"{MODEL_SCORE}: C")
    assert len(rows) == len([r for r in evidence["os"]["table"] if r.get(f"{MODEL_SCORE}: C")]) >= 10
    assert pooled is not None and pooled[1] < pooled[0] < pooled[2]
    assert rows["label"].str.match(r"^[A-Za-z ]+ \(\d+\)$").all()
    table = pooled_table(evidence)
    assert set(table["figure"]) >= {"Response: ROC AUC", "Overall survival: Harrell's C"}
    assert table["pooled (95% CI)"].str.match(r"^\d\.\d\d \(95% CI \d\.\d\d to \d\.\d\d\)$").all()


@pytest.mark.slow
def test_the_study_responder_call_is_judged_only_where_the_model_never_saw_the_cohort(reference, evidence):
    computed = benefit_table(reference)
    carded = evidence["benefit"]["table"]
    assert [r["cohort"] for r in carded] == computed["cohort"].tolist() and len(carded) >= 5
    for row in carded:
        patients = reference[reference["cohort"] == row["cohort"]]
        assert patients["response"].isna().all()  # no RECIST call: never among the model's fits
        called = patients[patients["study_response"].notna()]
        assert (row["n"], row["responders"]) == (len(called), int(called["study_response"].sum()))
        auc = roc_auc(called["study_response"], called[PROBABILITY_COLUMN])
        assert row[MODEL_SCORE][0] == pytest.approx(auc) and row[MODEL_SCORE][1] <= auc <= row[MODEL_SCORE][2]
    assert evidence["benefit"]["pooled"][MODEL_SCORE]["cohorts"] == len(carded)
    # the model against IFN-gamma 6 there: per cohort the difference of the two AUCs on the same patients
    differences = evidence["benefit"]["difference_from_benchmark"]["cohorts"]
    assert {d["cohort"] for d in differences} <= {r["cohort"] for r in carded} and len(differences) >= 5
    for cell in differences:
        called = reference[(reference["cohort"] == cell["cohort"]) & reference["study_response"].notna()]
        called = called[called["signature_ifng6"].notna() & called[PROBABILITY_COLUMN].notna()]
        gap = roc_auc(called["study_response"], called[PROBABILITY_COLUMN]) - roc_auc(
            called["study_response"], called["signature_ifng6"]
        )
        assert cell["difference"][0] == pytest.approx(gap, abs=1e-4)


def test_the_survival_anchor_quotes_compass_and_splits_ours_before_reading_outcomes(reference, evidence):
    from icilens.analysis.survival import logrank_test, survival_at
    from icilens.transcriptome.anchors import COMPASS_SURVIVAL, anchor_table

    anchors = evidence["os"]["anchors"]
    assert {r["cohort"] for r in anchors if r["score"] == "COMPASS (published)"} == set(COMPASS_SURVIVAL)
    liu = next(r for r in anchors if r["cohort"] == "Liu" and r["score"] == MODEL_SCORE)
    patients = reference[(reference["cohort"] == "Liu") & reference["os_months"].notna()]
    upper = (patients[PROBABILITY_COLUMN] > patients[PROBABILITY_COLUMN].quantile(2 / 3)).to_numpy()
    assert liu["n"] == [int(upper.sum()), int((~upper).sum())]  # a third of the cohort, whatever its outcomes
    months, events = patients["os_months"].to_numpy(), patients["os_event"].to_numpy()
    assert liu["high"][0] == pytest.approx(survival_at(months[upper], events[upper], 12)[0], abs=1e-4)
    assert liu["p"] == pytest.approx(logrank_test(months, events, upper)[1], rel=1e-4)
    table = anchor_table(evidence)
    assert table["12-month survival, other"].str.match(r"^\d+% \(\d+% to \d+%\)$").all()
