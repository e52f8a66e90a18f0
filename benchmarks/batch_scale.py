"""Batch scale: rows per second and peak memory of `icilens predict` in-memory, in chunks and on a Dask cluster.

Synthetic patients drawn from the bundled cohort's distributions (benchmarks/_common.synthetic_msk_frame) are
written once per size to a scratch folder (ICILENS_SCRATCH, default /tmp/icilens_scale) as CSV and Parquet
(row groups of 50,000). Each run is the command line in its own process; peak memory is the highest total
resident memory of that process and all its children (the Dask scheduler and workers included), sampled
every 0.1 s. Targets on a 2-core machine: chunked peak memory under 1 GB at every size; 10,000,000 rows
scored and explained in under 10 minutes.

    .venv/bin/python benchmarks/batch_scale.py [--sizes 100000,1000000,10000000] [--runs 3]

Runs repeat (median reported) only below 1,000,000 rows, where a run takes seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from _common import ROOT, synthetic_files

IN_MEMORY_ROWS = 1_000_000  # beyond, a whole file no longer fits the memory of the machines this runs on


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command; return (seconds, peak resident MB of it and its children)."""
    start = time.perf_counter()
    environment = {**os.environ, **(env or {})}
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        parent = psutil.Process(process.pid)
        while not done.is_set():
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, errors = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{errors.decode()[-2000:]}")
    return seconds, peak / 1024**2


def command(mode: str, source: Path, out: Path, explain: bool) -> list[str]:
    cli = [sys.executable, "-m", "icilens", "predict", str(source), "--out", str(out), "--force"]
    extra = {"in-memory": ["--in-memory"], "chunks": ["--chunk-rows", "50000"], "dask": ["--dask", "local"]}[mode]
    return cli + extra + (["--explain"] if explain else [])


def run(mode: str, source: Path, rows: int, explain: bool, runs: int, scratch: Path) -> dict:
    results = []
    for _ in range(runs):
        out = scratch / ("dask_out" if mode == "dask" else f"out_{mode}.parquet")
        shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
        # The whole-file reading is measured past its own limits (cells, rows), which exist to protect the app.
        env = {"ICILENS_MAX_CELLS": str(10**10), "ICILENS_MAX_ROWS": str(10**9)} if mode == "in-memory" else None
        results.append(measure(command(mode, source, out, explain), env))
    seconds = statistics.median(r[0] for r in results)
    peak = statistics.median(r[1] for r in results)
    return {"seconds": seconds, "rows_per_s": rows / seconds, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default="in-memory,chunks,dask")
    args = parser.parse_args()
    scratch = Path(os.environ.get("ICILENS_SCRATCH", Path(tempfile.gettempdir()) / "icilens_scale"))
    print(f"{os.cpu_count()} cores; scratch folder {scratch}")
    print(
        f"{'rows':>11} {'input':8} {'mode':10} {'explain':8} {'seconds':>9} {'rows/s':>9} {'peak MB':>8}  vs in-memory"
    )
    for rows in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        files = synthetic_files(rows, scratch)
        print(f"# {rows:,} rows: files ready in {time.perf_counter() - started:.0f} s "
              f"(CSV {files['csv'].stat().st_size / 1e6:.0f} MB, Parquet {files['parquet'].stat().st_size / 1e6:.0f} MB)")  # fmt: skip
        runs = args.runs if rows < 1_000_000 else 1
        for explain in (False, True):
            baseline = None
            for mode in args.modes.split(","):
                if mode == "in-memory" and rows > IN_MEMORY_ROWS:
                    print(
                        f"{rows:>11,} {'parquet':8} {mode:10} {explain!s:8}  skipped: a whole file this size needs >20 GB"
                    )
                    continue
                result = run(mode, files["parquet"], rows, explain, runs, scratch)
                baseline = baseline or (result if mode == "in-memory" else None)
                ratio = (
                    f"{baseline['seconds'] / result['seconds']:.2f}x faster" if baseline and mode != "in-memory" else ""
                )
                print(f"{rows:>11,} {'parquet':8} {mode:10} {explain!s:8} {result['seconds']:9.1f} "
                      f"{result['rows_per_s']:9,.0f} {result['peak_mb']:8,.0f}  {ratio}", flush=True)  # fmt: skip
        if rows > IN_MEMORY_ROWS:
            continue  # CSV input costs the same per row as at 1,000,000 (printed there); 10 more minutes here
        result = run("chunks", files["csv"], rows, True, runs, scratch)
        print(f"{rows:>11,} {'csv':8} {'chunks':10} {'True':8} {result['seconds']:9.1f} "
              f"{result['rows_per_s']:9,.0f} {result['peak_mb']:8,.0f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
