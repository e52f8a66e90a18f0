"""`--expression` on the command line: validate reports the intake, predict adds the transcriptome's columns,
train refits the transcriptome model; unusable expression files exit 2 with the reason."""

import json

import numpy as np
import pandas as pd
import pytest

from icilens.cli import main
from icilens.transcriptome import load_reference_cohorts, load_signatures
from icilens.transcriptome.signature_model import KIND, load_signature_model
from tests.conftest import ROOT

BUNDLED = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts"
CLINICAL = BUNDLED / "demo_clinical.csv"
EXPRESSION = BUNDLED / "demo_expression.csv.gz"


def test_validate_json_reports_the_expression_intake_and_its_links(capsys):
    assert main(["validate", str(CLINICAL), "--expression", str(EXPRESSION), "--json"]) == 0
    expression = json.loads(capsys.readouterr().out)["expression"]
    assert expression["orientation"] == "genes as rows" and expression["gene_ids"] == "HGNC symbols"
    assert expression["samples"] == expression["samples_linked"] == expression["with_prediction"] == 41
    assert expression["percentiles"] == "against the reference cohorts"
    assert expression["descriptor_computed_share"]["gep"] == 1.0
    assert any("linked to patients" in f["problem"] for f in expression["findings"])


def test_predict_adds_the_transcriptome_probability_its_range_and_every_descriptor(tmp_path):
    out = tmp_path / "p.csv"
    assert main(["predict", str(CLINICAL), "--expression", str(EXPRESSION), "--out", str(out), "--explain"]) == 0
    table = pd.read_csv(out)
    assert table["transcriptome_probability"].between(0, 1).all()
    assert (table["transcriptome_range_low"] <= table["transcriptome_probability"] + 1e-12).all()
    signatures = [f"descriptor_{name}" for name in load_signatures()]
    assert set(signatures) <= set(table.columns) and "descriptor_fraction_t_cells_cd8" in table
    shares = table.filter(like="shap_transcriptome_")
    np.testing.assert_allclose(shares.sum(axis=1), table["transcriptome_log_odds"], atol=1e-9)
    reference = load_reference_cohorts().query("cohort == 'Gide'").set_index("patient")
    np.testing.assert_allclose(
        table.set_index("patient_id")["descriptor_gep"], reference.loc[table["patient_id"], "signature_gep"], atol=0.01
    )


def test_a_patient_without_expression_gets_an_empty_prediction_and_the_reason(tmp_path, capsys):
    clinical = pd.read_csv(CLINICAL)
    extra = pd.concat([clinical, clinical.head(1).assign(patient="NEW-1", sample="NEW-1")])
    cohort = tmp_path / "cohort.csv"
    extra.to_csv(cohort, index=False)
    out = tmp_path / "p.csv"
    assert main(["predict", str(cohort), "--expression", str(EXPRESSION), "--out", str(out)]) == 0
    row = pd.read_csv(out).set_index("patient_id").loc["NEW-1"]
    assert np.isnan(row["transcriptome_probability"]) and "no expression sample" in row["transcriptome_missing_reason"]
    assert "1 patients have no expression sample" in capsys.readouterr().out


def test_an_expression_file_that_cannot_be_used_exits_2_with_the_reason(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("probe,s1,s2\np1,1,2\np2,3,4\n")
    assert main(["validate", str(CLINICAL), "--expression", str(bad)]) == 2
    assert "no gene identifiers recognised" in capsys.readouterr().err
    assert (
        main(
            ["predict", str(CLINICAL), "--expression", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o.csv")]
        )
        == 2
    )
    assert "no such file" in capsys.readouterr().err


@pytest.mark.slow
def test_train_refits_the_transcriptome_model_beside_the_clinical_one(tmp_path):
    clinical = pd.read_csv(CLINICAL)
    expression = pd.read_csv(EXPRESSION, index_col=0)
    # the clinical model needs 50 patients: the demo's 41 tumours twice, the copies renamed and scaled by 1%
    doubled = pd.concat(
        [clinical, clinical.assign(patient=clinical["patient"] + "_b", sample=clinical["sample"] + "_b")]
    )
    doubled.to_csv(tmp_path / "cohort.csv", index=False)
    pd.concat([expression, expression.add_suffix("_b") * 1.01], axis=1).to_csv(tmp_path / "expression.csv")
    out = tmp_path / "model"
    assert (
        main(
            ["train", str(tmp_path / "cohort.csv"), "--expression", str(tmp_path / "expression.csv"), "--out", str(out)]
        )
        == 0
    )
    card = json.loads((out / "transcriptome_model.json").read_text())
    assert card["kind"] == KIND and card["slope"] > 0
    assert card["weights"] == list(load_signature_model().weights)  # recalibrated, its weights kept
    assert card["card"]["training"]["patients"] == 82


@pytest.mark.slow
def test_the_patient_report_carries_the_transcriptome_prediction(tmp_path):
    import pypdf

    out = tmp_path / "r.pdf"
    args = ["report", str(CLINICAL), "--patient", "ERR2208941", "--expression", str(EXPRESSION), "--out", str(out)]
    assert main(args) == 0
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(out).pages)
    assert "Tumour transcriptome (RNA-seq)" in text and "Predicted response from the tumour's RNA" in text
    assert "percentage points" in text
