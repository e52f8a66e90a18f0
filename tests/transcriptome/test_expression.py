"""Expression intake on matrices written the way other people write them, and on hostile ones.

Every file is made here from the bundled RNA demo (Gide et al. 2019, TPM of 41 tumours), in the layout of
another source: a GEO series matrix, a Parquet with versioned Ensembl ids, an Excel sheet whose symbols Excel
turned into dates, a samples-as-rows CSV, log2 TPM and counts.
"""

import datetime as dt
import functools
import gzip
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from icilens.intake.errors import IntakeError
from icilens.transcriptome import compute_descriptors, load_reference_cohorts
from icilens.transcriptome.expression import OTHER_GENES, read_expression
from icilens.transcriptome.genes import descriptor_names, load_gene_table
from icilens.transcriptome.linking import link_samples
from icilens.transcriptome.scale import COUNTS, FPKM, LOG2_LINEAR, TPM
from tests.conftest import ROOT

DEMO = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts" / "demo_expression.csv.gz"
TPM_DEMO = pd.read_csv(DEMO, index_col=0)
SAMPLES = TPM_DEMO.columns[:12]
GENES = load_gene_table().drop_duplicates("symbol")


def small(samples=SAMPLES) -> pd.DataFrame:
    """The demo's samples, as TPM summing to a million (the demo keeps protein-coding genes only)."""
    tpm = TPM_DEMO[samples]
    return tpm / tpm.sum() * 1e6


def descriptors_of(data: bytes, name: str) -> pd.DataFrame:
    intake = read_expression(data, name)
    return compute_descriptors(intake.tpm, intake.genes_measured).values


def csv_bytes(frame: pd.DataFrame, **kwargs) -> bytes:
    return frame.to_csv(**kwargs).encode()


@functools.cache
def reference() -> pd.DataFrame:
    """The descriptors of the plain TPM file, which every other way of writing it must give (read when needed)."""
    return descriptors_of(csv_bytes(small(), index_label="gene"), "tpm.csv")


def test_the_demo_reads_as_the_reference_cohort_computed_it():
    intake = read_expression(DEMO.read_bytes(), DEMO.name)
    assert intake.orientation == "genes as rows" and intake.gene_kind == "HGNC symbols"
    assert intake.tpm.shape[1] == 41 and OTHER_GENES in intake.tpm.index
    assert intake.genes_measured.min() > 19_000
    # the reference was built reading symbols only as written; the whole gene table now also reads TIL10 genes
    # under their current or alias symbols (FHIP2A for FAM160B1, GUCY1A1 for GUCY1A3 ...): without those, the
    # reference is reproduced
    renamed = list(descriptor_names().values())
    assert set(renamed) <= set(intake.tpm.index)
    as_written = [g for g in intake.tpm.index if g in TPM_DEMO.index or g == OTHER_GENES]
    ours = compute_descriptors(intake.tpm.loc[as_written], intake.genes_measured).values
    reference = load_reference_cohorts().query("cohort == 'Gide'").set_index("sample")
    np.testing.assert_allclose(ours["signature_gep"], reference.loc[ours.index, "signature_gep"], atol=0.01)
    # the bundled fractions predate quanTIseq's Treg correction in quanTIseq_decon.R's order, which moves the
    # samples whose first fit found under 2% Tregs by up to 0.3 points of CD8 T cells (0.01 points before it)
    np.testing.assert_allclose(
        ours["fraction_T.cells.CD8"], reference.loc[ours.index, "fraction_T.cells.CD8"], atol=0.004
    )


@pytest.mark.slow
def test_a_geo_series_matrix_of_log2_values_gives_the_same_descriptors():
    logged = np.log2(small() + 1).round(6)
    body = logged.to_csv(sep="\t", index_label="ID_REF")
    header = '!Series_title\t"Anti-PD-1 melanoma"\n!Sample_geo_accession\t' + "\t".join(f'"{s}"' for s in SAMPLES)
    text = f"{header}\n!series_matrix_table_begin\n{body}!series_matrix_table_end\n"
    intake = read_expression(text.encode(), "GSE_series_matrix.txt")
    assert intake.scale.kind == LOG2_LINEAR and intake.scale.offset == 1.0
    assert "GEO series matrix" in " ".join(intake.findings["problem"])
    ours = compute_descriptors(intake.tpm, intake.genes_measured).values
    pd.testing.assert_frame_equal(ours, reference(), atol=1e-4, check_exact=False)


def test_a_parquet_with_versioned_ensembl_ids_gives_the_same_descriptors():
    ensembl = GENES.set_index("symbol")["ensembl"].str.split("|").str[0]
    tpm = small()
    ids = [
        f"{ensembl[g]}.{i % 9 + 1}" if ensembl.get(g) else f"ENSG{90000000000 + i}.1" for i, g in enumerate(tpm.index)
    ]
    frame = tpm.reset_index(drop=True).assign(gene_id=ids)[["gene_id", *tpm.columns]]
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    intake = read_expression(buffer.getvalue(), "expression.parquet")
    assert intake.gene_kind == "Ensembl gene ids"
    assert "versions set aside" in " ".join(intake.findings["problem"])
    ours = compute_descriptors(intake.tpm, intake.genes_measured).values
    # genes whose symbol has no Ensembl id in the bundled table (2 of 211) are not measured here
    assert ours["signature_gep"].notna().all()
    np.testing.assert_allclose(ours["signature_gep"], reference()["signature_gep"], atol=0.05)


@pytest.mark.slow
def test_an_excel_sheet_with_symbols_turned_into_dates_names_them_and_reads_the_rest():
    tpm = small()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Gene", *tpm.columns])
    for gene, row in tpm.iterrows():
        sheet.append([gene, *row.round(4).tolist()])
    sheet.append([dt.datetime(2026, 9, 1), *[1.0] * len(tpm.columns)])  # SEPT1 as Excel keeps it: a date
    sheet.append([dt.datetime(2026, 3, 2), *[2.0] * len(tpm.columns)])  # MARCH2
    buffer = io.BytesIO()
    book.save(buffer)
    intake = read_expression(buffer.getvalue(), "expression.xlsx")
    mangled = intake.findings[intake.findings["code"] == "genes_mangled"]
    assert len(mangled) == 1 and "1-Sep" in mangled.iloc[0]["value"] and "SEPTIN" in mangled.iloc[0]["problem"]
    ours = compute_descriptors(intake.tpm, intake.genes_measured).values
    np.testing.assert_allclose(ours["signature_cyt"], reference()["signature_cyt"], rtol=1e-3)


def test_a_workbook_is_read_cell_for_cell_as_openpyxl_reads_it():
    """Dates, booleans, errors, blanks, text among numbers, a formula without a stored value and a hidden first sheet:
    the fast reader gives the frame openpyxl gives."""
    from icilens.transcriptome.expression_files import _read_xlsx

    book = openpyxl.Workbook()
    book.active.title, book.active.sheet_state = "notes", "hidden"
    sheet = book.create_sheet("tpm")
    sheet.append(["Gene", "S1", "S2", "S3"])
    sheet.append(["CD8A", 1.5, 2, None])
    sheet.append([dt.datetime(2026, 9, 1), 1.0, "3,25", "NA"])
    sheet.append(["GZMA", "#N/A", 7, True])
    sheet.append([12345, 0.1, 1e-5, "=1+1"])
    sheet.append([dt.datetime(2026, 3, 2, 0, 0), -0.0, 1e300, "text"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    by_openpyxl = pd.read_excel(io.BytesIO(data), sheet_name="tpm", engine="openpyxl")
    by_openpyxl["Gene"] = by_openpyxl["Gene"].map(lambda v: f"{v.day}-{v:%b}" if isinstance(v, dt.date) else v)
    pd.testing.assert_frame_equal(_read_xlsx(data, "tpm.xlsx"), by_openpyxl)


def test_a_workbook_whose_sheet_is_damaged_inside_a_sound_zip_is_refused_with_the_reason():
    book = openpyxl.Workbook()
    book.active.append(["Gene", "S1"])
    book.active.append(["CD8A", 3.0])
    buffer = io.BytesIO()
    book.save(buffer)
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, data[:-40] if info.filename.endswith("sheet1.xml") else data)
    with pytest.raises(
        IntakeError, match=r"Sheet 'Sheet' of damaged.xlsx could not be read \(.+\)\. Save the workbook"
    ):
        read_expression(damaged.getvalue(), "damaged.xlsx")


@pytest.mark.slow
def test_a_csv_with_samples_as_rows_is_turned_and_said_so():
    data = csv_bytes(small().T, index_label="Sample")
    intake = read_expression(data, "samples_as_rows.csv")
    assert intake.orientation.startswith("genes as columns") and list(intake.samples) == list(SAMPLES)
    pd.testing.assert_frame_equal(compute_descriptors(intake.tpm, intake.genes_measured).values, reference(), atol=1e-6)


@pytest.mark.slow
def test_log2_tpm_tpm_and_counts_of_the_same_samples_agree():
    tpm = small()
    counts = (tpm * 30).round()  # 30 million reads, every gene the same length: counts per million = TPM
    by_counts = read_expression(csv_bytes(counts, index_label="gene"), "counts.csv")
    assert by_counts.scale.kind == COUNTS
    assert "counts per million" in " ".join(by_counts.findings["problem"])
    ours = compute_descriptors(by_counts.tpm, by_counts.genes_measured).values
    np.testing.assert_allclose(ours["signature_ifng6"], reference()["signature_ifng6"], atol=0.01)
    assert read_expression(csv_bytes(tpm, index_label="gene"), "t.csv").scale.kind == TPM
    assert read_expression(csv_bytes(TPM_DEMO[SAMPLES], index_label="gene"), "f.csv").scale.kind == FPKM


def test_a_gzip_file_is_read_and_a_gzip_bomb_refused(monkeypatch):
    data = gzip.compress(csv_bytes(small(), index_label="gene"))
    assert read_expression(data, "tpm.csv.gz").tpm.shape[1] == len(SAMPLES)
    monkeypatch.setenv("ICILENS_MAX_UNPACKED_BYTES", "1000")
    with pytest.raises(IntakeError, match="unpacks to more than 1,000 bytes"):
        read_expression(data, "tpm.csv.gz")


@pytest.mark.slow
def test_duplicated_genes_keep_the_row_with_the_highest_mean_and_are_named():
    tpm = small()
    extra = tpm.loc[["GZMA"]] * 0.1
    data = csv_bytes(pd.concat([tpm, extra]), index_label="gene")
    intake = read_expression(data, "duplicated.csv")
    repeated = intake.findings[intake.findings["code"] == "genes_repeated"]
    assert repeated["value"].tolist() == ["GZMA"] and "highest mean" in repeated.iloc[0]["action"]
    np.testing.assert_allclose(
        intake.tpm.loc["GZMA"], read_expression(csv_bytes(tpm, index_label="g"), "t").tpm.loc["GZMA"], rtol=1e-3
    )


def test_mixed_scales_across_samples_are_refused_with_the_samples_named():
    tpm = small()
    mixed = tpm.copy()
    mixed[SAMPLES[0]] = np.log2(tpm[SAMPLES[0]] + 1)
    with pytest.raises(IntakeError, match=f"different scales: {SAMPLES[0]} look log2"):
        read_expression(csv_bytes(mixed, index_label="gene"), "mixed.csv")


def test_an_all_zero_and_an_all_missing_sample_are_named_and_left_out():
    tpm = small().assign(ZERO=0.0, EMPTY=np.nan)
    intake = read_expression(csv_bytes(tpm, index_label="gene"), "empty.csv")
    empty = intake.findings[intake.findings["code"] == "sample_empty"]
    assert set(empty["column"]) == {"ZERO", "EMPTY"} and "ZERO" not in intake.samples


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (lambda t: t.assign(**{SAMPLES[0]: t[SAMPLES[0]].where(t.index != "GZMA", -3.0)}), "negative values"),
        (lambda t: t.set_axis([f"probe_{i}" for i in range(len(t))]), "no gene identifiers recognised"),
        (lambda t: t * 0 + 50, "cannot be told"),
    ],
    ids=["negative", "no-ids", "between-scales"],
)
def test_matrices_that_cannot_give_tpm_are_refused_with_what_was_seen(frame, message):
    bad = frame(small())
    with pytest.raises(IntakeError, match=message):
        read_expression(csv_bytes(bad, index_label="gene"), "bad.csv")


def test_a_matrix_over_the_cell_limit_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setenv("ICILENS_MAX_EXPRESSION_CELLS", "1000")
    with pytest.raises(IntakeError, match="the limit is 1,000"):
        read_expression(csv_bytes(small(), index_label="gene"), "big.csv")


def test_samples_link_by_id_loosely_when_unambiguous_and_every_loose_end_is_named():
    patients = pd.Series(["PT-001", "PT-002", "PT-003", "PT-004"])
    samples = pd.Index(["pt001", "PT-002", "PT-002_rep", "XYZ", "S4"])
    links = link_samples(samples, patients, {"sample id": pd.Series(["S1", "S2", "S3", "S4"])})
    assert links.by == "patient id"
    assert links.patient_of == {"pt001": "PT-001", "PT-002": "PT-002"}
    assert links.loosely == 1 and "XYZ" in links.unlinked_samples
    assert links.repeated == {"PT-002": ["PT-002_rep"]}  # its id then a suffix: a second sample, named, not used
    assert links.patients_without == ["PT-003", "PT-004"]
    by_sample = link_samples(pd.Index(["S1", "S2", "S3"]), patients, {"sample id": pd.Series(["S1", "S2", "S3", "S4"])})
    assert by_sample.by == "sample id" and by_sample.patient_of["S3"] == "PT-003"


def test_two_samples_of_one_patient_keep_the_first_and_name_the_other():
    links = link_samples(pd.Index(["A", "a"]), pd.Series(["A", "B"]))
    assert links.patient_of == {"A": "A"} and links.repeated == {"A": ["a"]}


def test_a_cell_that_is_not_a_number_is_named_and_read_as_missing():
    tpm = small().astype(object)
    tpm.loc["GZMA", SAMPLES[1]] = "n/a (QC)"
    intake = read_expression(csv_bytes(tpm, index_label="gene"), "cells.csv")
    unreadable = intake.findings[intake.findings["code"] == "cell_unreadable"]
    assert unreadable["column"].tolist() == [SAMPLES[1]] and "n/a (QC)" in unreadable.iloc[0]["problem"]
    assert np.isnan(intake.tpm.loc["GZMA", SAMPLES[1]])


def test_samples_that_match_no_patient_are_each_named_and_no_patient_gets_a_prediction():
    from icilens.transcriptome import predict_transcriptome

    intake = read_expression(csv_bytes(small(), index_label="gene"), "rna.csv")
    patients = pd.Series([f"MSK-{i}" for i in range(5)])
    result = predict_transcriptome(intake, patients)
    unlinked = result.findings[result.findings["code"] == "sample_unlinked"]
    assert sorted(unlinked["value"]) == sorted(SAMPLES)
    assert result.table["transcriptome_probability"].isna().all() and len(result.table) == 5
    assert (result.table["transcriptome_missing_reason"] == "no expression sample").all()


def test_a_crafted_wide_file_is_refused_before_it_is_parsed():
    header = "gene," + ",".join(f"s{i}" for i in range(150_000))
    with pytest.raises(IntakeError, match="150,001 columns; an expression matrix has at most 100,000"):
        read_expression((header + "\nGZMA," + ",".join(["1"] * 150_000)).encode(), "wide.csv")


def test_a_workbook_sheet_over_the_sheet_cell_limit_is_refused(monkeypatch):
    monkeypatch.setenv("ICILENS_MAX_SHEET_CELLS", "100")
    book = openpyxl.Workbook()
    for row in range(20):
        book.active.append([f"G{row}", *range(10)])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(IntakeError, match="up to 100 cells"):
        read_expression(buffer.getvalue(), "big.xlsx")
