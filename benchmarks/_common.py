"""Helpers shared by the benchmark scripts: timing medians and synthetic large cohorts."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def median_seconds(action, runs: int = 5) -> float:
    """Return the median wall time of action() over runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def large_cohort_csv(rows: int, seed: int = 0) -> bytes:
    """Return a CSV of `rows` patients resampled from the real 2018 file, in the MSK format."""
    raw = pd.read_csv(ROOT / "assets" / "data" / "msk_icb_2022" / "chowell_test_2018.csv")
    sample = raw.sample(rows, replace=True, random_state=np.random.RandomState(seed)).reset_index(drop=True)
    sample["SAMPLE_ID"] = np.arange(1, rows + 1)
    return sample.to_csv(index=False).encode()
