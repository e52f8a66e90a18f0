"""The command line: validate, train and predict, with exit code 2 for unusable input."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from icilens.cli import main
from icilens.datasets import demo_path
from icilens.schema import FEATURES
from tests.conftest import CORPUS, ROOT


def test_help_lists_the_commands():
    result = subprocess.run([sys.executable, "-m", "icilens", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    for command in ("validate", "train", "predict"):
        assert command in result.stdout


def test_validate_json_on_a_messy_file(capsys):
    assert main(["validate", str(CORPUS / "10_units_g_per_l.csv"), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["usable"] and payload["patients"] == 12
    assert any("g/L" in f["problem"] for f in payload["findings"])


@pytest.mark.parametrize("name", ["40_empty.csv", "42_binary_garbage.csv", "43_no_known_columns.csv"])
def test_validate_exits_2_with_the_reason_on_stderr(name, capsys):
    assert main(["validate", str(CORPUS / name)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and name in captured.err
    assert "Traceback" not in captured.err


def test_predict_writes_one_row_per_patient_in_input_order(tmp_path):
    out = tmp_path / "predictions.csv"
    assert main(["predict", str(CORPUS / "26_duplicate_ids.csv"), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "patient_id",
        "response_probability",
        "probability_low",
        "probability_high",
        "loris_probability",
        "tmb_high",
        "missing_features",
    ]
    assert table["patient_id"].tolist()[:3] == ["A", "B", "A#2"]


def test_predict_explain_adds_up(tmp_path):
    out = tmp_path / "explained.csv"
    assert main(["predict", str(demo_path()), "--out", str(out), "--explain"]) == 0
    table = pd.read_csv(out)
    assert len(table) == 515
    total = table["shap_base"] + table[[f"shap_{f}" for f in FEATURES]].sum(axis=1)
    assert np.abs(total - table["model_output"]).max() < 1e-6


def test_predict_on_an_unusable_file_exits_2(tmp_path, capsys):
    assert main(["predict", str(CORPUS / "41_header_only.csv"), "--out", str(tmp_path / "x.csv")]) == 2
    assert "no patient rows" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_predict_with_a_missing_model_folder_exits_2(tmp_path, capsys):
    code = main(["predict", str(demo_path()), "--out", str(tmp_path / "x.csv"), "--model", str(tmp_path / "none")])
    assert code == 2 and "model_card.json" in capsys.readouterr().err
