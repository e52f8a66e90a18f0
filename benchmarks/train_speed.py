"""Training time of the full design (grid search, out-of-fold calibration, ten members, uncertainty range)
for 500, 1,500 and 5,000 synthetic patients (target: 1,500 in under 60 s). One run per size, since a run
takes seconds to minutes; the 964 real patients are the baseline.

Synthetic patients draw each feature from the bundled training cohort's own values, independently, and an
outcome from the bundled model's probability for them. Resampling whole patients would not do: copies of one
patient in different folds leak, cross-validation never stops improving, and the timing is meaningless."""

from __future__ import annotations

import time

import numpy as np
from _common import ROOT  # noqa: F401  (puts src on the path)

from icilens.datasets import load_training
from icilens.model import default_model_dir, load_model
from icilens.schema import FEATURES
from icilens.training import train_model


def seconds_to_train(frame) -> float:
    start = time.perf_counter()
    train_model(frame, "benchmark", "benchmark")
    return time.perf_counter() - start


def synthetic_patients(training, model, size: int, rng: np.random.Generator):
    """Return size patients: each feature drawn from the training values, the outcome from the model."""
    frame = training.iloc[:0].reindex(range(size)).copy()
    for column in FEATURES:
        frame[column] = training[column].iloc[rng.integers(0, len(training), size)].to_numpy()
    frame["patient_id"] = [f"P{i}" for i in range(size)]
    frame["response"] = (rng.random(size) < model.predict(frame).probability).astype(int)
    return frame.astype(training.dtypes.to_dict())


def main() -> None:
    training = load_training()
    baseline = seconds_to_train(training)
    print(f"964 patients (the bundled training cohort): {baseline:.1f} s")
    model = load_model(default_model_dir())
    rng = np.random.default_rng(0)
    for size in (500, 1500, 5000):
        frame = synthetic_patients(training, model, size, rng)
        took = seconds_to_train(frame)
        print(f"{size:5d} patients: {took:.1f} s ({took / baseline:.2f}x the 964-patient baseline)")


if __name__ == "__main__":
    main()
