"""Model quality on the 2018 patients: the default model beside LORIS, TMB alone and a logistic
regression on the same features, with bootstrap 95% CIs; AUC overall, per cancer type (>= 40
patients) and with feature groups removed; PR AUC; Brier; calibration. The 2018 file is used for
evaluation only: nothing here is tuned on it."""

from __future__ import annotations

import json

from _common import ROOT

from icilens.datasets import load_demo, load_training
from icilens.model import default_model_dir, load_model
from icilens.training.evaluation import evaluate_model, fit_logistic_baseline, format_report


def main() -> None:
    model = load_model(default_model_dir())
    report = evaluate_model(model, load_demo(), fit_logistic_baseline(load_training()), "2018 patients (MSK)")
    print(format_report(report))
    card = json.loads((ROOT / "src" / "icilens" / "bundled" / "model" / "model_card.json").read_text())["validation"]
    same = (
        card["overall"] == report["overall"]
        and card["missing_feature_scenarios"] == report["missing_feature_scenarios"]
    )
    print(f"\nmodel card carries the same figures: {'yes' if same else 'NO - retrain with the documented command'}")


if __name__ == "__main__":
    main()
