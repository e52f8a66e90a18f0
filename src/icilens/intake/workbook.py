"""What an XLSX workbook holds, read from its zip parts before any sheet is loaded.

Sheet names, whether each is visible, a worksheet or a chart, the farthest cell it declares or holds, its
merged cells and its formulas saved without a value. Reading this first lets intake refuse a sheet that
reaches a billion cells, skip hidden and chart sheets, and say what Excel did not save.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass

import pandas as pd

from icilens.intake.errors import IntakeError
from icilens.intake.findings import WARNING
from icilens.intake.headers import count_known_headers
from icilens.intake.limits import check_shape, current_limits
from icilens.intake.table import HEADER_SEARCH_ROWS, Note, RawTable, find_header, finish_table, first_items, first_line

_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_RELATION = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')
# Every r="..." in a sheet: row numbers and cell references; anything else so spelled can only make it look larger.
_REFERENCE_ATTRIBUTE = re.compile(rb'r="([A-Z]*)(\d+)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REFERENCE = re.compile(r"([A-Z]+)(\d+)")


@dataclass(frozen=True)
class SheetInfo:
    """One sheet of a workbook as its parts describe it."""

    name: str
    part: str  # the zip member holding the sheet, e.g. xl/worksheets/sheet1.xml
    visible: bool
    chart: bool
    rows: int  # from A1 to the farthest cell the sheet declares or holds (0 when it has none)
    columns: int


def column_number(letters: str) -> int:
    """Return the 1-based column of a spreadsheet column name ('A' -> 1, 'XFD' -> 16384)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def inspect_workbook(data: bytes) -> list[SheetInfo]:
    """Return every sheet of an XLSX workbook in order, from workbook.xml, its relations and each dimension."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        relations = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        targets = {}
        for match in _RELATION.finditer(relations):
            attributes = dict(_ATTRIBUTE.findall(match.group(1)))
            target = attributes.get("Target", "").lstrip("/")
            targets[attributes.get("Id")] = target if target.startswith("xl/") else f"xl/{target}"
        sheets = []
        for match in _SHEET.finditer(workbook):
            attributes = dict(_ATTRIBUTE.findall(match.group(1)))
            relation = next((v for k, v in attributes.items() if k.endswith(":id")), None)
            part = targets.get(relation, "")
            rows, columns = _sheet_size(archive, part) if part in names else (0, 0)
            sheets.append(
                SheetInfo(
                    name=html.unescape(attributes.get("name", "")),
                    part=part,
                    visible=attributes.get("state", "visible") == "visible",
                    chart="chartsheet" in part,
                    rows=rows,
                    columns=columns,
                )
            )
        return sheets


def _sheet_size(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """Return (rows, columns) from A1 to the farthest cell a sheet declares or holds: a reader fills everything up
    to it, so that is the size that costs memory. A declared dimension alone is not trusted, as a file can declare
    A1:C3 and hold a cell at XFD1048576 (the XML is already bounded by the unzip limit)."""
    xml = archive.read(part)
    references = _REFERENCE_ATTRIBUTE.findall(xml)
    rows = max(map(int, {number for _, number in references}), default=0)
    columns = max((column_number(c.decode()) for c in {letters for letters, _ in references if letters}), default=0)
    match = _DIMENSION.search(xml, 0, 65536)
    if match is not None:
        first_column, first_row, last_column, last_row = (g.decode() if g else None for g in match.groups())
        last_column, last_row = last_column or first_column, last_row or first_row
        if last_column is not None and last_row is not None:
            rows, columns = max(rows, int(last_row)), max(columns, column_number(last_column))
    return rows, columns


def sheet_xml(data: bytes, part: str) -> bytes:
    """Return the XML of one sheet of a workbook (its size is already bounded by the unzip limit)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(part)


def _cell_reference(reference: str) -> tuple[str, str]:
    """Return ('B', '12') from 'B12'; raises ValueError on anything else."""
    match = _REFERENCE.fullmatch(reference.replace("$", ""))
    if match is None:
        raise ValueError(f"{reference!r} is not a cell reference")
    return match[1], match[2]


def merged_ranges(xml: bytes) -> list[tuple[int, int, int, int]]:
    """Return a sheet's merged ranges as 0-based (first row, first column, last row, last column)."""
    ranges = []
    for match in _MERGE.finditer(xml):
        start, end = match.group(1).decode().split(":")
        (c0, r0), (c1, r1) = _cell_reference(start), _cell_reference(end)
        ranges.append((int(r0) - 1, column_number(c0) - 1, int(r1) - 1, column_number(c1) - 1))
    return ranges


def formulas_without_values(xml: bytes) -> list[str]:
    """Return the references of a sheet's formula cells saved without a computed value (they read as empty)."""
    if b"<f" not in xml:
        return []
    missing = []
    for match in _CELL.finditer(xml):
        body = match.group(2) or b""
        if b"<f" in body and not re.search(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>", body):
            reference = dict(_ATTRIBUTE.findall(match.group(1).decode())).get("r", "?")
            missing.append(reference)
    return missing


def check_zip(data: bytes, name: str) -> None:
    """Raise IntakeError when a ZIP container (a workbook, an archive of files) is damaged or unpacks too large."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise IntakeError(
            f"{name} looks like an Excel workbook but is damaged. Open and save it again in Excel."
        ) from exc
    limit = current_limits().max_unpacked_bytes
    if unpacked > limit:
        raise IntakeError(
            f"{name} unpacks to {unpacked / 1e6:.0f} MB, more than the {limit / 1e6:.0f} MB allowed; "
            "it was refused as a possible zip bomb. Save the cohort as CSV and upload that."
        )


def read_xlsx_table(data: bytes, name: str, sheet: str | None) -> RawTable:
    check_zip(data, name)
    try:
        infos = inspect_workbook(data)
    except Exception as exc:
        raise IntakeError(f"{name} could not be opened as an Excel workbook. Save it again as .xlsx or CSV.") from exc
    notes: list[Note] = []
    candidates = _sheet_candidates(infos, name, sheet, notes)
    if len(candidates) == 1:
        chosen = candidates[0]
    else:  # only the first rows of each, to find the sheet that holds the cohort
        heads = {info.name: _read_sheet(data, name, info.name, nrows=HEADER_SEARCH_ROWS) for info in candidates}
        chosen = next(info for info in candidates if info.name == _pick_sheet(heads))
    grid = _read_sheet(data, name, chosen.name)
    if grid.dropna(how="all").empty:
        raise IntakeError(f"Sheet {chosen.name!r} of {name} is empty. Choose the sheet that holds the cohort.")
    xml = sheet_xml(data, chosen.part)
    notes += _fill_merged(grid, xml) + _formula_notes(xml)
    grid = grid.map(_cell_text)
    rows = grid.head(HEADER_SEARCH_ROWS).values.tolist()
    header_index = find_header(rows)
    header = [str(c) for c in grid.iloc[header_index]]
    cells = grid.iloc[header_index + 1 :].copy()
    cells.columns = header
    table = finish_table(cells, name, "xlsx", header_index + 1)
    table.sheet, table.sheets = chosen.name, tuple(info.name for info in infos if info.visible and not info.chart)
    table.notes = [Note(f"read sheet {chosen.name!r}", "choose another sheet if the cohort is elsewhere"), *notes]
    return table


def _sheet_candidates(infos: list[SheetInfo], name: str, sheet: str | None, notes: list[Note]) -> list[SheetInfo]:
    """Return the sheets that may hold the cohort: the one asked for, else the visible worksheets within limits."""
    if sheet is not None:
        info = next((i for i in infos if i.name == sheet), None)
        if info is None:
            raise IntakeError(
                f"{name} has no sheet named {sheet!r}; its sheets are {', '.join(i.name for i in infos)}."
            )
        if info.chart:
            raise IntakeError(f"Sheet {sheet!r} of {name} is a chart, not a table. Choose the sheet with the cohort.")
        check_shape(info.rows, info.columns, name, sheet)
        return [info]
    skipped = [i.name for i in infos if not i.visible or i.chart]
    if skipped:
        notes.append(Note(f"hidden or chart sheets not read: {', '.join(skipped)}", "name one to read it instead"))
    candidates, refusals = [], []
    for info in infos:
        if info.visible and not info.chart:
            try:
                check_shape(info.rows, info.columns, name, info.name)
                candidates.append(info)
            except IntakeError as refusal:
                refusals.append(refusal)
                notes.append(Note(f"sheet {info.name!r} not read", str(refusal), WARNING))
    if not candidates:
        if refusals:
            raise refusals[0]
        raise IntakeError(f"{name} has no visible worksheet. Unhide the sheet with the cohort or export it as CSV.")
    return candidates


def _read_sheet(data: bytes, name: str, sheet: str, nrows: int | None = None) -> pd.DataFrame:
    try:
        return pd.read_excel(
            io.BytesIO(data), sheet_name=sheet, header=None, dtype=object, engine="openpyxl", nrows=nrows
        )
    except Exception as exc:
        raise IntakeError(
            f"Sheet {sheet!r} of {name} could not be read ({first_line(exc)}). Save the workbook again or export CSV."
        ) from exc


def _fill_merged(grid: pd.DataFrame, xml: bytes) -> list[Note]:
    """Give every cell of a merged range the range's value (Excel keeps it in the first cell only)."""
    filled = []
    for r0, c0, r1, c1 in merged_ranges(xml):
        if r0 >= len(grid) or c0 >= len(grid.columns) or (r0, c0) == (r1, c1):
            continue
        value = grid.iat[r0, c0]
        grid.iloc[r0 : r1 + 1, c0 : c1 + 1] = value
        filled.append(f"{_reference(r0, c0)}:{_reference(r1, c1)}")
    if not filled:
        return []
    return [
        Note(
            f"merged cells filled with their value: {first_items(filled, 10)}",
            "each patient row in a merged range gets the value shown; check them",
            WARNING,
        )
    ]


def _formula_notes(xml: bytes) -> list[Note]:
    missing = formulas_without_values(xml)
    if not missing:
        return []
    shown = first_items(missing, 10)
    return [
        Note(
            f"{len(missing)} formula cells saved without their value ({shown}): they read as empty",
            "open and save the file in Excel (so the values are stored), or export the values as CSV",
            WARNING,
        )
    ]


def _reference(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return f"{letters}{row + 1}"


def _pick_sheet(frames: dict[str, pd.DataFrame]) -> str:
    """Return the sheet whose header names the most known fields."""

    def known(frame: pd.DataFrame) -> int:
        rows = frame.head(HEADER_SEARCH_ROWS).astype(str).values.tolist()
        return max((count_known_headers(r) for r in rows), default=0)

    return max(frames, key=lambda s: (known(frames[s]), -list(frames).index(s)))


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
