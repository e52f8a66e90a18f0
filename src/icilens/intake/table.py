"""Finding the table: from a file's bytes to text cells under one header row, whatever the format.

Handles the layouts of real exports: title rows above the header, cBioPortal's `#` metadata lines
(whose first line gives each column's display name), R's `write.csv` row names under an empty
first header cell, several sheets of a workbook."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from icilens.intake.columns import ROW_NAMES, count_known_headers
from icilens.intake.errors import IntakeError
from icilens.intake.findings import INFO, WARNING
from icilens.intake.limits import check_bytes, check_shape, current_limits
from icilens.intake.workbook import SheetInfo, formulas_without_values, inspect_workbook, merged_ranges, sheet_xml
from icilens.vocabulary import FindingCode, Severity

HEADER_SEARCH_ROWS = 30
DELIMITERS = (",", ";", "\t", "|")


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


def read_table(data: bytes, name: str = "upload", sheet: str | None = None) -> RawTable:
    """Return the cells of a CSV, TSV, XLSX or Parquet file given as bytes."""
    check_bytes(len(data), name)
    if not data.strip():
        raise IntakeError(f"{name} is empty. Export the cohort again with a header row and one row per patient.")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, name, sheet)
    if data[:4] == b"PAR1":
        return _read_parquet(data, name)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and "EncryptedPackage".encode("utf-16-le") in data:
        raise IntakeError(
            f"{name} is a password-protected Excel workbook, which cannot be read. Open it in Excel, remove the "
            "password (File > Info > Protect Workbook > Encrypt with Password) and save it, or export it as CSV."
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IntakeError(
            f"{name} is an old Excel 97-2003 (.xls) workbook. Open it in Excel and save it as .xlsx or CSV, then upload again."
        )
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IntakeError(
            f"{name} is not a text table, an Excel .xlsx workbook or a Parquet file. "
            "Export the cohort as CSV, TSV, XLSX or Parquet and upload that."
        )
    return _read_text(data, name)


def _decode(data: bytes, name: str) -> tuple[str, str, list[Note]]:
    """Return (text, encoding, notes): UTF-8 when it decodes; lines that do not are named, never guessed silently."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", []
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    decoded, legacy, utf8_non_ascii = [], [], False
    for number, line in enumerate(lines, start=1):
        try:
            decoded.append(line.decode("utf-8"))
            utf8_non_ascii |= not line.isascii()
        except UnicodeDecodeError:
            decoded.append(line.decode("cp1252", errors="replace"))
            legacy.append(number)
    if utf8_non_ascii:  # a UTF-8 file with some lines written in another encoding
        note = Note(
            f"mixed encodings: line(s) {_first(legacy, 20)} not in UTF-8 like the rest of the file",
            "those lines read as Windows-1252; check their accented characters, or save the file as UTF-8",
            WARNING,
            value=f"{len(legacy)} lines",
        )
        return "\n".join(decoded), "utf-8 with Windows-1252 lines", [note]
    if _looks_double_byte(data):
        raise IntakeError(
            f"{name} is not UTF-8 and its characters look like a Chinese, Japanese or Korean legacy encoding "
            "(GBK, Big5, Shift-JIS, EUC-KR), which cannot be told apart reliably. Save it as UTF-8 (in Excel: "
            "'CSV UTF-8') and upload it again."
        )
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        note = Note(
            f"the file is not UTF-8; read as {encoding}",
            "if accented names or ids look wrong, save the file as UTF-8 and upload it again",
        )
        return text, encoding, [note]
    raise IntakeError(f"{name} could not be decoded as text; save it as UTF-8 CSV.")  # pragma: no cover


def _looks_double_byte(data: bytes) -> bool:
    """Return whether non-ASCII bytes come mostly in pairs, as in Chinese, Japanese or Korean legacy encodings."""
    high = [i for i, byte in enumerate(data[:1_000_000]) if byte > 0x7F]
    paired = sum(1 for i in high if i + 1 < len(data) and data[i + 1] > 0x7F)
    return len(high) >= 4 and paired >= 0.6 * len(high)


def _guess_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the sample lines into the most consistent columns."""
    best, best_score = ",", -1.0
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in row)]
        except csv.Error:  # a field longer than csv's limit: not this delimiter
            continue
        if not counts:
            continue
        widest = max(counts)
        if widest < 2:
            continue
        consistent = sum(c == widest for c in counts)
        score = consistent * widest
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _find_header(rows: list[list[str]]) -> int:
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


def _looks_decimal_comma(cells: pd.DataFrame) -> bool:
    sample = cells.head(500).stack()
    sample = sample[sample != ""]
    comma = sample.str.fullmatch(r"-?\d+,\d+").sum()
    dot = sample.str.fullmatch(r"-?\d+\.\d+").sum()
    return bool(comma > dot)


def _metadata_lines(text: str) -> list[str]:
    """Return the leading lines that start with '#' (cBioPortal's display names, descriptions, types)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def _line_breaks(text: str) -> tuple[str, list[Note]]:
    """Return text with one kind of line break; a carriage return alone inside a cell becomes a space, named."""
    lone = [m.start() for m in re.finditer(r"\r(?!\n)", text)]
    if not lone:
        return text, []
    if "\n" not in text:  # classic Mac line endings: every break is a lone carriage return
        return text.replace("\r", "\n"), []
    lines = sorted({text.count("\n", 0, position) + 1 for position in lone})
    note = Note(
        f"carriage return inside a cell on line(s) {_first(lines, 20)}",
        "read as a space, so the row stays one patient; check those cells",
        WARNING,
        value=f"{len(lone)} carriage returns",
    )
    return re.sub(r"\r(?!\n)", " ", text), [note]


def _check_merged_rows(cells: pd.DataFrame, text: str, delimiter: str, name: str, header_row: int) -> list[Note]:
    """Refuse rows merged by a quote that is never closed; name cells that legitimately span lines."""
    width = len(cells.columns)
    spanning = []
    for position in range(width):  # by position: a repeated header names two columns
        column = cells.iloc[:, position]
        header = cells.columns[position]
        for index in cells.index[column.str.contains("\n", regex=False)]:
            value = column.at[index]
            first = value.split("\n", 1)[0]
            line = text.count("\n", 0, max(text.find(first), 0)) + 1
            if any(part.count(delimiter) >= max(1, width // 2) for part in value.split("\n")[1:]):
                raise IntakeError(
                    f"{name}: a quote in line {line} (column {header!r}) is never closed, so the lines after it "
                    "were read as one cell and patients would be merged. Close or remove the quote and upload again."
                )
            spanning.append(line)
    if not spanning:
        return []
    shown = ", ".join(map(str, spanning[:10]))
    return [Note(f"quoted cells with line breaks (lines {shown})", "kept as text in one cell", INFO)]


def _read_text(data: bytes, name: str) -> RawTable:
    text, encoding, notes = _decode(data, name)
    text, break_notes = _line_breaks(text)
    metadata = _metadata_lines(text[:1_000_000])
    lines = text[:4_000_000].splitlines()[len(metadata) : len(metadata) + HEADER_SEARCH_ROWS + 20]
    delimiter = _guess_delimiter(lines)
    try:
        sample_rows = list(csv.reader(lines[:HEADER_SEARCH_ROWS], delimiter=delimiter))
    except csv.Error as exc:
        raise IntakeError(
            f"{name}: a cell in the first lines is too long to be a value ({exc}). Check that the file is a table "
            "with one patient per line, and export it again as CSV."
        ) from exc
    width = max((len(row) for row in sample_rows), default=0)
    check_shape(text.count("\n") - len(metadata) - text.endswith("\n"), width, name)  # before the costly steps
    header_index = _find_header(sample_rows) + len(metadata)
    try:
        cells = with_header_row(
            pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                skiprows=header_index,
                header=None,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                on_bad_lines="error",
            )
        )
    except pd.errors.EmptyDataError as exc:
        raise IntakeError(f"{name} has no rows. Export the cohort again with a header row.") from exc
    except pd.errors.ParserError as exc:
        quote = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if quote:
            raise IntakeError(
                f"{name}: a quote opened on line {header_index + int(quote.group(1)) + 1} is never closed before the "
                "end of the file, so the rows after it cannot be told apart. Close or remove the quote and upload again."
            ) from exc
        raise IntakeError(
            f"{name} could not be read as a table ({_first_line(exc)}). "
            "Check that every row has as many cells as the header, or export again as CSV."
        ) from exc
    notes += break_notes + _check_merged_rows(cells, text, delimiter, name, header_index + 1)
    table = _finish(cells, name, "csv" if delimiter != "\t" else "tsv", header_index + 1)
    table.encoding, table.delimiter = encoding, delimiter
    table.notes.extend(notes)
    table.decimal_comma = delimiter != "," and _looks_decimal_comma(table.cells)
    if metadata:
        _describe_from_metadata(table, metadata, delimiter)
    return table


def with_header_row(cells: pd.DataFrame) -> pd.DataFrame:
    """Return cells read without a header, with their first row as the header, repeated names kept as written.

    pandas would rename a repeated 'TMB' to 'TMB.1', which then reads as another column; the table's own
    renaming ('TMB (2)') is what intake recognises as a repeat.
    """
    if cells.empty:
        raise pd.errors.EmptyDataError("no header row")
    header = ["" if pd.isna(h) else str(h) for h in cells.iloc[0]]
    cells = cells.iloc[1:].reset_index(drop=True)
    cells.columns = header
    return cells


def _describe_from_metadata(table: RawTable, metadata: list[str], delimiter: str) -> None:
    """Record cBioPortal display names and say that the metadata lines were not read as patients."""
    names = next(csv.reader([metadata[0][1:]], delimiter=delimiter))
    if len(names) == len(table.cells.columns):
        table.descriptions = {h: n.strip() for h, n in zip(table.cells.columns, names, strict=True) if n.strip()}
    table.notes.append(
        Note(
            f"{len(metadata)} metadata lines starting with '#' above the header (cBioPortal format)",
            "read as column descriptions, not as patients",
        )
    )


def _check_zip(data: bytes, name: str) -> None:
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


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> RawTable:
    _check_zip(data, name)
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
    header_index = _find_header(rows)
    header = [str(c) for c in grid.iloc[header_index]]
    cells = grid.iloc[header_index + 1 :].copy()
    cells.columns = header
    table = _finish(cells, name, "xlsx", header_index + 1)
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
            f"Sheet {sheet!r} of {name} could not be read ({_first_line(exc)}). Save the workbook again or export CSV."
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
            f"merged cells filled with their value: {_first(filled, 10)}",
            "each patient row in a merged range gets the value shown; check them",
            WARNING,
        )
    ]


def _formula_notes(xml: bytes) -> list[Note]:
    missing = formulas_without_values(xml)
    if not missing:
        return []
    shown = _first(missing, 10)
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


def _read_parquet(data: bytes, name: str) -> RawTable:
    """Read a Parquet file as exact text: integer ids keep every digit, a stored index is a column."""
    import pyarrow.parquet as pq  # pyarrow loads only for Parquet

    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        check_shape(parquet.metadata.num_rows, parquet.metadata.num_columns, name)
        readable, aside = readable_parquet_columns(parquet.schema_arrow, name)
        arrow = parquet.read(columns=readable)
    except IntakeError:
        raise
    except Exception as exc:
        raise IntakeError(
            f"{name} could not be read as Parquet ({_first_line(exc)}). Export it again or use CSV."
        ) from exc
    cells = parquet_text(arrow, aside)
    if cells.columns.empty:
        raise IntakeError(_nothing_readable(name, aside))
    table = _finish(cells, name, "parquet", 1)
    table.notes.extend(aside)
    index_columns = [
        c for c in (parquet.schema_arrow.pandas_metadata or {}).get("index_columns", []) if isinstance(c, str)
    ]
    if index_columns:
        table.notes.append(Note("the file's index was stored with the data", "read as a column (it may hold the ids)"))
    return table


TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))  # pandas' default "str" dtype


def readable_parquet_columns(schema, name: str) -> tuple[list[str], list[Note]]:
    """Return the columns of a Parquet schema intake can read as text, and a note for each one left aside.

    Raise IntakeError, naming every column and its type, when none can be read.
    """
    readable, aside = [], []
    for arrow_field in schema:
        reason = _unreadable_type(arrow_field.type)
        if reason is None:
            readable.append(arrow_field.name)
        else:
            aside.append(_aside_note(arrow_field.name, arrow_field.type, reason))
    if not readable:
        raise IntakeError(_nothing_readable(name, aside))
    return readable, aside


def _unreadable_type(arrow_type) -> str | None:
    """Return why a column of this Arrow type holds no value per patient that intake can read, or None."""
    import pyarrow as pa  # pyarrow loads only for Parquet

    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if pa.types.is_nested(arrow_type):
        return "nested values (a struct, list or map), not one value per patient"
    if pa.types.is_duration(arrow_type) or pa.types.is_time(arrow_type) or pa.types.is_interval(arrow_type):
        return "a duration or time of day, whose unit a number alone would lose"
    if pa.types.is_fixed_size_binary(arrow_type) or isinstance(arrow_type, pa.ExtensionType):
        return "binary or extension values, not text or numbers"
    return None


def _aside_note(column: str, arrow_type, reason: str) -> Note:
    return Note(
        f"column '{column}' ({arrow_type}) holds {reason}",
        "left aside; the rest of the file is read. Export it as plain numbers or text to use it",
        WARNING,
        value=column,
        code=FindingCode.COLUMN_SET_ASIDE,
    )


def _nothing_readable(name: str, aside: list[Note]) -> str:
    shown = "; ".join(note.problem for note in aside[:8])
    return (
        f"{name}: no column can be read ({shown}). Export the cohort with one plain value (number, text or date) "
        "per patient in each column."
    )


def parquet_text(arrow, aside: list[Note] | None = None) -> pd.DataFrame:
    """Return an Arrow table's cells as exact text ("" when null); a stored pandas index becomes 'index'.

    A column whose values cannot be written as text (binary that is not UTF-8, a decimal Arrow cannot print)
    is left out, with a note added to aside when given.
    """
    import pyarrow as pa  # pyarrow loads only for Parquet
    import pyarrow.compute as pc  # pyarrow loads only for Parquet

    columns = {}
    for column_name, column in zip(arrow.column_names, arrow.columns, strict=True):
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        try:
            text = pc.fill_null(pc.cast(column, pa.string()), "")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            if aside is not None:
                aside.append(_aside_note(column_name, column.type, f"values that cannot be read as text ({exc})"))
            continue
        header = "index" if column_name.startswith("__index_level_") else column_name
        columns[header] = text.to_pandas(types_mapper=lambda _: TEXT)  # Arrow strings stay Arrow strings
    return pd.DataFrame(columns)


def chunk_table(cells: pd.DataFrame, template: RawTable, rows_before: int) -> RawTable | None:
    """Return a later chunk of a file as a RawTable read like the first one, or None when it holds no rows.

    cells are the chunk's text cells under the file's raw headers; rows_before counts the file's data lines
    (blank ones included) before the chunk, so each row keeps its line number in the file.
    """
    try:
        table = _finish(cells, template.name, template.file_format, template.header_row + rows_before)
    except IntakeError:
        return None  # only blank rows
    table.encoding, table.delimiter, table.decimal_comma = template.encoding, template.delimiter, template.decimal_comma
    table.descriptions, table.sheet = template.descriptions, template.sheet
    return table


def _finish(cells: pd.DataFrame, name: str, file_format: str, header_row: int) -> RawTable:
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
        table.notes.append(Note(f"{len(blank)} empty rows skipped (rows {_first(blank, 20)})", "not patients"))
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


def _first(items: list, most: int) -> str:
    """Return the first `most` items as a comma list, with '...' when there are more."""
    return ", ".join(map(str, items[:most])) + (" ..." if len(items) > most else "")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
