"""Scores for a cohort: the model's predictions with their ranges, the reference scores (LORIS, TMB >= 10),
files too large for memory read and scored in chunks or on a Dask cluster, and the tables written.
"""

from typing import TYPE_CHECKING

from icilens.face import lazy_face

_HOMES = {
    "build_patient_table": "predictions",
    "check_file": "chunked",
    "compute_loris": "reference",
    "describe_loris_recalibration": "reference",
    "filter_patients": "predictions",
    "flag_at_threshold": "predictions",
    "fit_loris_recalibration": "reference",
    "list_partitions": "cluster",
    "loris_recalibration": "predictions",
    "predict_cohort": "predictions",
    "predict_file": "chunked",
    "predict_on_cluster": "cluster",
    "readable_predictions": "predictions",
    "recalibrated_loris": "reference",
    "start_client": "cluster",
    "write_table": "tables",
}
__all__ = [
    "build_patient_table",
    "check_file",
    "compute_loris",
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
__getattr__, __dir__ = lazy_face(__name__, _HOMES)

if TYPE_CHECKING:
    from icilens.scoring.chunked import check_file, predict_file
    from icilens.scoring.cluster import list_partitions, predict_on_cluster, start_client
    from icilens.scoring.predictions import (
        build_patient_table,
        filter_patients,
        flag_at_threshold,
        loris_recalibration,
        predict_cohort,
        readable_predictions,
    )
    from icilens.scoring.reference import (
        compute_loris,
        describe_loris_recalibration,
        fit_loris_recalibration,
        recalibrated_loris,
    )
    from icilens.scoring.tables import write_table
