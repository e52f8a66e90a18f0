"""Intake behaviour beyond the corpus: mapping overrides, limits and hostile files."""

import io
import re
import os
import zipfile

import pandas as pd
import pytest

from icilens.intake import IntakeError, build_cohort, read_cohort, read_table, suggest_mapping
from tests.conftest import CORPUS


def test_user_can_override_the_mapping():
    table = read_table((CORPUS / "30_extra_columns.csv").read_bytes(), "cohort.csv")
    mapping = suggest_mapping(list(table.cells.columns))
    assert mapping["Trial arm"] is None
    mapping["NLR"] = None  # the user says this column is not the NLR
    result = build_cohort(table, mapping)
    assert result.frame["nlr"].isna().all()
    assert "NLR" in result.unmapped


def test_mapping_one_field_twice_is_refused():
    table = read_table((CORPUS / "01_clean_human_headers.csv").read_bytes(), "cohort.csv")
    mapping = suggest_mapping(list(table.cells.columns))
    mapping["HED"] = "tmb"
    with pytest.raises(IntakeError, match="mapped twice: tmb"):
        build_cohort(table, mapping)


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setenv("ICILENS_MAX_BYTES", "1000")
    with pytest.raises(IntakeError, match="limit"):
        read_cohort(b"tmb,age\n" + b"1,50\n" * 400, "big.csv")


def test_xlsx_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (600 * 1024 * 1024))
    with pytest.raises(IntakeError, match="zip bomb"):
        read_cohort(buffer.getvalue(), "bomb.xlsx")


def test_each_finding_names_row_column_value_and_action():
    result = read_cohort(CORPUS / "18_implausible_values.csv")
    age = result.findings[result.findings["column"] == "Age"].iloc[0]
    assert (age["row"], age["value"], age["action"], age["severity"]) == (2, "250", "set missing", "warning")


def test_choosing_a_sheet_by_name():
    data = (CORPUS / "08_cohort_on_second_sheet.xlsx").read_bytes()
    with pytest.raises(IntakeError, match="no sheet named 'Missing'"):
        read_table(data, "book.xlsx", sheet="Missing")
    assert read_table(data, "book.xlsx").sheets == ("Notes", "Cohort")


def _findings_for(result, column):
    return result.findings[result.findings["column"] == column]


def test_dates_ranges_hex_and_infinities_in_number_columns_are_named_per_cell():
    data = "Patient,TMB,Age,Platelets\nA,12.03.1956,61,250\nB,0x1A,1e309,1 234\nC,10-20,inf,198\n"
    data += "".join(f"{p},{t},{a},200\n" for p, t, a in [("D", 5, 70), ("E", 8, 52), ("F", 2.5, 66), ("G", 14, 59)])
    result = read_cohort(data.encode(), "values.csv")
    frame = result.frame
    assert frame["tmb"].isna().tolist() == [True] * 3 + [False] * 4
    assert frame["age"].isna().tolist() == [False, True, True] + [False] * 4
    problems = set(result.findings["problem"])
    for expected in ("a date, not a number", "hexadecimal, not a measurement", "a range, not one value"):
        assert expected in problems
    assert (result.findings["problem"] == "infinite or too large to be a measurement").sum() == 2
    assert frame["platelets"].tolist()[1] == 1234.0  # digits grouped by a space, not the number 1
    assert "digits grouped by spaces" in problems


def test_a_utf8_file_with_one_windows_line_keeps_every_other_id_and_names_the_line():
    data = "Patient ID,TMB\nJosé,5\nRenée,7\n".encode() + "Müller,9\n".encode("cp1252") + "Zoë,3\n".encode()
    result = read_cohort(data, "mixed.csv")
    assert result.frame["patient_id"].tolist() == ["José", "Renée", "Müller", "Zoë"]
    assert result.findings["problem"].str.startswith("mixed encodings: line(s) 4 ").any()


def test_ids_that_differ_only_by_invisible_characters_are_duplicates():
    data = "Patient ID,TMB\nAB12,5\nAB\u200b12,7\n\u202eAB12,3\n".encode()
    result = read_cohort(data, "ids.csv")
    assert result.frame["patient_id"].tolist()[1:] == ["AB\u200b12#2", "\u202eAB12#3"]
    assert (result.findings["problem"] == "duplicate patient id").sum() == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Non-melanoma skin cancer", "Other"),
        ("Small cell carcinoma of the bladder", None),
        ("Lung metastasis of melanoma", None),
        ("Non-Small Cell Lung Cancer", "NSCLC"),
        ("Esophagogastric Cancer", "Esophageal"),
        ("Melanoom", "Melanoma"),
    ],
)
def test_free_text_cancer_types_are_read_or_left_for_the_user(text, expected):
    data = f"Patient,TMB,Cancer type\nA,5,{text}\nB,6,Melanoma\n".encode()
    result = read_cohort(data, "types.csv")
    value = result.frame["cancer_type"].iloc[0]
    assert (None if pd.isna(value) else value) == expected
    if expected is None:
        assert result.findings["problem"].str.startswith("names more than one cancer type").any()


def test_of_two_columns_for_one_field_the_one_with_values_is_used():
    data = b"Patient,TMB,TMB (mut/Mb),Age\nA,,12,60\nB,,3,70\n"
    result = read_cohort(data, "two_tmb.csv")
    assert result.mapping == {"Patient": "patient_id", "TMB": None, "TMB (mut/Mb)": "tmb", "Age": "age"}
    assert result.frame["tmb"].tolist() == [12.0, 3.0]
    reasons = {m.header: m.why for m in result.columns}
    assert "Tumour mutational burden is read from 'TMB (mut/Mb)'" in reasons["TMB"]


def test_a_path_that_is_not_a_regular_file_is_refused_before_reading(tmp_path):
    fifo = tmp_path / "cohort.csv"
    os.mkfifo(fifo)
    with pytest.raises(IntakeError, match="not a regular file"):
        read_cohort(fifo)
    with pytest.raises(IntakeError, match="not a regular file"):
        read_cohort(tmp_path)


def _rows_with(changes: dict[int, str]) -> bytes:
    rows = ["Patient,TMB,Age,Comment"] + [f"P{i},{i + 1},{50 + i},ok" for i in range(12)]
    for index, row in changes.items():
        rows[index] = row
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({4: 'P3,4,53,"said fine', 8: 'P7,8,57,left"'}, "a quote in line 5 (column 'Comment') is never closed"),
        ({4: 'P3,4,53,"said fine'}, "a quote opened on line 5 is never closed"),
    ],
)
def test_a_quote_that_would_merge_patients_is_refused_with_its_line(changes, message):
    with pytest.raises(IntakeError, match=re.escape(message)):
        read_cohort(_rows_with(changes), "quotes.csv")


def test_a_lone_carriage_return_keeps_the_row_whole_and_is_named():
    result = read_cohort(_rows_with({5: "P4,5,54,line one\rline two"}), "cr.csv")
    assert len(result.frame) == 12 and result.frame["tmb"].tolist()[4] == 5.0
    assert result.findings["problem"].str.startswith("carriage return inside a cell on line(s) 6").any()


def test_quoted_line_breaks_are_one_cell():
    result = read_cohort(_rows_with({5: 'P4,5,54,"line one\nline two"'}), "ml.csv")
    assert len(result.frame) == 12
    assert result.findings["problem"].str.startswith("quoted cells with line breaks").any()


def test_limits_on_rows_columns_and_cells_are_checked_before_reading(monkeypatch):
    monkeypatch.setenv("ICILENS_MAX_ROWS", "10")
    with pytest.raises(IntakeError, match="has 12 rows; the limit is 10"):
        read_cohort(_rows_with({}), "rows.csv")
    monkeypatch.setenv("ICILENS_MAX_ROWS", "100")
    monkeypatch.setenv("ICILENS_MAX_COLUMNS", "3")
    with pytest.raises(IntakeError, match="has 4 columns; the limit is 3"):
        read_cohort(_rows_with({}), "columns.csv")
