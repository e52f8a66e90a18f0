"""Scores for a cohort: the model's predictions with their ranges, the reference scores (LORIS, TMB >= 10),
files too large for memory read and scored in chunks or on a Dask cluster, and the tables written.
"""

from icilens.scoring.chunked import check_file, predict_file
from icilens.scoring.cluster import list_partitions, predict_on_cluster, start_client
from icilens.scoring.loris import (
    compute_loris,
    describe_loris_recalibration,
    fit_loris_recalibration,
    recalibrated_loris,
)
from icilens.scoring.predictions import (
    build_patient_table,
    describe_first_ranked,
    filter_patients,
    flag_at_threshold,
    loris_recalibration,
    predict_cohort,
    readable_predictions,
)
from icilens.scoring.tables import write_table

__all__ = [
    "build_patient_table",
    "check_file",
    "compute_loris",
    "describe_first_ranked",
    "describe_loris_recalibration",
    "filter_patients",
    "fit_loris_recalibration",
    "flag_at_threshold",
    "list_partitions",
    "loris_recalibration",
    "predict_cohort",
    "predict_file",
    "predict_on_cluster",
    "readable_predictions",
    "recalibrated_loris",
    "start_client",
    "write_table",
]
