"""Intake: from an uploaded file to a canonical cohort, with every change reported.

Stages, each its own module, in the order they run:

1. `source`: read the bytes, bounded (`read_source`).
2. `formats`: tell the format from the first bytes and read the table: `text` (CSV, TSV), `workbook` (XLSX),
   `parquet`; each gives a `table.RawTable` of text cells under one header row.
3. `columns`: understand each column (`match_columns`) from its header words (`headers`) and its values
   (`value_profiles`); `repeats` weighs two columns that claim one field.
4. `values`: read numbers and categories; `units`: the unit of a column, conversion, plausible range.
5. `identity`: settle patient ids (`settle_ids`).

`cohort.read_cohort(data, name)` runs them all; a page that lets the user fix the mapping keeps the table
and calls `build_cohort(table, mapping, units, set_values)` again. `chunks` reads a file too large for memory
by the decisions made on its first rows; `by_hand` reads patients entered in a form.
"""

from icilens.intake.by_hand import entered_side_by_side
from icilens.intake.chunks import CHUNK_ROWS, can_stream, read_chunks
from icilens.intake.cohort import IntakeResult, build_cohort, canonical_dtypes, read_cohort, usable
from icilens.intake.columns import MAPPED, SUGGESTED, UNUSED, ColumnMatch
from icilens.intake.errors import IntakeError
from icilens.intake.findings import SEVERITIES, SEVERITY_WORDS, describe_finding_counts
from icilens.intake.formats import read_table
from icilens.intake.headers import match_header, suggest_mapping
from icilens.intake.limits import check_bytes
from icilens.intake.review import (
    NOT_USED,
    accept_all,
    describe_option,
    field_options,
    mapping_table,
    read_edits,
    unit_options,
)
from icilens.intake.table import RawTable

__all__ = [
    "CHUNK_ROWS",
    "MAPPED",
    "NOT_USED",
    "SEVERITIES",
    "SEVERITY_WORDS",
    "SUGGESTED",
    "UNUSED",
    "ColumnMatch",
    "IntakeError",
    "IntakeResult",
    "RawTable",
    "accept_all",
    "build_cohort",
    "can_stream",
    "canonical_dtypes",
    "check_bytes",
    "describe_finding_counts",
    "describe_option",
    "entered_side_by_side",
    "field_options",
    "mapping_table",
    "match_header",
    "read_chunks",
    "read_cohort",
    "read_edits",
    "read_table",
    "suggest_mapping",
    "unit_options",
    "usable",
]
