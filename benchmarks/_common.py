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
