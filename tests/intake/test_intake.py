"""Intake behaviour beyond the corpus: mapping overrides, limits and hostile files."""

import io
import os
import re
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


@pytest.mark.slow
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
        ("Liver metastasis", None),
        ("Brain mets", None),
        ("Metastatic melanoma", "Melanoma"),
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


def _workbook(build) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cohort_sheet(sheet, tmb=(5, 12, 30)) -> None:
    sheet.append(["Patient ID", "TMB", "Cancer type", "Age"])
    for index, value in enumerate(tmb):
        sheet.append([f"P{index}", value, "Melanoma", 60 + index])


def test_a_sheet_that_declares_billions_of_cells_is_refused_before_loading():
    def build(workbook):
        _cohort_sheet(workbook.active)
        workbook.active["XFD1048576"] = "stray"

    with pytest.raises(IntakeError, match=r"sheet 'Sheet'\) declares 1,048,576 rows.*stray cell"):
        read_cohort(_workbook(build), "bomb.xlsx")

    def build_two(workbook):
        workbook.active.title = "Scratch"
        workbook.active["XFD1048576"] = "stray"
        _cohort_sheet(workbook.create_sheet("Cohort"))

    result = read_cohort(_workbook(build_two), "two.xlsx")
    assert result.table.sheet == "Cohort" and len(result.frame) == 3
    assert result.findings["problem"].str.contains("sheet 'Scratch' not read").any()


def _with_dimension(data: bytes, dimension: str) -> bytes:
    """Return the workbook with its first sheet's declared dimension rewritten, its cells untouched."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), part)
            target.writestr(info, part)
    return out.getvalue()


def test_a_sheet_that_declares_a_small_size_but_holds_a_far_cell_is_refused_before_loading():
    """A reader fills the grid up to the farthest cell whatever the dimension says; calamine aborts the process."""
    from icilens.transcriptome.expression import read_expression

    def build(workbook):
        _cohort_sheet(workbook.active)
        workbook.active["XFD1048576"] = "stray"

    lying = _with_dimension(_workbook(build), "A1:D4")
    with pytest.raises(IntakeError, match=r"sheet 'Sheet'\) declares 1,048,576 rows.*stray cell"):
        read_cohort(lying, "small.xlsx")
    with pytest.raises(IntakeError, match=r"small.xlsx declares 1,048,576 rows x 16,384 columns"):
        read_expression(lying, "small.xlsx")


def test_hidden_and_chart_sheets_are_not_read_and_the_sheet_read_is_named():
    def build(workbook):
        workbook.active.title = "Old"
        _cohort_sheet(workbook.active, tmb=(99, 99, 99))
        workbook.active.sheet_state = "hidden"
        from openpyxl.chart import BarChart, Reference

        current = workbook.create_sheet("Current")
        _cohort_sheet(current)
        chart = BarChart()
        chart.add_data(Reference(current, min_col=2, min_row=1, max_row=4), titles_from_data=True)
        workbook.create_chartsheet("Chart").add_chart(chart)

    result = read_cohort(_workbook(build), "stale.xlsx")
    assert result.table.sheet == "Current" and result.table.sheets == ("Current",)
    assert result.frame["tmb"].tolist() == [5.0, 12.0, 30.0]
    problems = result.findings["problem"]
    assert problems.str.contains("read sheet 'Current'").any() and problems.str.contains("Old, Chart").any()


def test_merged_cells_are_filled_and_formulas_without_values_named():
    def build(workbook):
        sheet = workbook.active
        _cohort_sheet(sheet)
        sheet["C2"], sheet["C3"], sheet["C4"] = "NSCLC", None, None
        sheet.merge_cells("C2:C4")
        sheet["B4"] = "=B2*2"

    result = read_cohort(_workbook(build), "merged.xlsx")
    assert result.frame["cancer_type"].tolist() == ["NSCLC"] * 3
    assert result.frame["tmb"].isna().tolist() == [False, False, True]
    problems = result.findings["problem"]
    assert problems.str.startswith("merged cells filled with their value: C2:C4").any()
    assert problems.str.startswith("1 formula cells saved without their value (B4)").any()


def test_a_password_protected_workbook_is_named_as_such():
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64
    with pytest.raises(IntakeError, match="password-protected"):
        read_cohort(encrypted, "locked.xlsx")


def test_parquet_ids_in_the_index_and_long_integers_are_kept():
    frame = pd.DataFrame({"TMB": [1.0, 2.0, 3.5]}, index=pd.Index(["A", "B", "C"], name="patient_id"))
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    assert read_cohort(buffer.getvalue(), "indexed.parquet").frame["patient_id"].tolist() == ["A", "B", "C"]
    frame = pd.DataFrame({"Patient ID": pd.array([2**60 + 1, None, 2**60 + 3], dtype="Int64"), "TMB": [1.0, 2.0, 3.5]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    ids = read_cohort(buffer.getvalue(), "long.parquet").frame["patient_id"].tolist()
    assert ids == [str(2**60 + 1), "row-3", str(2**60 + 3)]


def test_a_legacy_chinese_file_is_refused_rather_than_garbled_and_windows_latin_is_named():
    gbk = "Patient ID,TMB,Age\n张伟,5,60\n王芳,7,70\n李娜,9,55\n".encode("gbk")
    with pytest.raises(IntakeError, match="Save it as UTF-8"):
        read_cohort(gbk, "gbk.csv")
    latin = "Patient ID,TMB,Age\nJosé,5,60\nBjørn Ærø,4,44\n".encode("cp1252")
    result = read_cohort(latin, "latin.csv")
    assert result.frame["patient_id"].tolist() == ["José", "Bjørn Ærø"]
    assert (result.findings["problem"] == "the file is not UTF-8; read as cp1252").any()


def test_ecog_is_read_from_the_headers_clinicians_use_and_checked_in_whole_steps():
    import io

    data = (
        b"patient_id,cancer_type,Performance status (ECOG),response\n"
        b"A,Melanoma,1,1\nB,Melanoma,1.5,0\nC,NSCLC,7,0\nD,NSCLC,0,1\n"
    )
    result = read_cohort(io.BytesIO(data), "ecog.csv")
    assert result.mapping["Performance status (ECOG)"] == "ecog"
    assert result.frame["ecog"].tolist()[::3] == [1.0, 0.0] and result.frame["ecog"].iloc[1:3].isna().all()
    findings = result.findings.set_index("row")
    assert "not a whole number" in findings.loc[3, "problem"] and findings.loc[3, "code"] == "not_whole"
    assert "outside the plausible range 0 to 4" in findings.loc[4, "problem"]  # file rows: the header is 1


@pytest.mark.parametrize("written", [("1.0", "0.0"), ("1.00", "0.00"), ("1", "0")])
def test_codes_written_as_decimals_read_as_the_codes(tmp_path, written):
    # pandas and R write a whole-number column with missing values as 1.0 and 0.0: it is the code 1, never the
    # words "1" and "0" (a cBioPortal "1:DECEASED" label), which once read every 1.0 as no event.
    event, censored = written
    rows = [("A", event, event), ("B", censored, censored), ("C", event, censored), ("D", censored, event)]
    text = "Patient ID,Cancer type,OS months,OS event,Prior chemo\n" + "".join(
        f"{pid},Melanoma,{i + 3},{e},{p}\n" for i, (pid, e, p) in enumerate(rows)
    )
    path = tmp_path / "events.csv"
    path.write_text(text)
    frame = read_cohort(path).frame
    assert frame["os_event"].tolist() == [1, 0, 1, 0]
    assert frame["prior_systemic_therapy"].tolist() == ["yes", "no", "no", "yes"]


def test_a_table_read_without_its_headers_needs_a_mapping_of_every_column_and_reads_as_mapped():
    table = read_table((CORPUS / "10_units_g_per_l.csv").read_bytes(), "10_units_g_per_l.csv")
    decided = build_cohort(table)
    with pytest.raises(ValueError, match="mapping of every column"):
        build_cohort(table, {h: decided.mapping[h] for h in list(decided.mapping)[1:]}, read_headers=False)
    units = {m.header: m.unit for m in decided.columns if m.unit}
    codes = {m.header: m.value_codes for m in decided.columns if m.value_codes is not None}
    again = build_cohort(table, decided.mapping, units, value_codes=codes, read_headers=False)
    pd.testing.assert_frame_equal(again.frame, decided.frame)
