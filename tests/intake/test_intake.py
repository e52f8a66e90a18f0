"""Intake behaviour beyond the corpus: mapping overrides, limits and hostile files."""

import io
import zipfile

import pytest

from icilens.intake import IntakeError, build_cohort, read_cohort, read_table, suggest_mapping
from icilens.intake import source as intake_source
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
    monkeypatch.setattr(intake_source, "MAX_BYTES", 1000)
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
