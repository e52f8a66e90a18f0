"""Patient report speed (target < 2 s each): median over several demo patients, in process."""

from __future__ import annotations

import statistics
import time

from _common import ROOT  # noqa: F401  (puts src on the path)

from icilens.datasets import load_demo
from icilens.model import default_model_dir, load_model
from icilens.reports.patient_pdf import build_patient_report
from icilens.scoring.predictions import predict_cohort


def main() -> None:
    model, frame = load_model(default_model_dir()), load_demo()
    scored = predict_cohort(model, frame, explain=True)
    build_patient_report(model, frame.iloc[[0]], scored.iloc[0])
    times = []
    for index in range(0, 100):
        start = time.perf_counter()
        build_patient_report(model, frame.iloc[[index]], scored.iloc[index], cohort_label="MSK demo")
        times.append(time.perf_counter() - start)
    print(
        f"patient report (PDF): median {statistics.median(times):.3f} s, max {max(times):.3f} s over 100 patients; "
        f"100 reports in {sum(times):.1f} s"
    )


if __name__ == "__main__":
    main()
