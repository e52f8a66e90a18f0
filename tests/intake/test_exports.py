"""Whole-file exports of the bundled 2018 patients, written as other systems write them.

Each export in `tests/data/exports/` (built by `tests/data/build_exports.py`) must give every patient
the same canonical values and the same prediction as the clean source file, keep the file's own ids,
and leave administrative and look-alike columns unused.
"""

import json

import numpy as np
import pandas as pd
import pytest

from icilens.datasets import demo_path
from icilens.intake import read_cohort
from icilens.schema import FEATURES
from icilens.scoring.predictions import predict_cohort
from tests.conftest import ROOT

EXPORTS_DIR = ROOT / "tests" / "data" / "exports"
EXPORTS = json.loads((ROOT / "tests" / "data" / "exports.json").read_text())


@pytest.fixture(scope="module")
def clean(default_model):
    result = read_cohort(demo_path())
    return result.frame, predict_cohort(default_model, result.frame)["response_probability"].to_numpy()


def test_there_are_exports_of_every_kind():
    assert len(EXPORTS) >= 6
    assert sorted(p.name for p in EXPORTS_DIR.iterdir()) == sorted(EXPORTS)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_reads_as_the_clean_source(name, clean, default_model):
    spec = EXPORTS[name]
    result = read_cohort(EXPORTS_DIR / name, mapping=spec.get("mapping"), set_values=spec.get("set_values"))
    clean_frame, clean_probability = clean
    rows = spec.get("rows", list(range(len(clean_frame))))
    assert list(result.frame["patient_id"]) == spec["ids"]  # the file's own ids, none renumbered
    assert result.mapping[spec["id_column"]] == "patient_id"
    for header in spec["unused"]:
        assert result.mapping[header] is None, f"{header} must not be used"
    expected = clean_frame.iloc[rows].reset_index(drop=True)
    assert result.features_present == [f for f in FEATURES if expected[f].notna().any()]
    for field in FEATURES:
        got, want = result.frame[field], expected[field]
        if isinstance(want.dtype, pd.CategoricalDtype):
            assert got.astype(object).equals(want.astype(object)), field
        else:
            np.testing.assert_allclose(got.to_numpy(float), want.to_numpy(float), rtol=1e-12, atol=1e-12, err_msg=field)
    probability = predict_cohort(default_model, result.frame)["response_probability"].to_numpy()
    assert np.max(np.abs(probability - clean_probability[rows])) <= 1e-9
