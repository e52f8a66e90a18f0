"""Finding the table: from a file's bytes to text cells under one header row, whatever the format.

Handles the layouts of real exports: title rows above the header, cBioPortal's `#` metadata lines
(whose first line gives each column's display name), R's `write.csv` row names under an empty
first header cell, several sheets of a workbook."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from icilens.intake.columns import ROW_NAMES
from icilens.intake.errors import IntakeError
from icilens.intake.findings import INFO
from icilens.intake.headers import count_known_headers
from icilens.vocabulary import FindingCode, Severity

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Note:
    """Something found while reading the file: a finding without a column."""

    problem: str
    action: str
    severity: Severity = INFO
    row: int | None = None
    value: str = ""
    code: FindingCode = FindingCode.FILE_READ


@dataclass
class RawTable:
    """Text cells of one sheet, with where the data rows start in the source."""

    cells: pd.DataFrame  # every cell as str ("" when empty); columns are the headers
    source_rows: pd.Series  # 1-based row number in the file for each row of cells
    name: str
    file_format: str
    header_row: int  # 1-based row of the header in the file
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    decimal_comma: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    descriptions: dict[str, str] = field(default_factory=dict)  # header -> display name (cBioPortal)
    row_names: str | None = None  # the column R wrote under an empty first header cell
    notes: list[Note] = field(default_factory=list)  # what reading the file found, before any column


def find_header(rows: list[list[str]]) -> int:
    """Return the index of the header row: wide, mostly words not numbers, naming the most fields."""
    filled = [sum(bool(str(c).strip()) for c in row) for row in rows]
    width = max(filled, default=0)
    best_index, best_key = 0, (-1, -1)
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [str(c).strip() for c in row if str(c).strip()]
        if width > 1 and len(cells) < max(2, width // 2):
            continue  # a title or a note, not a header
        words = sum(not _NUMBER.fullmatch(c) for c in cells) / max(len(cells), 1)
        if words < 0.6:
            continue  # a data row
        key = (count_known_headers(cells), -index)
        if key > best_key:
            best_index, best_key = index, key
    return best_index


_NUMBER = re.compile(r"[-+]?[\d.,]+(e[-+]?\d+)?%?", re.IGNORECASE)


def chunk_table(cells: pd.DataFrame, template: RawTable, rows_before: int) -> RawTable | None:
    """Return a later chunk of a file as a RawTable read like the first one, or None when it holds no rows.

    cells are the chunk's text cells under the file's raw headers; rows_before counts the file's data lines
    (blank ones included) before the chunk, so each row keeps its line number in the file.
    """
    try:
        table = finish_table(cells, template.name, template.file_format, template.header_row + rows_before)
    except IntakeError:
        return None  # only blank rows
    table.encoding, table.delimiter, table.decimal_comma = template.encoding, template.delimiter, template.decimal_comma
    table.descriptions, table.sheet = template.descriptions, template.sheet
    return table


def finish_table(cells: pd.DataFrame, name: str, file_format: str, header_row: int) -> RawTable:
    cells = cells.fillna("").astype(str)
    headers = [str(c).strip() for c in cells.columns]
    row_names = len(headers) > 1 and (not headers[0] or headers[0].startswith("Unnamed: 0")) and all(headers[1:])
    cells.columns = _unique_headers(cells.columns)
    if row_names:
        cells = cells.rename(columns={cells.columns[0]: ROW_NAMES})
    source_rows = pd.Series(range(header_row + 1, header_row + 1 + len(cells)), index=cells.index)
    filled = cells.apply(lambda col: col.str.strip() != "").any(axis=1)
    blank = source_rows[~filled].tolist()
    cells, source_rows = cells[filled].reset_index(drop=True), source_rows[filled].reset_index(drop=True)
    if len(cells.columns) == 0 or all(not str(c).strip() for c in cells.columns):
        raise IntakeError(f"{name} has no header row. Add a first row with column names (download the template).")
    if cells.empty:
        raise IntakeError(f"{name} has a header but no patient rows. Export the cohort again with its data rows.")
    table = RawTable(cells=cells, source_rows=source_rows, name=name, file_format=file_format, header_row=header_row)
    table.row_names = ROW_NAMES if row_names else None
    if blank:
        table.notes.append(Note(f"{len(blank)} empty rows skipped (rows {first_items(blank, 20)})", "not patients"))
    return table


def _unique_headers(headers) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for position, header in enumerate(headers):
        text = str(header).strip()
        if not text or text.startswith("Unnamed:"):
            text = f"column {position + 1}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        out.append(text)
    return out


def first_items(items: list, most: int) -> str:
    """Return the first `most` items as a comma list, with '...' when there are more."""
    return ", ".join(map(str, items[:most])) + (" ..." if len(items) > most else "")


def first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
