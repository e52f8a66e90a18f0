"""Chunked scoring reads a file as the whole-file intake does and scores it identically, chunk by chunk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from icilens.cli import main
from icilens.datasets import demo_path
from icilens.intake import IntakeError, read_cohort
from icilens.intake.chunks import FindingTally, _last_whole_line, can_stream, read_chunks
from icilens.scoring.chunked import check_file, predict_file
from icilens.scoring.predictions import predict_cohort
from icilens.scoring.tables import TableWriter, write_table
from icilens.vocabulary import FindingCode
from tests.conftest import CORPUS


def _in_memory(model, path, explain=True) -> pd.DataFrame:
    return predict_cohort(model, read_cohort(path).frame, explain=explain)


def _assert_same_predictions(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    assert (a["patient_id"].astype(str).to_numpy() == b["patient_id"].astype(str).to_numpy()).all()
    numbers = a.select_dtypes("number").columns
    np.testing.assert_allclose(a[numbers].to_numpy(float), b[numbers].to_numpy(float), rtol=0, atol=1e-12)
    assert (a["missing_features"].fillna("") == b["missing_features"].fillna("")).all()


@pytest.mark.parametrize("output", ["csv", "parquet"])
@pytest.mark.slow
def test_the_demo_in_chunks_equals_the_whole_file(default_model, tmp_path, output):
    whole = tmp_path / f"whole.{output}"
    chunked = tmp_path / f"chunked.{output}"
    write_table(_in_memory(default_model, demo_path()), whole)
    summary = predict_file(default_model, demo_path(), chunked, explain=True, chunk_rows=100)
    assert summary.chunks == 6 and summary.cohort.patients == 515
    read = pd.read_csv if output == "csv" else pd.read_parquet
    _assert_same_predictions(read(whole), read(chunked))


@pytest.mark.slow
def test_parquet_input_in_chunks_equals_the_whole_file(default_model, tmp_path):
    source = tmp_path / "demo.parquet"
    raw = pd.read_csv(demo_path())
    pq.write_table(pa.Table.from_pandas(raw, preserve_index=False), source, row_group_size=128)
    out = tmp_path / "out.parquet"
    predict_file(default_model, source, out, explain=True, chunk_rows=64)
    _assert_same_predictions(_in_memory(default_model, source), pd.read_parquet(out))


@pytest.mark.parametrize(
    "name",
    ["17_text_in_numbers.csv", "18_implausible_values.csv", "10_units_g_per_l.csv", "33_thousands_separator.csv"],
)
def test_findings_are_counted_per_kind_as_the_whole_file_finds_them(name):
    whole = read_cohort(CORPUS / name).findings
    cells = whole[whole["row"].notna()]
    expected = cells.groupby(["code", "column"]).size().to_dict()
    summary = check_file(CORPUS / name, chunk_rows=3)
    tally = summary.cohort.tally.frame()
    counted = tally[tally["example_rows"] != "whole column"].groupby(["code", "column"])["count"].sum().to_dict()
    assert counted == expected
    assert summary.chunks > 1


def test_a_kind_of_finding_keeps_its_first_rows_as_examples():
    tally = FindingTally()
    findings = pd.DataFrame(
        {
            "row": pd.array(range(2, 12), dtype="Int64"),
            "column": "Age",
            "value": [str(v) for v in range(500, 510)],
            "problem": "outside the plausible range 10 to 110 years",
            "action": "set missing",
            "severity": "warning",
            "code": str(FindingCode.OUT_OF_RANGE),
        }
    )
    tally.add(findings.head(4))
    tally.add(findings.tail(6))
    row = tally.frame().iloc[0]
    assert row["count"] == 10 and row["example_rows"] == "2, 3, 4, 5, 6"
    assert row["example_values"].startswith("500, 501")
    assert tally.severity_counts() == {"error": 0, "warning": 10, "info": 0}


def test_generated_ids_run_on_across_chunks_as_in_the_whole_file(default_model, tmp_path):
    path = CORPUS / "28_no_id_column.csv"
    whole = read_cohort(path).frame["patient_id"].tolist()
    _, results = read_chunks(path, chunk_rows=2)
    assert [i for r in results for i in r.frame["patient_id"]] == whole


@pytest.mark.parametrize("chunk_rows", [2, 7])
@pytest.mark.slow
def test_ids_repeated_within_and_across_chunks_are_numbered_as_in_the_whole_file(tmp_path, chunk_rows):
    # The same id written four ways (plain, with a zero-width space, a bidi mark, another case), twice in a row.
    raw = pd.read_csv(demo_path()).head(40)
    ids = [f"C{i}" for i in range(40)]
    written = ["AB12", "AB12", "AB\u200b12", "\u202eAB12", "ab12", "AB12"]
    for position, text in zip([0, 1, 13, 25, 26, 39], written, strict=True):
        ids[position] = text
    ids[30] = "C5"
    raw = raw.drop(columns="SAMPLE_ID").assign(**{"Patient ID": ids})
    path = tmp_path / "repeats.csv"
    raw.to_csv(path, index=False)
    whole = read_cohort(path).frame["patient_id"].tolist()
    assert whole[39] == "AB12#6" and whole[30] == "C5#2" and whole[26] == "ab12#5"
    _, results = read_chunks(path, chunk_rows=chunk_rows)
    assert [i for r in results for i in r.frame["patient_id"]] == whole


def test_an_id_repeated_in_a_later_chunk_is_marked_and_reported(tmp_path, monkeypatch):
    import icilens.intake.chunks

    # Past the rows intake decides on: there the id column looked unique, so it is the id column.
    monkeypatch.setattr(icilens.intake.chunks, "PLAN_ROWS", 20)
    raw = pd.read_csv(demo_path()).head(40)
    raw.loc[30, "SAMPLE_ID"] = raw.loc[3, "SAMPLE_ID"]
    path = tmp_path / "repeat.csv"
    raw.to_csv(path, index=False)
    cohort, results = read_chunks(path, chunk_rows=10)
    ids = [i for r in results for i in r.frame["patient_id"]]
    assert ids[30] == f"{raw.loc[3, 'SAMPLE_ID']}#2" and len(set(ids)) == 40
    tally = cohort.tally.frame()
    repeated = tally[tally["code"] == FindingCode.DUPLICATE_ID]
    assert repeated["count"].sum() == 1 and repeated["example_rows"].iloc[0] == "32"


def test_the_sample_ends_on_a_whole_line_outside_quotes():
    data = b'id,note\n1,"two\nlines"\n2,plain\n3,"open\n'
    cut = _last_whole_line(data)
    assert data[:cut] == b'id,note\n1,"two\nlines"\n2,plain\n'


def test_only_csv_and_parquet_are_written(tmp_path):
    with pytest.raises(ValueError, match=r"\.csv or \.parquet"):
        TableWriter(tmp_path / "out.xlsx")


def test_a_workbook_is_not_read_in_chunks():
    with pytest.raises(IntakeError, match="only CSV, TSV and Parquet"):
        read_chunks(CORPUS / "07_title_rows.xlsx")


@pytest.mark.slow
def test_the_command_line_reads_in_chunks_when_asked(tmp_path, capsys):
    out = tmp_path / "out.parquet"
    assert main(["predict", str(demo_path()), "--out", str(out), "--chunk-rows", "200", "--explain"]) == 0
    printed = capsys.readouterr().out
    assert "515 predictions written" in printed and "3 chunks" in printed
    assert len(pd.read_parquet(out)) == 515
    assert main(["validate", str(CORPUS / "18_implausible_values.csv"), "--chunk-rows", "4"]) == 0
    printed = capsys.readouterr().out
    assert "read in" in printed and "out_of_range" in printed
    assert main(["predict", str(demo_path()), "--out", str(tmp_path / "out.txt")]) == 2
    assert "name a .csv or .parquet file" in capsys.readouterr().err
    workbook = str(CORPUS / "07_title_rows.xlsx")
    assert main(["validate", workbook, "--chunk-rows", "5"]) == 2
    assert "only CSV, TSV and Parquet files are read in chunks" in capsys.readouterr().err


OTHER_SYSTEMS = sorted(
    p.name
    for folder in (CORPUS, CORPUS.parent / "exports")
    for p in folder.iterdir()
    if can_stream(p) and not p.name.startswith("65_")  # 30 million rows: its own limit test
)
CHUNKS_REFUSE = {"51_mixed_encoding.csv": "mixes text encodings", "54_lone_carriage_return.csv": "carriage returns"}


# What chunking itself can get wrong: ids across chunks, encodings, delimiters, quotes, blank and ragged lines,
# Parquet, a repeated column and the refusals. The quick checks read these; the full run reads every file, the
# real exports (the demo's 515 patients in 13 or more chunks each, seconds apiece) included.
CHUNK_HAZARDS = {
    "02_msk_original.csv",
    "03_semicolon_decimal_comma.csv",
    "04_cp1252_accents.csv",
    "06_tab_separated.tsv",
    "26_duplicate_ids.csv",
    "27_blank_ids.csv",
    "28_no_id_column.csv",
    "31_parquet.parquet",
    "35_blank_lines_and_trailing.csv",
    "46_ragged_rows.csv",
    "51_mixed_encoding.csv",
    "52_invisible_duplicate_ids.csv",
    "53_unbalanced_quote.csv",
    "54_lone_carriage_return.csv",
    "60_parquet_index_ids.parquet",
    "62_two_tmb_columns.csv",
}
IN_CHUNKS = [name if name in CHUNK_HAZARDS else pytest.param(name, marks=pytest.mark.slow) for name in OTHER_SYSTEMS]


def test_the_files_the_quick_checks_read_in_chunks_are_in_the_corpus():
    assert CHUNK_HAZARDS.issubset(OTHER_SYSTEMS)


@pytest.mark.parametrize("name", IN_CHUNKS)
def test_files_from_other_systems_read_in_chunks_as_whole_or_are_refused_with_the_reason(name):
    """cBioPortal, REDCap, R, Dutch and German exports and the messy corpus: a dozen or more small chunks each,
    together the whole file's frame."""
    path = CORPUS / name if (CORPUS / name).exists() else CORPUS.parent / "exports" / name
    try:
        whole = read_cohort(path).frame
    except IntakeError:
        with pytest.raises(IntakeError):
            read_chunks(path, chunk_rows=7)
        return
    chunk_rows = max(3, len(whole) // 13)  # 39 rows for the 515-patient exports, 3 for the small files
    if name in CHUNKS_REFUSE:
        with pytest.raises(IntakeError, match=CHUNKS_REFUSE[name]):
            read_chunks(path, chunk_rows=chunk_rows)
        return
    _, results = read_chunks(path, chunk_rows=chunk_rows)
    pd.testing.assert_frame_equal(pd.concat([r.frame for r in results], ignore_index=True), whole)
