"""Scoring files too large to hold in memory: the same intake, model and SHAP, chunk by chunk.

Intake reads the file by one plan (`icilens.intake.chunks`); each chunk is scored and its predictions are
written as they are made (`scoring.tables`), so memory stays flat however long the file is.
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icilens.intake.chunks import CHUNK_ROWS, ChunkedCohort, read_chunks
from icilens.scoring.predictions import predict_cohort
from icilens.scoring.tables import TableWriter


@dataclass
class BatchSummary:
    """What a chunked run did: patients, chunks, the first chunk's intake, and the findings tallied."""

    cohort: ChunkedCohort
    chunks: int


def release_memory() -> None:
    """Hand freed memory back to the system after a chunk (glibc keeps it otherwise, and RSS creeps up)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def predict_file(
    model,
    path: str | Path,
    destination: str | Path,
    explain: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int, int], None] | None = None,
    **choices: Any,
) -> BatchSummary:
    """Score a file chunk by chunk, writing each chunk's predictions as made; return the summary.

    progress(patients done, data lines in the file) is called after each chunk.
    """

    cohort, results = read_chunks(path, chunk_rows, **choices)
    writer = TableWriter(destination)
    chunks = 0
    try:
        for result in results:
            writer.write(predict_cohort(model, result.frame, explain=explain))
            chunks += 1
            release_memory()
            if progress is not None:
                progress(cohort.patients, cohort.plan.total_rows)
    finally:
        writer.close()
    return BatchSummary(cohort, chunks)


def check_file(
    path: str | Path,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int, int], None] | None = None,
    **choices: Any,
) -> BatchSummary:
    """Run intake over a file chunk by chunk without scoring it; return the summary with the findings tallied."""
    cohort, results = read_chunks(path, chunk_rows, **choices)
    chunks = 0
    for _ in results:
        chunks += 1
        if progress is not None:
            progress(cohort.patients, cohort.plan.total_rows)
    return BatchSummary(cohort, chunks)
