"""Server time from submitting the one-patient form to the rendered prediction and waterfall (target < 0.5 s).

Two figures, each the median of several runs: the domain work alone (intake check, prediction with
range and exact SHAP, explanation, waterfall figure) and the whole Streamlit rerun measured with
AppTest (form submission, then the Patient page with what-if and similar training patients). The
baseline is a plain rerun of the same Patient page, without a submission.
"""

from __future__ import annotations

import statistics
import time

from _common import ROOT, median_seconds
from streamlit.testing.v1 import AppTest

from icilens.explain.patient import explain_patient
from icilens.intake.by_hand import check_patient
from icilens.model import default_model_dir, load_model
from icilens.plots import plot_waterfall
from icilens.scoring.predictions import predict_cohort

VALUES = {"cancer_type": "NSCLC", "prior_systemic_therapy": "no", "tmb": "12.5", "albumin": "39", "nlr": "4.2"}


def domain_seconds(model) -> float:
    def once():
        check = check_patient({"patient_id": "entered-1", **VALUES}, {"albumin": "g/L"})
        scored = predict_cohort(model, check.result.frame, explain=True).iloc[0]
        explanation = explain_patient(model, check.result.frame, scored)
        plot_waterfall(explanation.labels, explanation.points, explanation.base_probability, explanation.probability)

    once()
    return median_seconds(once, runs=9)


def rerun_seconds(runs: int = 5) -> tuple[float, float]:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    app.switch_page("pages/one_patient.py").run()
    submissions, switches = [], []
    for _ in range(runs):
        app.switch_page("pages/one_patient.py").run()
        app.selectbox(key="entry_cancer_type").set_value("NSCLC")
        app.text_input(key="entry_tmb").input("12.5")
        app.text_input(key="entry_albumin").input("39")
        app.selectbox(key="entry_unit_albumin").set_value("g/L")
        button = app.button[[b.label for b in app.button].index("Predict")].click()
        start = time.perf_counter()
        button.run()
        submissions.append(time.perf_counter() - start)
        assert not app.exception, app.exception
        start = time.perf_counter()
        app.run()
        switches.append(time.perf_counter() - start)
    return statistics.median(submissions[1:]), statistics.median(switches[1:])


def main() -> None:
    model = load_model(default_model_dir())
    domain = domain_seconds(model)
    submission, switch = rerun_seconds()
    print(f"intake check + prediction + range + exact SHAP + waterfall: median {domain:.3f} s")
    print(f"form submission to the rendered Patient page (AppTest rerun): median {submission:.3f} s")
    print(f"baseline, a plain rerun of the Patient page: median {switch:.3f} s ({submission / switch:.2f}x)")


if __name__ == "__main__":
    main()
