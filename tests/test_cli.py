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


@pytest.mark.parametrize("name", ["40_empty.csv", "42_binary_garbage.csv", "43_no_known_columns.csv"])
def test_validate_json_is_json_even_when_the_file_is_unusable(name, capsys):
    assert main(["validate", str(CORPUS / name), "--json"]) == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload["usable"] is False and name in payload["reasons"][0]


def test_validate_lists_each_column_with_its_state_and_reason(capsys):
    exports = ROOT / "tests" / "data" / "exports"
    assert main(["validate", str(exports / "cbioportal_clinical_data_download.tsv"), "--json"]) == 0
    columns = {c["column"]: c for c in json.loads(capsys.readouterr().out)["columns"]}
    assert columns["TMB (nonsynonymous)"]["field"] == "tmb" and columns["TMB (nonsynonymous)"]["state"] == "mapped"
    assert columns["Study ID"]["state"] == "not used" and "same value" in columns["Study ID"]["why"]
    assert columns["Patient ID"]["field"] == "patient_id"


def test_set_gives_every_patient_a_value_and_map_accepts_a_suggestion(tmp_path, capsys):
    exports = ROOT / "tests" / "data" / "exports"
    out = tmp_path / "melanoma.csv"
    command = ["predict", str(exports / "melanoma_only.csv"), "--out", str(out), "--set", "cancer_type=Melanoma"]
    assert main(command) == 0
    assert len(pd.read_csv(out)) == 34
    capsys.readouterr()
    assert main(["validate", str(exports / "melanoma_only.csv"), "--set", "cancer_type=Glioblastoma", "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert any(f["problem"].startswith("Cancer type set for every patient") for f in findings)
    frame = pd.DataFrame({"Patient": ["a", "b", "c"], "Diagnosis Age": [61, 70, 55], "TMB": [3.0, 12.0, 25.0]})
    path = tmp_path / "ages.csv"
    frame.to_csv(path, index=False)
    assert main(["validate", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["suggestions"] == {"Diagnosis Age": "age"}
    assert main(["validate", str(path), "--json", "--map", "Diagnosis Age=age"]) == 0
    assert "age" in json.loads(capsys.readouterr().out)["features_present"]
    assert main(["validate", str(path), "--set", "stage=V"]) == 2
    assert "not a valid stage" in capsys.readouterr().err


def test_predict_writes_one_row_per_patient_in_input_order(tmp_path):
    out = tmp_path / "predictions.csv"
    assert main(["predict", str(CORPUS / "26_duplicate_ids.csv"), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "patient_id",
        "response_probability",
        "range_low",
        "range_high",
        "probability_low",
        "probability_high",
        "loris_score",
        "loris_probability",
        "tmb_high",
        "missing_features",
        "estimable",
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


def test_out_is_never_the_input_nor_overwritten_without_force(tmp_path, capsys):
    cohort = tmp_path / "cohort.csv"
    cohort.write_bytes((CORPUS / "01_clean_human_headers.csv").read_bytes())
    assert main(["predict", str(cohort), "--out", str(cohort)]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert cohort.read_bytes() == (CORPUS / "01_clean_human_headers.csv").read_bytes()
    out = tmp_path / "predictions.csv"
    out.write_text("keep me")
    assert main(["predict", str(cohort), "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err and out.read_text() == "keep me"
    assert main(["predict", str(cohort), "--out", str(out), "--force"]) == 0
    assert main(["predict", str(cohort), "--out", str(tmp_path / "missing" / "p.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_truncated_model_is_a_clear_error_not_a_crash(tmp_path, capsys):
    from icilens.model import default_model_dir

    damaged = tmp_path / "model"
    damaged.mkdir()
    for path in default_model_dir().iterdir():
        (damaged / path.name).write_bytes(path.read_bytes())
    first = damaged / "model_00.txt"
    first.write_bytes(first.read_bytes()[: len(first.read_bytes()) // 2])
    out = tmp_path / "p.csv"
    assert (
        main(["predict", str(CORPUS / "01_clean_human_headers.csv"), "--out", str(out), "--model", str(damaged)]) == 2
    )
    err = capsys.readouterr().err
    assert "not a complete LightGBM text model" in err and "model_00.txt" in err


def _every_test_file():
    data = ROOT / "tests" / "data"
    return sorted([*(data / "corpus").iterdir(), *(data / "exports").iterdir()])


@pytest.mark.slow
def test_no_test_file_gives_an_unexpected_error(capsys):
    for path in _every_test_file():
        code = main(["validate", str(path)])
        err = capsys.readouterr().err
        assert code in (0, 2), path.name
        assert "unexpected" not in err and "Traceback" not in err, (path.name, err)
