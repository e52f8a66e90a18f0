"""SHAP speed: exact ensemble SHAP for 10,000 and 100,000 patients (target: 10,000 < 2 s), compared on
the same model and rows with LightGBM's predict(pred_contrib=True) and shap.TreeExplainer.shap_values.
Each method runs in its own process so its peak memory (max RSS) is its own."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

from _common import ROOT, large_cohort_csv

METHODS = ("icilens", "lightgbm", "shap")


def run_one(method: str, rows: int) -> None:
    """Time one method in this process and print a JSON line (seconds, peak RSS MB, max error)."""
    import numpy as np

    from icilens.intake import read_cohort
    from icilens.model import default_model_dir, encode_features, load_model

    model = load_model(default_model_dir())
    x = encode_features(read_cohort(large_cohort_csv(rows, seed=2), "cohort.csv").frame)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if method == "icilens":
        from icilens.model.treeshap import TreeExplainer

        _, values = TreeExplainer(model.boosters).shap_values(x)
    elif method == "lightgbm":
        values = np.mean([b.predict(x, pred_contrib=True) for b in model.boosters], axis=0)[:, :-1]
    else:
        import shap

        values = np.mean([shap.TreeExplainer(b).shap_values(x) for b in model.boosters], axis=0)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reference = np.mean([b.predict(x[:2000], pred_contrib=True) for b in model.boosters], axis=0)[:, :-1]
    error = float(np.abs(values[:2000] - reference).max())
    print(
        json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "extra_mb": (peak - before) / 1024, "max_error": error})
    )


def measure(method: str, rows: int, runs: int) -> dict:
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, __file__, method, str(rows)], capture_output=True, text=True, check=True, cwd=ROOT
        )
        results.append(json.loads(output.stdout.strip().splitlines()[-1]))
    results.sort(key=lambda r: r["seconds"])
    return results[len(results) // 2]


def main() -> None:
    for rows, runs in ((10_000, 3), (100_000, 1)):
        print(f"{rows:,} patients (median of {runs}):")
        baseline = None
        for method in METHODS:
            result = measure(method, rows, runs)
            baseline = baseline or result["seconds"]
            print(
                f"  {method:9} {result['seconds']:7.2f} s  x{result['seconds'] / baseline:5.2f}  "
                f"peak RSS {result['peak_mb']:7.0f} MB (+{result['extra_mb']:.0f} MB during SHAP)  "
                f"max |diff| vs pred_contrib {result['max_error']:.1e}"
            )


if __name__ == "__main__":
    if len(sys.argv) == 3:
        run_one(sys.argv[1], int(sys.argv[2]))
    else:
        main()
