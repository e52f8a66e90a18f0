"""Expression files as bytes, read into tables: bounded first, then decoded the way the writing tool wrote them.

Text (CSV, TSV, semicolons with decimal commas, UTF-8 or Excel's UTF-16 "Unicode text"), with the comment
lines featureCounts writes, GCT and GEO series matrices (whose `!Sample_` lines give each sample's other names);
XLSX and Parquet through the cohort intake's guards; gzip; and a ZIP of several files (salmon, RSEM or kallisto
outputs, one per sample). Every size is checked before the bytes it describes are parsed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from icilens.intake.errors import IntakeError
from icilens.intake.findings import INFO, Findings
from icilens.intake.limits import check_bytes, current_limits
from icilens.intake.table import first_line
from icilens.intake.workbook import check_zip, inspect_workbook
from icilens.transcriptome.nanostring import is_rcc, read_rcc, report_nanostring, unpack_nanostring
from icilens.vocabulary import FindingCode

MAX_CELLS = 40_000_000  # ICILENS_MAX_EXPRESSION_CELLS: genes x samples read into memory (about 320 MB)
# A table this wide is neither samples (a cohort) nor genes (a transcriptome) as columns; pandas would build
# one object per column, so a crafted one-row file of millions of columns is refused before parsing.
MAX_COLUMNS = 100_000
MAX_LABEL = 1_000  # characters in one gene label, sample name or cell; a longer field is not expression data
MAX_FILES = 2_000  # files in one ZIP archive
GEO_BEGIN, GEO_END = b"!series_matrix_table_begin", b"!series_matrix_table_end"
GEO_NAMES = (b"!Sample_title", b"!Sample_geo_accession", b"!Sample_characteristics_ch1", b"!Sample_description")
NA_VALUES = ["NA", "NaN", "nan", "null", "NULL", "-", "", "#N/A"]
_SEPARATORS = np.frombuffer(b"\t,;\n\r", dtype=np.uint8)
_SCAN_BYTES = 8_000_000  # bytes scanned at once for over-long fields: bounded memory on any file
_DECIMAL_COMMA = re.compile(rb";-?\d+,\d+(;|\r?\n|$)")


@dataclass(frozen=True)
class ExpressionTable:
    """One table as parsed (header row as columns), its file name and each column's other names."""

    frame: pd.DataFrame
    name: str
    sample_names: dict[str, list[str]] = field(default_factory=dict)  # column -> GEO title, accession ...


def max_cells() -> int:
    """Return the largest genes x samples matrix intake reads (ICILENS_MAX_EXPRESSION_CELLS overrides)."""
    raw = os.environ.get("ICILENS_MAX_EXPRESSION_CELLS")
    return int(raw) if raw and raw.isdigit() else MAX_CELLS


def read_tables(data: bytes, name: str, findings: Findings) -> list[ExpressionTable]:
    """Return the tables of a file given as bytes: one, or one per file of a ZIP archive of tool outputs;
    NanoString tables unpacked (see icilens.transcriptome.nanostring)."""
    tables = _read_tables(data, name, findings)
    unpacked = [unpack_nanostring(table.frame, table.name) for table in tables]
    report_nanostring(unpacked, name, findings)
    return [
        table if u.frame is table.frame else ExpressionTable(u.frame, table.name, {**table.sample_names, **u.names})
        for table, u in zip(tables, unpacked, strict=True)
    ]


def _read_tables(data: bytes, name: str, findings: Findings) -> list[ExpressionTable]:
    check_bytes(len(data), name)
    data = _gunzip(data, name)
    if not data.strip():
        raise IntakeError(f"{name} is empty. Export the expression matrix with gene ids and one column per sample.")
    if data[:4] == b"PK\x03\x04" and not _is_workbook(data):
        return _read_archive(data, name, findings)
    return [_read_one(data, name, findings)]


def _read_one(data: bytes, name: str, findings: Findings) -> ExpressionTable:
    if data[:4] == b"PK\x03\x04":
        return ExpressionTable(_read_xlsx(data, name), name)
    if data[:4] == b"PAR1":
        return ExpressionTable(_read_parquet(data, name), name)
    data = _as_utf8(data, name, findings)
    if is_rcc(data[:200_000].decode("utf-8", errors="replace")):
        check_cells(4, data.count(b"\n"), name)  # CodeClass, Name, Accession, Count
        return ExpressionTable(read_rcc(data.decode("utf-8", errors="replace"), name), name)
    return _read_text(data, name, findings)


def _gunzip(data: bytes, name: str) -> bytes:
    """Return the bytes of a gzip file unpacked, refusing one that unpacks past the byte limit."""
    if data[:2] != b"\x1f\x8b":
        return data
    limit = current_limits().max_unpacked_bytes
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as packed:
        try:
            unpacked = packed.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise IntakeError(
                f"{name} is a damaged gzip file ({exc}). Compress it again or upload it unpacked."
            ) from None
    if len(unpacked) > limit:
        raise IntakeError(
            f"{name} unpacks to more than {limit:,} bytes (ICILENS_MAX_UNPACKED_BYTES). Split the samples."
        )
    return unpacked


def _is_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return True  # the workbook reader names the damage


def _read_archive(data: bytes, name: str, findings: Findings) -> list[ExpressionTable]:
    """Return one table per data file of a ZIP archive, each named by its path (a tool writes one per sample)."""
    check_zip(data, name)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir() and not PurePosixPath(m.filename).name.startswith(".") and "__MACOSX" not in m.filename
        ]
        if not members:
            raise IntakeError(f"{name} is a ZIP archive without files. Put the expression files in it.")
        if len(members) > MAX_FILES:
            raise IntakeError(f"{name} holds {len(members):,} files; at most {MAX_FILES:,} are read. Split it.")
        tables = []
        for member in members:
            inner = f"{name}/{member.filename}"
            tables.extend(_read_tables(archive.read(member), inner, findings))
    findings.add(None, "", "", f"{name}: a ZIP archive of {len(tables)} files", "", INFO, FindingCode.EXPRESSION_READ)
    return tables


def _as_utf8(data: bytes, name: str, findings: Findings) -> bytes:
    """Return text as UTF-8 bytes: Excel's "Unicode text" (UTF-16) is decoded; a UTF-8 mark is dropped."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 3 and data[1:4:2] == b"\x00\x00"):
        try:
            text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le")
        except UnicodeDecodeError:
            raise IntakeError(f"{name} looks like UTF-16 text but does not decode. Save it as CSV (UTF-8).") from None
        findings.add(
            None, "", "", f"{name} is UTF-16 text (Excel's Unicode text)", "", INFO, FindingCode.EXPRESSION_READ
        )
        data = text.encode("utf-8")
    if b"\x00" in data[:4096]:
        raise IntakeError(f"{name} is not a text table, an .xlsx workbook or a Parquet file. Export CSV, TSV or XLSX.")
    return data.removeprefix(b"\xef\xbb\xbf")


def _read_text(data: bytes, name: str, findings: Findings) -> ExpressionTable:
    skip, rows, names = _locate_table(data, name, findings)
    start = _offset_of_line(data, skip)
    end = data.find(GEO_END, start) if rows is not None else -1
    long_field = _first_long_field(data, start, end if end >= 0 else len(data))
    if long_field is not None:
        line = data.count(b"\n", 0, long_field) + 1
        raise IntakeError(
            f"{name}, line {line}: a label or value longer than {MAX_LABEL:,} characters; gene ids and sample "
            "names are short. Check that this is an expression matrix and its delimiter."
        )
    header = _line(data, skip).decode("utf-8", errors="replace")
    delimiter = max(["\t", ",", ";"], key=header.count)
    decimal = "," if delimiter == ";" and _DECIMAL_COMMA.search(data, start, start + 200_000) else "."
    if decimal == ",":
        findings.add(
            None,
            "",
            "",
            f"{name}: semicolons between values, commas as decimal marks",
            "",
            INFO,
            FindingCode.EXPRESSION_READ,
        )
    lines = data.count(b"\n", start) + (0 if data.endswith(b"\n") else 1)
    check_cells(header.count(delimiter) + 1, (rows if rows is not None else lines) - 1, name)
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            encoding="utf-8",
            encoding_errors="replace",
            sep=delimiter,
            decimal=decimal,
            skiprows=skip,
            nrows=rows,
            low_memory=False,
            na_values=NA_VALUES,
            keep_default_na=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise IntakeError(
            f"{name} could not be read as a table ({str(exc).splitlines()[0]}). Export it as CSV or TSV."
        ) from None
    return ExpressionTable(frame, name, _match_names(frame, names))


def _first_long_field(data: bytes, start: int, end: int) -> int | None:
    """Return where the first field longer than MAX_LABEL starts between start and end, or None: the gaps between
    separators, measured block by block (blocks overlap by MAX_LABEL, so no field escapes at a border)."""
    view = np.frombuffer(data, dtype=np.uint8)
    position = start
    while position < end:
        block = view[position : min(end, position + _SCAN_BYTES + MAX_LABEL + 1)]
        edges = np.concatenate(([-1], np.flatnonzero(np.isin(block, _SEPARATORS)), [len(block)]))
        gaps = np.diff(edges) - 1
        longest = int(np.argmax(gaps))
        if gaps[longest] > MAX_LABEL:
            return position + int(edges[longest]) + 1
        position += _SCAN_BYTES
    return None


def _locate_table(data: bytes, name: str, findings: Findings) -> tuple[int, int | None, list[list[str]]]:
    """Return (lines before the header, data rows or None for all, GEO's other names per sample column)."""
    if data.startswith(b"#1."):  # GCT: version line, then "genes samples", then Name Description ...
        findings.add(None, "", "", f"{name} is a GCT file", "", INFO, FindingCode.EXPRESSION_READ)
        return 2, None, []
    if data.lstrip().startswith(b"!") or GEO_BEGIN in data[:1_000_000]:
        begin = data.find(GEO_BEGIN)
        if begin < 0:
            raise IntakeError(f"{name} is a GEO series matrix without its data table; download the full series matrix.")
        end = data.find(GEO_END, begin)
        findings.add(
            None,
            "",
            "",
            f"{name} is a GEO series matrix: the table between its markers is read",
            "",
            INFO,
            FindingCode.EXPRESSION_READ,
        )
        skip = data.count(b"\n", 0, begin) + 1
        rows = data.count(b"\n", begin, end if end >= 0 else len(data)) - 2
        return skip, rows, _geo_names(data[:begin])
    skip = 0
    while data.startswith(b"#", _offset_of_line(data, skip)):
        skip += 1
    if skip:
        findings.add(
            None,
            "",
            "",
            f"{name}: {skip} comment line(s) before the header set aside (featureCounts writes one)",
            "",
            INFO,
            FindingCode.EXPRESSION_READ,
        )
    return skip, None, []


def _geo_names(head: bytes) -> list[list[str]]:
    """Return, per sample column, the names GEO's `!Sample_` lines give it (title, accession, characteristics)."""
    rows = []
    for line in head.splitlines():
        if line.split(b"\t", 1)[0] in GEO_NAMES:
            cells = line.decode("utf-8", errors="replace").split("\t")[1:]
            rows.append([c.strip().strip('"') for c in cells])
    return rows


def _match_names(frame: pd.DataFrame, names: list[list[str]]) -> dict[str, list[str]]:
    samples = [str(c) for c in frame.columns[1:]]
    per_sample: dict[str, list[str]] = {s: [] for s in samples}
    for row in names:
        if len(row) == len(samples):
            for sample, other in zip(samples, row, strict=True):
                per_sample[sample].extend([other, other.split(":", 1)[-1].strip()] if ":" in other else [other])
    return {s: [n for n in dict.fromkeys(others) if n and n != s] for s, others in per_sample.items() if others}


def _offset_of_line(data: bytes, index: int) -> int:
    start = 0
    for _ in range(index):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return len(data)
    return start


def _line(data: bytes, index: int) -> bytes:
    """Return line index (0-based) of data without copying the rest."""
    start = _offset_of_line(data, index)
    end = data.find(b"\n", start)
    return data[start : end if end >= 0 else len(data)].rstrip(b"\r")


def _read_xlsx(data: bytes, name: str) -> pd.DataFrame:
    check_zip(data, name)
    sheets = [s for s in inspect_workbook(data) if s.visible and not s.chart]
    if not sheets:
        raise IntakeError(f"{name} has no visible sheet with cells. Save the matrix on the first sheet.")
    check_cells(sheets[0].columns, sheets[0].rows, name, current_limits().max_sheet_cells)
    # calamine reads what openpyxl reads (dates as dates, errors and formulas without a value as missing), but
    # 20,000 genes in a third of a second rather than five
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=sheets[0].name, engine="calamine")
    except Exception as exc:  # a damaged sheet inside a sound ZIP: the parser's own error, whatever its kind
        raise IntakeError(
            f"Sheet {sheets[0].name!r} of {name} could not be read ({first_line(exc)}). Save the workbook again "
            "or export CSV."
        ) from None
    # Excel stores a date cell as a datetime; a gene label that became one is shown as Excel displays it. Only
    # columns of text or dates can hold one: the columns of numbers are left as read.
    for column in frame.select_dtypes(include=["object", "datetime", "datetimetz"]).columns:
        frame[column] = frame[column].map(lambda v: f"{v.day}-{v:%b}" if isinstance(v, dt.date) else v)
    return frame


def _read_parquet(data: bytes, name: str) -> pd.DataFrame:
    import pyarrow.parquet as pq  # pyarrow loads only for Parquet

    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        check_cells(parquet.metadata.num_columns, parquet.metadata.num_rows, name)
        frame = parquet.read().to_pandas()
    except IntakeError:
        raise
    except Exception as exc:
        raise IntakeError(
            f"{name} could not be read as Parquet ({str(exc).splitlines()[0]}). Export it again."
        ) from None
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    return frame


def check_cells(columns: int, rows: int, name: str, sheet_cells: int | None = None) -> None:
    """Raise IntakeError when a table of rows x columns is over the expression limits (before it is parsed)."""
    if columns > MAX_COLUMNS:
        raise IntakeError(
            f"{name} has {columns:,} columns; an expression matrix has at most {MAX_COLUMNS:,} (genes or samples). "
            "Check the delimiter, or split the file."
        )
    if sheet_cells is not None and columns * rows > sheet_cells:
        raise IntakeError(
            f"{name} declares {rows:,} rows x {columns:,} columns on its first sheet; a workbook sheet is read only "
            f"up to {sheet_cells:,} cells (ICILENS_MAX_SHEET_CELLS), as its cells are slow to parse. Save the sheet "
            "as CSV and upload that."
        )
    limit = max_cells()
    if columns * rows > limit:
        raise IntakeError(
            f"{name} has {rows:,} rows x {columns:,} columns = {rows * columns:,} cells; the limit is {limit:,} "
            "(ICILENS_MAX_EXPRESSION_CELLS). Split the samples into several files or keep fewer genes."
        )
