"""Helpers shared by the benchmark scripts: timing medians and synthetic large cohorts."""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import urllib.request
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
    raw = pd.read_csv(ROOT / "src" / "icilens" / "bundled" / "msk_icb_2022" / "chowell_test_2018.csv")
    sample = raw.sample(rows, replace=True, random_state=np.random.RandomState(seed)).reset_index(drop=True)
    sample["SAMPLE_ID"] = np.arange(1, rows + 1)
    return sample.to_csv(index=False).encode()


def free_port() -> int:
    """Return a free TCP port on localhost."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(wait: bool = True) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run serve.py` on a free localhost port; return the process and its URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "serve.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300 if wait else 0):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return process, url


MSK_COLUMNS = [
    "SAMPLE_ID", "TMB", "PDL1_TPS(%)", "Systemic_therapy_history", "Albumin", "CancerType", "NLR", "Age", "FCNA",
    "Drug", "Sex", "MSI", "Stage", "HLA_LOH", "HED", "Platelets", "HGB", "BMI", "Response",
    "OS_Months", "OS_Event", "PFS_Months", "PFS_Event",
]  # fmt: skip
CODED = ("Systemic_therapy_history", "Drug", "Sex", "MSI", "Stage", "HLA_LOH", "Response", "OS_Event", "PFS_Event")
JITTERED = {"TMB": 1, "Albumin": 1, "NLR": 2, "Age": 1, "FCNA": 4, "HED": 3, "Platelets": 0, "HGB": 1, "BMI": 1}


def synthetic_msk_frame(rows: int, seed: int = 0, first_id: int = 1) -> pd.DataFrame:
    """Return `rows` synthetic patients in the bundled MSK format, drawn from the real cohort's distributions.

    The cancer type follows its frequency in the 1,479 real patients; every other column is drawn on its own
    from the real patients of the same cancer type (so missingness and per-type distributions hold), and
    measurements are jittered by about 5% at their usual precision, so no synthetic row copies a real one.
    """
    folder = ROOT / "src" / "icilens" / "bundled" / "msk_icb_2022"
    real = pd.concat([pd.read_csv(folder / f) for f in ("chowell_train_2015_2017.csv", "chowell_test_2018.csv")])
    real = real[MSK_COLUMNS].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    types = real["CancerType"].to_numpy()
    chosen = rng.choice(types, size=rows)
    out = pd.DataFrame({"SAMPLE_ID": [f"SYN{first_id + i:09d}" for i in range(rows)], "CancerType": chosen})
    for column in MSK_COLUMNS:
        if column in ("SAMPLE_ID", "CancerType"):
            continue
        values = np.empty(rows, dtype="float64")
        for cancer in np.unique(chosen):
            pool = real.loc[types == cancer, column].to_numpy(dtype="float64")
            where = np.flatnonzero(chosen == cancer)
            values[where] = pool[rng.integers(0, len(pool), len(where))]
        if column in JITTERED:
            values = np.round(values * np.exp(rng.normal(0, 0.05, rows)), JITTERED[column])
        out[column] = pd.array(values, dtype="Int64") if column in CODED else values
    return out[MSK_COLUMNS]


def synthetic_files(rows: int, folder: Path, block: int = 1_000_000) -> dict[str, Path]:
    """Write `rows` synthetic patients once as CSV and Parquet in folder (reused when present); return the paths."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    paths = {"csv": folder / f"synthetic_{rows}.csv", "parquet": folder / f"synthetic_{rows}.parquet"}
    if all(p.exists() for p in paths.values()):
        return paths
    partial = {k: p.with_suffix(p.suffix + ".partial") for k, p in paths.items()}
    writer = None
    with partial["csv"].open("w", encoding="utf-8") as csv:
        for start in range(0, rows, block):
            frame = synthetic_msk_frame(min(block, rows - start), seed=start, first_id=start + 1)
            frame.to_csv(csv, index=False, header=start == 0)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = writer or pq.ParquetWriter(partial["parquet"], table.schema)
            writer.write_table(table, row_group_size=50_000)
    writer.close()
    for key, path in paths.items():
        partial[key].rename(path)
    return paths
