"""Files written by others: repeated headers, overlong numbers and Parquet types intake cannot read."""

import datetime as dt
import decimal
import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from icilens.intake import IntakeError, read_cohort
from icilens.intake.by_hand import check_patient
from icilens.intake.chunks import read_chunks
from icilens.vocabulary import FindingCode

HEADER = "Patient ID,Cancer type,TMB,TMB,Albumin (g/dL),Albumin\n"


def _findings(result, code: FindingCode) -> pd.DataFrame:
    return result.findings[result.findings["code"] == code]


def test_an_empty_first_copy_of_a_repeated_header_never_wins_over_the_one_with_values():
    text = HEADER + "P1,NSCLC,,12.5,,3.9\nP2,Melanoma,,3.1,,4.1\nP3,NSCLC,,22,,3.5\n"
    result = read_cohort(text.encode(), "joined.csv")
    assert result.frame["tmb"].tolist() == [12.5, 3.1, 22.0]
    assert result.frame["albumin"].tolist() == [3.9, 4.1, 3.5]
    assert result.mapping["TMB (2)"] == "tmb" and result.mapping["TMB"] is None
    assert _findings(result, FindingCode.COLUMNS_DISAGREE).empty  # the empty copy says nothing else


def test_a_repeated_header_whose_values_disagree_is_a_warning_naming_both_columns():
    text = HEADER + "P1,NSCLC,10,12.5,3.9,3.9\nP2,Melanoma,3.1,3.10,4.1,4.1\nP3,NSCLC,,22,3.5,35\n"
    result = read_cohort(text.encode(), "copied.csv")
    warnings = _findings(result, FindingCode.COLUMNS_DISAGREE)
    assert len(warnings) == 2 and set(warnings["severity"]) == {"warning"}
    tmb = warnings[warnings["column"] == "TMB"].iloc[0]
    assert "'TMB' also holds Tumour mutational burden" in tmb["problem"]
    assert "disagrees with 'TMB (2)' for 1 patients (first at row 2: 12.5 against 10)" in tmb["problem"]
    assert "read from 'TMB (2)'" in tmb["action"]  # three values beat two; 3.1 and 3.10 agree
    albumin = warnings[warnings["column"].str.startswith("Albumin")].iloc[0]
    assert "'Albumin (g/dL)'" in albumin["problem"] + albumin["action"]
    assert "'Albumin'" in albumin["problem"] + albumin["action"]
    assert "for 1 patients (first at row 4: " in albumin["problem"] and "35" in albumin["problem"]


def test_repeated_headers_in_a_workbook_and_in_chunks_read_as_in_a_whole_csv(tmp_path):
    text = HEADER + "".join(f"P{i},NSCLC,,{i + 0.5},,4.0\n" for i in range(40))
    whole = read_cohort(text.encode(), "joined.csv")
    workbook = io.BytesIO()
    pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False).to_excel(
        workbook, index=False, header=False
    )
    from_xlsx = read_cohort(workbook.getvalue(), "joined.xlsx")
    path = tmp_path / "joined.csv"
    path.write_text(text)
    _, results = read_chunks(path, chunk_rows=7)
    chunked = pd.concat([r.frame for r in results], ignore_index=True)
    for frame in (from_xlsx.frame, chunked):
        assert frame["tmb"].tolist() == whole.frame["tmb"].tolist() == [i + 0.5 for i in range(40)]


@pytest.mark.parametrize("digits", [31, 400, 10_000])
def test_a_number_too_long_to_be_a_measurement_is_refused_by_name_in_a_file(digits):
    text = f"Patient ID,Cancer type,TMB\nP1,NSCLC,{'9' * digits}\nP2,NSCLC,12.5\n"
    result = read_cohort(text.encode(), "long.csv")
    assert pd.isna(result.frame["tmb"].iloc[0]) and result.frame["tmb"].iloc[1] == 12.5
    finding = result.findings[result.findings["row"] == 2].iloc[0]
    assert finding["problem"] == f"a number of {digits:,} digits, too long to be a measurement"
    assert finding["severity"] == "warning" and len(finding["value"]) < 60  # the cell is named, not printed whole


def test_a_number_too_long_to_be_a_measurement_is_refused_at_its_field_in_the_form():
    check = check_patient({"cancer_type": "NSCLC", "tmb": "1" * 10_000})
    assert check.result is None
    assert "a number of 10,000 digits, too long to be a measurement" in check.problems["tmb"]


def test_the_command_line_refuses_a_ten_thousand_digit_tmb(capsys):
    from icilens.cli import main

    assert main(["predict", "--patient", f"cancer_type=NSCLC,tmb={'1' * 10_000}"]) == 2
    assert "a number of 10,000 digits, too long to be a measurement" in capsys.readouterr().err


def _parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def test_parquet_columns_intake_cannot_read_are_named_and_the_rest_is_read():
    table = pa.table(
        {
            "Patient ID": ["P1", "P2"],
            "Cancer type": ["NSCLC", "Melanoma"],
            "TMB": pa.array([decimal.Decimal("12.50"), decimal.Decimal("3.10")], type=pa.decimal128(6, 2)),
            "Start": pa.array([dt.datetime(2020, 1, 1), dt.datetime(2021, 5, 1)], type=pa.timestamp("ns", tz="UTC")),
            "genes": pa.array([[1, 2], [3]]),
            "meta": pa.array([{"a": 1}, {"a": 2}]),
            "codes": pa.array([[("k", 1)], [("j", 2)]], type=pa.map_(pa.string(), pa.int64())),
            "raw": pa.array([b"\xff\xfe", b"ok"], type=pa.binary()),
            "wait": pa.array([dt.timedelta(days=1)] * 2),
        }
    )
    result = read_cohort(_parquet(table), "nested.parquet")
    assert result.frame["tmb"].tolist() == [12.5, 3.1]
    aside = _findings(result, FindingCode.COLUMN_SET_ASIDE)
    assert sorted(aside["value"]) == ["codes", "genes", "meta", "raw", "wait"]
    assert set(aside["severity"]) == {"warning"}
    assert any("nested values" in p for p in aside["problem"]) and any("duration" in p for p in aside["problem"])


def test_a_parquet_file_with_no_readable_column_is_refused_with_the_reason():
    with pytest.raises(IntakeError, match=r"no column can be read \(column 'genes' \(list<"):
        read_cohort(_parquet(pa.table({"genes": pa.array([[1, 2], [3]])})), "nested.parquet")
