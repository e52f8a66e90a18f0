"""Scoring across a Dask cluster: the same intake, model and exact SHAP, one Parquet part per partition.

The client reads the first chunk of the first file and decides, as intake does for any file, which column
is which field and in which unit; that plan, and the model as its LightGBM text files (zipped, never
pickled), go to the workers. Each worker reads its own slice of the input (Parquet row groups) from the
shared file system, scores it chunk by chunk and writes its part of the output itself, so patient rows never
pass through the client. What comes back is small: counts, findings tallied per kind, and id hashes to find
ids repeated across partitions.
"""

from __future__ import annotations

import glob
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from icilens.intake import IntakeError, IntakeResult
from icilens.intake.chunks import CHUNK_ROWS, FindingTally, Plan, decide_plan, read_chunks
from icilens.model.zips import model_from_zip, model_to_zip
from icilens.scoring.chunked import release_memory
from icilens.scoring.predictions import predict_cohort
from icilens.scoring.tables import TableWriter
from icilens.vocabulary import FindingCode, Severity

PART_ROWS = 500_000  # rows of input per partition (whole Parquet row groups)


@dataclass(frozen=True)
class Partition:
    """One task: a contiguous run of row groups of one Parquet file, and the patients before it overall."""

    index: int
    path: str
    row_groups: tuple[int, ...]
    patients_before: int


def list_partitions(pattern: str, part_rows: int = PART_ROWS) -> tuple[list[Partition], int]:
    """Return the partitions of the Parquet files a glob pattern names, in file and row order, and the total rows."""
    import pyarrow.parquet as pq  # pyarrow loads only for Parquet

    paths = sorted(glob.glob(pattern)) or ([pattern] if Path(pattern).is_file() else [])
    if not paths:
        raise IntakeError(f"no file matches {pattern!r}; give a Parquet file or a pattern such as 'data/*.parquet'.")
    others = [p for p in paths if Path(p).suffix.lower() != ".parquet"]
    if others:
        raise IntakeError(
            f"{Path(others[0]).name}: a cluster reads Parquet files (row groups split the work); convert it, "
            "or score it on one machine without --dask/--scheduler."
        )
    partitions: list[Partition] = []
    before = 0
    for path in paths:
        metadata = pq.ParquetFile(path).metadata
        groups: list[int] = []
        rows = 0
        for group in range(metadata.num_row_groups):
            groups.append(group)
            rows += metadata.row_group(group).num_rows
            if rows >= part_rows or group == metadata.num_row_groups - 1:
                partitions.append(Partition(len(partitions), path, tuple(groups), before))
                before += rows
                groups, rows = [], 0
    return partitions, before


@dataclass
class ClusterSummary:
    """What a cluster run did: the plan's first chunk, patients and parts written, findings tallied."""

    first: IntakeResult
    patients: int
    parts: list[str]
    tally: FindingTally
    features_present: set[str]


def predict_on_cluster(
    model,
    pattern: str,
    out_dir: str | Path,
    client,
    explain: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    part_rows: int = PART_ROWS,
    **choices: Any,
) -> ClusterSummary:
    """Score every partition on the cluster's workers; each writes out_dir/part-NNNNN.parquet. Return the summary."""

    partitions, total = list_partitions(pattern, part_rows)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    decided, plan = decide_plan(partitions[0].path, total_rows=total, **choices)
    model_zip = client.scatter(model_to_zip(model), broadcast=True)
    futures = client.map(
        score_partition,
        partitions,
        model_zip=model_zip,
        plan=plan,
        out_dir=str(out),
        explain=explain,
        chunk_rows=chunk_rows,
        pure=False,
    )
    tally = FindingTally()
    tally.add(decided.findings[decided.findings["row"].isna()])  # how each column was read: said once
    patients, features, hashes = 0, set(), []
    for result in client.gather(futures):
        patients += result["patients"]
        features |= result["features_present"]
        tally.merge(result["tally"])
        hashes.append(result["id_hashes"])
    _report_repeats_across_parts(hashes, tally)
    parts = [str(out / part_name(p.index)) for p in partitions]
    return ClusterSummary(decided, patients, parts, tally, features)


def part_name(index: int) -> str:
    """Return the file name of one output part."""
    return f"part-{index:05d}.parquet"


def score_partition(
    partition: Partition, model_zip: bytes, plan: Plan, out_dir: str, explain: bool, chunk_rows: int
) -> dict[str, Any]:
    """Score one partition on a worker and write its part; return counts, findings tallied and id hashes."""

    model = _model(model_zip)
    cohort, results = read_chunks(
        partition.path, chunk_rows, plan=plan, part=(list(partition.row_groups), partition.patients_before)
    )
    writer = TableWriter(Path(out_dir) / part_name(partition.index))
    hashes = []
    try:
        for result in results:
            writer.write(predict_cohort(model, result.frame, explain=explain))
            release_memory()
            hashes.append(np.unique(pd.util.hash_array(result.frame["patient_id"].to_numpy(dtype=object))))
    finally:
        writer.close()
    return {
        "patients": cohort.patients,
        "features_present": cohort.features_present,
        "tally": cohort.tally,
        "id_hashes": np.unique(np.concatenate(hashes)) if hashes else np.empty(0, dtype=np.uint64),
    }


@lru_cache(maxsize=2)
def _model_from(digest: str, model_zip: bytes):

    return model_from_zip(model_zip, "model.zip", isolate=False)  # the client read this zip in isolation already


def _model(model_zip: bytes):
    """Return the model of a zip of LightGBM text files, built once per worker process."""
    return _model_from(hashlib.sha256(model_zip).hexdigest(), model_zip)


def _report_repeats_across_parts(hashes: list[np.ndarray], tally: FindingTally) -> None:
    """Count ids that appear in more than one partition (each partition settles its own repeats)."""
    if len(hashes) < 2:
        return
    joined = np.concatenate(hashes)
    _, counts = np.unique(joined, return_counts=True)
    repeated = int((counts > 1).sum())
    if repeated:
        tally.add(
            pd.DataFrame(
                {
                    "row": pd.array([None], dtype="Int64"),
                    "column": "patient_id",
                    "value": f"{repeated} ids",
                    "problem": "duplicate patient ids in different partitions",
                    "action": "kept as written (each partition is scored on its own); de-duplicate the export",
                    "severity": str(Severity.WARNING),
                    "code": str(FindingCode.DUPLICATE_ID),
                }
            )
        )


def start_client(scheduler: str | None = None, workers: int = 2):
    """Return a Dask client: to the scheduler at an address, or to a local cluster of worker processes."""
    from distributed import Client, LocalCluster  # Dask's distributed is optional and needed only on a cluster

    if scheduler:
        return Client(scheduler)
    # One thread per worker: the cores go to processes, and LightGBM is told to use one thread each.
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    return Client(cluster)
