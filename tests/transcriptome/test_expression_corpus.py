"""Every file of the expression corpus gives the plain TPM run's predictions, or the refusal written for it.

The corpus (`tests/data/expression/`, rebuilt by `tests/data/build_expression_corpus.py`) holds four tumours of
the RNA demo written as featureCounts, salmon, RSEM, nf-core/rnaseq, GEO, Entrez ids, semicolons with decimal
commas, UTF-16, z-scores, a damaged value and bare transcript ids.
"""

import json

import pandas as pd
import pytest

from icilens.intake.errors import IntakeError
from icilens.transcriptome.expression import read_expression
from icilens.transcriptome.rna_predictions import PROBABILITY, predict_transcriptome
from tests.conftest import ROOT
from tests.data.build_expression_corpus import ids_of

CORPUS = ROOT / "tests" / "data" / "expression"
EXPECTED = json.loads((ROOT / "tests" / "data" / "expression_expected.json").read_text())
PLAIN = pd.read_csv(CORPUS / "tpm.csv.gz", index_col=0)


def probabilities(intake) -> pd.Series:
    return predict_transcriptome(intake).table.set_index("patient_id")[PROBABILITY]


def plain_probabilities(tpm: pd.DataFrame) -> pd.Series:
    return probabilities(read_expression(tpm.to_csv(index_label="gene").encode(), "plain.csv"))


def read(name: str):
    return read_expression((CORPUS / name).read_bytes(), name)


def test_the_corpus_is_complete():
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_gives_the_plain_runs_predictions_or_its_refusal(name):
    outcome = EXPECTED[name]
    if outcome["answer"] == "refused":
        with pytest.raises(IntakeError, match=outcome["match"]):
            read(name)
        return
    intake = read(name)
    ours = probabilities(intake)
    if outcome["answer"] == "relative":  # z-scores rank within the upload, which needs 10 samples: 4 are refused
        assert intake.relative and ours.isna().all()
        return
    if outcome["answer"] == "same genes":
        expected = plain_probabilities(PLAIN[(ids_of(PLAIN, outcome["ids"]) != "").to_numpy()])
    else:
        expected = plain_probabilities(PLAIN)
    if outcome["answer"] == "left out":
        assert outcome["left_out"] not in ours.index
        expected = expected.drop(index=outcome["left_out"])
    named = outcome.get("samples")
    if named and len(named) == len(expected):  # GEO: the table names samples by accession, in the same order
        expected = expected.set_axis(named)
    elif named:
        expected = expected.loc[named]
    pd.testing.assert_series_equal(
        ours.loc[expected.index], expected, atol=outcome.get("tolerance", 1e-9), check_names=False
    )
