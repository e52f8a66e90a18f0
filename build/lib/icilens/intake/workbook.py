"""What an XLSX workbook holds, read from its zip parts before any sheet is loaded.

Sheet names, whether each is visible, a worksheet or a chart, the size it declares, its merged
cells and its formulas saved without a value. Reading this first lets intake refuse a sheet that
declares a billion cells, skip hidden and chart sheets, and say what Excel did not save.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass

_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_RELATION = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')
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
    rows: int  # from A1 to the last cell the sheet's dimension declares (0 when it declares none)
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
            rows, columns = _declared_size(archive, part) if part in names else (0, 0)
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


def _declared_size(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    with archive.open(part) as stream:
        head = stream.read(65536)
    match = _DIMENSION.search(head)
    if match is None:  # no declared size: find the farthest cell (the XML is already bounded by the unzip limit)
        xml = archive.read(part)
        references = re.findall(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]+)(\d+)"', xml)
        if not references:
            return 0, 0
        return max(int(r) for _, r in references), max(column_number(c.decode()) for c, _ in references)
    first_column, first_row, last_column, last_row = (g.decode() if g else None for g in match.groups())
    last_column, last_row = last_column or first_column, last_row or first_row
    if last_column is None or last_row is None:
        return 0, 0
    # A reader fills everything from A1 to the last cell, so that is the size that costs memory.
    return int(last_row), column_number(last_column)


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
