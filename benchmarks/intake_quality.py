"""Intake quality: how the header spellings of tests/data/headers.csv are read, and how far each
whole-file export of tests/data/exports/ lands from the clean source's predictions.

Prints, per source group, the share of spellings read as expected, the number mapped to a wrong field
(target 0) and the number of look-alikes mapped (target 0); then the largest prediction difference of each
export against the clean file (target <= 1e-9).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from _common import ROOT

from icilens.datasets import demo_path
from icilens.intake import read_cohort
from icilens.intake.headers import read_header
from icilens.model import default_model_dir, load_model
from icilens.scoring.predictions import predict_cohort


def header_state(header: str) -> tuple[str, str | None]:
    reading = read_header(header)
    if reading.vetoed or reading.field is None:
        return "none", None
    return ("mapped" if reading.confidence >= 90 and not reading.near else "suggested"), reading.field


def headers() -> None:
    rows = []
    for row in pd.read_csv(ROOT / "tests" / "data" / "headers.csv").itertuples():
        state, field = header_state(row.header)
        expected = row.expected.removeprefix("suggest:")
        wanted = (
            "none" if row.expected == "none" else ("suggested" if row.expected.startswith("suggest:") else "mapped")
        )
        rows.append(
            {
                "group": row.group,
                "right": state == wanted and (field == expected or wanted == "none"),
                "wrong field": state == "mapped" and field != expected,
                "look-alike mapped": row.expected == "none" and state == "mapped",
            }
        )
    table = pd.DataFrame(rows)
    summary = table.groupby("group").agg(
        spellings=("right", "size"),
        right=("right", "mean"),
        wrong=("wrong field", "sum"),
        lookalikes=("look-alike mapped", "sum"),
    )
    summary.loc["all"] = [
        len(table),
        table["right"].mean(),
        table["wrong field"].sum(),
        table["look-alike mapped"].sum(),
    ]
    summary["right"] = (summary["right"] * 100).round(1).astype(str) + "%"
    print(summary.to_string())


def exports() -> None:
    model = load_model(default_model_dir())
    clean = predict_cohort(model, read_cohort(demo_path()).frame)["response_probability"].to_numpy()
    specs = json.loads((ROOT / "tests" / "data" / "exports.json").read_text())
    for name, spec in specs.items():
        result = read_cohort(ROOT / "tests" / "data" / "exports" / name, set_values=spec.get("set_values"))
        got = predict_cohort(model, result.frame)["response_probability"].to_numpy()
        rows = spec.get("rows", list(range(len(clean))))
        print(f"{name:42} {len(got):4} patients  largest |difference| {np.max(np.abs(got - clean[rows])):.1e}")


if __name__ == "__main__":
    headers()
    print()
    exports()
