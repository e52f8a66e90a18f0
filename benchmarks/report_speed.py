"""Patient report speed (target < 2 s each): median over several demo patients, in process; then the ZIP of
all 515 demo patients' reports, as the Patients page builds it (the page test checks it on 40 patients)."""

from __future__ import annotations

import statistics
import time

from _common import ROOT  # noqa: F401  (puts src on the path)

from icilens.datasets import demo_path, load_demo
from icilens.intake import read_cohort
from icilens.model import default_model_dir, load_model
from icilens.reports import zip_files
from icilens.reports.patient_pdf import build_patient_report, patient_reports
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
    result = read_cohort(demo_path())
    start = time.perf_counter()
    archive = zip_files(patient_reports(result, model, scored, "MSK demo"))
    print(f"ZIP of all {len(frame)} demo reports: {time.perf_counter() - start:.1f} s, {len(archive) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
