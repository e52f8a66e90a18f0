"""Reading CSV and TSV text: encoding, delimiter, decimal comma, metadata lines and cells spanning lines."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from icilens.intake.errors import IntakeError
from icilens.intake.findings import INFO, WARNING
from icilens.intake.limits import check_shape
from icilens.intake.table import (
    HEADER_SEARCH_ROWS,
    Note,
    RawTable,
    find_header,
    finish_table,
    first_items,
    first_line,
)

DELIMITERS = (",", ";", "\t", "|")


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
            f"mixed encodings: line(s) {first_items(legacy, 20)} not in UTF-8 like the rest of the file",
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
        f"carriage return inside a cell on line(s) {first_items(lines, 20)}",
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


def read_text_table(data: bytes, name: str) -> RawTable:
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
    header_index = find_header(sample_rows) + len(metadata)
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
            f"{name} could not be read as a table ({first_line(exc)}). "
            "Check that every row has as many cells as the header, or export again as CSV."
        ) from exc
    notes += break_notes + _check_merged_rows(cells, text, delimiter, name, header_index + 1)
    table = finish_table(cells, name, "csv" if delimiter != "\t" else "tsv", header_index + 1)
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
