"""Choosing among the declared candidates by nested leave-one-cohort-out: no fold sees its held-out cohort."""

import json

import numpy as np
import pandas as pd
import pytest

from icilens.transcriptome.candidates import (
    SHIPPED,
    declared_candidates,
    signature_model_candidate,
    validation_cohorts,
)
from icilens.transcriptome.loco import with_ranks
from icilens.transcriptome.reference_cohorts import load_reference_cohorts, load_reference_pool, rank_against_reference
from icilens.transcriptome.selection import (
    CHOSEN,
    choose_candidate,
    select_nested,
    selection_by_fold,
    summarise_selection,
)
from icilens.transcriptome.signature_model import MODEL_FILE

FEW = ["Gide", "Riaz", "Van_Allen", "Miao1"]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return with_ranks(validation_cohorts(load_reference_cohorts()))


def _oracle_on(cohort: str):
    """A candidate that knows the answers of one cohort and guesses everywhere else."""

    def fit(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
        guess = np.random.default_rng(len(train)).random(len(test))
        return np.where(test["cohort"] == cohort, test["response"].to_numpy(dtype=float), guess)

    return fit


def test_a_candidate_perfect_on_the_held_out_cohort_is_not_chosen_for_it(table):
    # Chosen on the outer table, the oracle would win Gide's fold with an AUC of 1; nested, Gide's outcomes are out
    # of its own choice, so the other cohorts see the oracle guessing and keep the current model.
    few = table[table["cohort"].isin(FEW)].reset_index(drop=True)
    candidates = {"current model": signature_model_candidate, "oracle on Gide": _oracle_on("Gide")}
    result = select_nested(few, candidates, n_boot=50)  # the choice does not depend on the draws
    gide = next(fold for fold in result["folds"] if fold["cohort"] == "Gide")
    assert gide["chosen"] == "current model"
    outer = {cell["cohort"]: cell["auc"][0] for cell in result["outer"]["oracle on Gide"]["cohorts"]}
    assert outer["Gide"] == 1.0  # what choosing on the outer table would have rewarded
    chosen_outer = {cell["cohort"]: cell["auc"][0] for cell in result["outer"][CHOSEN]["cohorts"]}
    assert chosen_outer["Gide"] < 1.0


def test_every_fold_chooses_on_the_other_cohorts_only(table):
    few = table[table["cohort"].isin(FEW)].reset_index(drop=True)
    seen: list[tuple[frozenset, frozenset]] = []

    def spy(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
        seen.append((frozenset(train["cohort"]), frozenset(test["cohort"])))
        return signature_model_candidate(train, test)

    select_nested(few, {"current model": spy}, n_boot=50)
    # Per outer cohort: 3 inner fits that never hold it, then 1 fit that scores it; then 4 fits for the final choice.
    for index, cohort in enumerate(few["cohort"].unique()):
        fold = seen[4 * index : 4 * index + 4]
        assert all(cohort not in train | test for train, test in fold[:3])
        assert fold[3] == (frozenset(FEW) - {cohort}, frozenset({cohort}))
    assert len(seen) == 4 * 4 + 4


def test_ties_go_to_the_current_model_declared_first(table):
    few = table[table["cohort"].isin(FEW)].reset_index(drop=True)
    chosen, figures = choose_candidate(
        few, {"current model": signature_model_candidate, "copy": signature_model_candidate}
    )
    assert chosen == "current model" and figures["current model"] == figures["copy"]


def test_the_cards_choice_is_the_shipped_design_and_its_tables_read_whole():
    selection = json.loads(MODEL_FILE.read_text())["card"]["selection"]
    assert selection["declared"] == list(declared_candidates()) and selection["final"]["chosen"] == SHIPPED
    summary = summarise_selection(selection)
    assert list(summary["candidate"])[:-1] == selection["declared"] and len(summary) == 6
    assert sum(int(c.split(" of ")[0]) for c in summary["chosen in outer folds"] if c) == 11
    assert len(selection_by_fold(selection)) == 11


@pytest.mark.slow
def test_one_fold_of_the_card_is_what_its_other_cohorts_choose_now(table):
    selection = json.loads(MODEL_FILE.read_text())["card"]["selection"]
    fold = next(f for f in selection["folds"] if f["cohort"] == "Gide")
    chosen, figures = choose_candidate(table[table["cohort"] != "Gide"].reset_index(drop=True), declared_candidates())
    assert chosen == fold["chosen"]
    assert {k: round(v, 4) for k, v in figures.items()} == fold["inner"]


def test_a_patient_is_placed_among_reference_patients_of_the_same_cancer_type_when_there_are_enough():
    reference = load_reference_pool()  # whole transcriptomes: panels are ranked within themselves
    values = pd.DataFrame({"signature_ifng6": [reference["signature_ifng6"].median()]})
    melanoma = reference.loc[(reference["cancer_type"] == "Melanoma") & (reference["cohort"] != "Gide")]
    pool = melanoma["signature_ifng6"].dropna().to_numpy()
    value = values.iloc[0, 0]
    expected = ((pool < value).sum() + (pool <= value).sum()) / 2 / len(pool)
    placed = rank_against_reference(values, leave_out="Gide", cancer_type="Melanoma").iloc[0, 0]
    assert placed == pytest.approx(expected)
    # Seventeen brain tumours are too few to be a pool of their own: the patient is placed among all.
    assert rank_against_reference(values, cancer_type="Brain").iloc[0, 0] == pytest.approx(
        rank_against_reference(values).iloc[0, 0]
    )


def test_the_lightgbm_candidate_needs_no_scikit_learn_wrappers(table, monkeypatch):
    """The clinical model imports lightgbm without scikit-learn's wrappers (they cost a second at every start), so
    a candidate fitted after it in the same process must not use them."""
    import lightgbm

    from icilens.transcriptome.candidates import lightgbm_on_ranks

    def missing(*args, **kwargs):
        raise lightgbm.basic.LightGBMError("scikit-learn is required for lightgbm.sklearn")

    monkeypatch.setattr(lightgbm, "LGBMClassifier", missing)
    train, test = table[table["cohort"] != "Gide"], table[table["cohort"] == "Gide"]
    columns = [c.removeprefix("rank_") for c in table.columns if c.startswith("rank_signature_")]
    predicted = lightgbm_on_ranks(columns)(train, test)
    assert predicted.shape == (len(test),) and ((predicted > 0) & (predicted < 1)).all()
