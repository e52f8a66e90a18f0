"""The training run (`run`: fit the ensemble, calibrate, measure the range from missing inputs, fit the
reference scores), the validation of a model on patients it did not see (`evaluation`) and a model trained on
one's own cohort weighed against the default (`judgement`). It sits above the stages it orchestrates."""

from icilens.training.evaluation import (
    calibration_ci_text,
    coverage_table,
    describe_against_loris,
    describe_calibration,
    evaluate_model,
    feature_availability,
    fit_logistic_baseline,
    format_report,
    missing_feature_costs,
    net_benefit_table,
    summarise_scores,
    usable_scores,
    validation_tables,
)
from icilens.training.judgement import format_judgement, judge_trained_model, judgement_table
from icilens.training.run import TrainingCancelled, train_model

__all__ = [
    "TrainingCancelled",
    "calibration_ci_text",
    "coverage_table",
    "describe_against_loris",
    "describe_calibration",
    "evaluate_model",
    "feature_availability",
    "fit_logistic_baseline",
    "format_judgement",
    "format_report",
    "judge_trained_model",
    "judgement_table",
    "missing_feature_costs",
    "net_benefit_table",
    "summarise_scores",
    "train_model",
    "usable_scores",
    "validation_tables",
]
