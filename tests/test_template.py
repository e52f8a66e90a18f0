"""The downloadable template: the canonical header, and an XLSX with the data dictionary."""

import io

import pandas as pd

from icilens.intake import suggest_mapping
from icilens.reports.template import build_template_csv, build_template_xlsx
from icilens.schema import CANONICAL_COLUMNS, FIELDS


def test_csv_template_header_maps_onto_itself():
    header = build_template_csv().decode().strip().split(",")
    assert header == list(CANONICAL_COLUMNS)
    assert suggest_mapping(header) == {name: name for name in header}


def test_xlsx_template_has_a_data_dictionary_sheet():
    sheets = pd.read_excel(io.BytesIO(build_template_xlsx()), sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["cohort", "data dictionary"]
    assert list(sheets["cohort"].columns) == list(CANONICAL_COLUMNS)
    dictionary = sheets["data dictionary"]
    assert len(dictionary) == len(FIELDS)
    albumin = dictionary.set_index("field").loc["albumin"]
    assert albumin["unit"] == "g/dL" and "g/L" in albumin["conversions"]
