"""The reference scores reproduce the published figures on the bundled 2018 patients."""

import pandas as pd

from icilens.analysis.metrics import roc_auc
from icilens.scoring.loris import compute_loris, flag_tmb_high, recalibrated_loris


def test_loris_reaches_the_published_auc(demo_frame):
    auc = roc_auc(demo_frame["response"].astype(float), compute_loris(demo_frame))
    assert round(auc, 3) == 0.754


def test_tmb_alone_reaches_the_published_auc(demo_frame):
    assert round(roc_auc(demo_frame["response"].astype(float), demo_frame["tmb"]), 3) == 0.648


def test_loris_by_hand_for_one_patient(demo_frame):
    patient = demo_frame.iloc[[0]]  # Endometrial, TMB 32.5, prior therapy, albumin 4.3, NLR 1.19
    s = (
        0.0371 * 32.5
        - 0.8775
        + 0.5382 * 4.3
        - 0.033 * 1.19
        + 0.0049 * min(float(patient["age"].iloc[0]), 85)
        - 0.0079
        - 2.0886
    )
    assert abs(compute_loris(patient).iloc[0] - 1 / (1 + 2.718281828459045**-s)) < 1e-9


def test_loris_is_undefined_without_its_inputs(demo_frame):
    frame = demo_frame.head(3).copy()
    frame["albumin"] = float("nan")
    assert compute_loris(frame).isna().all()


def test_tmb_high_threshold():
    frame = pd.DataFrame({"tmb": [9.99, 10.0, None]})
    assert flag_tmb_high(frame).tolist() == [False, True, pd.NA]


def test_recalibrated_loris_is_a_probability_on_the_2018_patients(demo_frame, default_model):
    """Fitted on 2015-2017 only, the recalibrated mean lands near the 2018 response rate; the raw score does not."""
    recalibration = default_model.card["references"]["loris_recalibration"]
    assert recalibration["patients"] == 964
    observed = demo_frame["response"].astype(float).mean()
    assert abs(recalibrated_loris(demo_frame, recalibration).mean() - observed) < 0.03
    assert compute_loris(demo_frame).mean() - observed > 0.15  # balanced class weights: not a probability
    auc = roc_auc(demo_frame["response"].astype(float), recalibrated_loris(demo_frame, recalibration))
    assert round(auc, 3) == 0.754  # a monotone recalibration keeps the ranking


def test_training_reproduces_the_recalibration_in_the_card(default_model):
    from icilens.datasets import training_path
    from icilens.intake import read_cohort
    from icilens.scoring.loris import fit_loris_recalibration

    training = read_cohort(training_path()).frame
    labelled = training[training["response"].notna()].reset_index(drop=True)
    assert fit_loris_recalibration(labelled) == default_model.card["references"]["loris_recalibration"]
