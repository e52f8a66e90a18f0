"""NanoString files as the instrument and nSolver write them: RCC files and nSolver's exports, raw or normalised.

Every file is built here from the bundled RNA demo (Gide et al. 2019): its tumours on an immune panel (the genes
the descriptors read, and ten housekeeping genes), as counts that each lane multiplies by its own yield.
"""

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from icilens.intake.errors import IntakeError
from icilens.transcriptome.expression import read_expression
from icilens.transcriptome.genes import descriptor_genes
from icilens.transcriptome.rna_predictions import PROBABILITY, predict_transcriptome
from tests.conftest import ROOT

RAW = pd.read_csv(ROOT / "src" / "icilens" / "bundled" / "reference_cohorts" / "demo_expression.csv.gz", index_col=0)
SAMPLES = list(RAW.columns[:12])
HOUSEKEEPING = ["ACTB", "GAPDH", "GUSB", "HPRT1", "PGK1", "POLR2A", "RPL19", "SDHA", "TBP", "TUBB"]
GENES = sorted((set(descriptor_genes()) | set(HOUSEKEEPING)) & set(RAW.index))
CONTROLS = [("Positive", f"POS_{x}({c})", c * 300) for x, c in zip("ABCDEF", [128, 32, 8, 2, 0.5, 0.125], strict=True)]
CONTROLS += [("Negative", f"NEG_{x}(0)", 9) for x in "ABCDEF"]


def counts(yields: list[float]) -> pd.DataFrame:
    """Whole-number counts of the panel: each tumour's expression times its lane's yield."""
    return np.round(RAW.loc[GENES, SAMPLES] * 200 * np.array(yields)).astype(int)


def code_class(gene: str) -> str:
    return "Housekeeping" if gene in HOUSEKEEPING else "Endogenous"


def nsolver_export(table: pd.DataFrame) -> bytes:
    """nSolver's export: a block of per-sample attributes, then Code Class, Name, Accession and the counts."""
    files = [f"20190101_{s}_{i + 1:02d}.RCC" for i, s in enumerate(table.columns)]
    lines = [",".join(["File Name", "", "", *files]), ",".join(["Sample ID", "", "", *table.columns])]
    lines += [",".join(["Binding Density", "", "", *["0.9"] * table.shape[1]]), "Code Class,Name,Accession" + "," * 12]
    lines += [
        ",".join([code_class(g), g, f"NM_{i:06d}.1", *map(str, row)]) for i, (g, row) in enumerate(table.iterrows())
    ]
    lines += [
        ",".join([kind, probe, "ERCC_00117.1", *[f"{value:g}"] * table.shape[1]]) for kind, probe, value in CONTROLS
    ]
    return ("\n".join(lines) + "\n").encode()


def rcc(sample: str, column: pd.Series) -> str:
    """One RCC file, as the nCounter writes it (CRLF line ends)."""
    lines = ["<Header>", "FileVersion,1.7", "</Header>", "<Sample_Attributes>", f"ID,{sample}", "</Sample_Attributes>"]
    lines += ["<Code_Summary>", "CodeClass,Name,Accession,Count"]
    lines += [f"{code_class(g)},{g},NM_000001.1,{v}" for g, v in column.items()]
    lines += [f"{kind},{probe},ERCC_00117.1,{value:g}" for kind, probe, value in CONTROLS]
    return "\r\n".join([*lines, "</Code_Summary>", "<Messages>", "</Messages>"]) + "\r\n"


def rcc_zip(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, sample in enumerate(table.columns):
            archive.writestr(f"run/20190101_{sample}_{i + 1:02d}.RCC", rcc(sample, table[sample]))
    return buffer.getvalue()


def probabilities(data: bytes, name: str) -> pd.Series:
    intake = read_expression(data, name)
    assert intake.panel and list(intake.samples) == SAMPLES
    return predict_transcriptome(intake, pd.Series(SAMPLES)).table.set_index("patient_id")[PROBABILITY]


def test_raw_counts_are_normalised_so_that_a_lanes_yield_does_not_move_its_patient():
    even = probabilities(nsolver_export(counts([1.0] * 12)), "even.csv")
    uneven = probabilities(
        nsolver_export(counts([0.3, 3.0, 1.0, 0.5, 2.0, 1.5, 0.8, 1.2, 4.0, 0.25, 1.0, 2.5])), "x.csv"
    )
    assert even.notna().all()
    np.testing.assert_allclose(uneven, even, atol=0.01)  # counts are whole numbers: rounding moves them a little


def test_an_nsolver_export_and_the_same_rcc_files_zipped_give_the_same_patients():
    table = counts([0.3, 3.0, 1.0, 0.5, 2.0, 1.5, 0.8, 1.2, 4.0, 0.25, 1.0, 2.5])
    intake = read_expression(rcc_zip(table), "run.zip")
    problems = " ".join(intake.findings["problem"])
    assert "NanoString counts of 12 samples" in problems and "negative, positive" in problems
    assert "normalised by the geometric mean of its housekeeping genes (10 genes)" in problems
    assert not {p for _, p, _ in CONTROLS} & set(intake.tpm.index)
    zipped = probabilities(rcc_zip(table), "run.zip")
    pd.testing.assert_series_equal(zipped, probabilities(nsolver_export(table), "export.csv"))


def test_the_export_names_samples_by_their_sample_id_and_keeps_the_file_names_for_linking():
    intake = read_expression(nsolver_export(counts([1.0] * 12)), "export.csv")
    assert intake.sample_names[SAMPLES[0]][0] == f"20190101_{SAMPLES[0]}_01.RCC"


def test_counts_nsolver_normalised_are_kept_as_they_are():
    normalised = counts([1.0] * 12) * 1.37  # not whole numbers
    intake = read_expression(nsolver_export(normalised.round(3)), "normalised.csv")
    assert not intake.findings["problem"].str.contains("normalised by the geometric mean").any()
    assert "NanoString counts of 12 samples" in " ".join(intake.findings["problem"])


def test_raw_counts_without_housekeeping_genes_are_refused_with_the_reason():
    table = counts([1.0] * 12).drop(index=HOUSEKEEPING)
    with pytest.raises(IntakeError, match="without housekeeping genes"):
        read_expression(nsolver_export(table), "no_housekeeping.csv")


def test_a_gene_column_with_an_empty_cell_is_read():
    tpm = RAW[SAMPLES] / RAW[SAMPLES].sum() * 1e6
    text = tpm.to_csv(index_label="gene").replace("\nACTB,", "\n,", 1)
    assert len(read_expression(text.encode(), "blank.csv").samples) == len(SAMPLES)


@pytest.mark.parametrize("cut", ["</Code_Summary>", "CodeClass,Name,Accession,Count"], ids=["unclosed", "no header"])
def test_a_damaged_rcc_file_is_refused_with_the_reason(cut):
    text = rcc(SAMPLES[0], counts([1.0] * 12)[SAMPLES[0]]).replace(cut, "")
    with pytest.raises(IntakeError, match="Check that the RCC file is whole"):
        read_expression(text.encode(), "broken.RCC")


def test_a_sample_with_missing_cells_is_normalised_with_the_others():
    table = counts([1.0] * 12).astype(object)
    unread = [g for g in table.index[1::7] if g not in HOUSEKEEPING]  # a lane with a few probes unread
    table.loc[unread, SAMPLES[3]] = "NA"
    intake = read_expression(nsolver_export(table), "holes.csv")
    assert list(intake.samples) == SAMPLES
    assert "NanoString counts of 12 samples" in " ".join(intake.findings["problem"])
    whole = read_expression(nsolver_export(counts([1.0] * 12)), "whole.csv")
    measured = intake.tpm[SAMPLES[3]].dropna().index.drop("(all other genes)", errors="ignore")
    np.testing.assert_allclose(intake.tpm.loc[measured, SAMPLES[3]], whole.tpm.loc[measured, SAMPLES[3]], rtol=0.05)
