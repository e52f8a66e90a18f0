"""Model speed: loading the default model (target < 0.2 s) and `predict --explain` for 10,000 patients
end to end (target < 3 s), with the in-process split between intake, prediction and SHAP."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from _common import large_cohort_csv, median_seconds

from icilens.intake import read_cohort
from icilens.model import default_model_dir, load_model


def main() -> None:
    load_model(default_model_dir())
    print(f"load default model: {median_seconds(lambda: load_model(default_model_dir()), 7):.3f} s (median of 7)")
    model = load_model(default_model_dir())
    data = large_cohort_csv(10_000, seed=1)
    frame = read_cohort(data, "10k.csv").frame
    print(f"  intake 10,000:        {median_seconds(lambda: read_cohort(data, '10k.csv'), 3):.3f} s")
    print(f"  predict 10,000:       {median_seconds(lambda: model.predict(frame), 3):.3f} s")
    print(f"  SHAP 10,000:          {median_seconds(lambda: model.explain(frame), 3):.3f} s")
    with tempfile.TemporaryDirectory() as folder:
        cohort, out = Path(folder) / "cohort.csv", Path(folder) / "out.csv"
        cohort.write_bytes(data)
        command = [sys.executable, "-m", "icilens", "predict", str(cohort), "--out", str(out), "--explain"]
        seconds = median_seconds(lambda: subprocess.run(command, check=True, capture_output=True), 3)
    print(f"predict --explain, 10,000 patients, end to end (new process): {seconds:.2f} s (median of 3)")


if __name__ == "__main__":
    main()
