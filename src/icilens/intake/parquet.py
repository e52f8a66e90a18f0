"""Reading Parquet: exact text cells, a stored index as a column, unreadable column types set aside."""

from __future__ import annotations

import io

import pandas as pd

from icilens.intake.errors import IntakeError
from icilens.intake.findings import WARNING
from icilens.intake.limits import check_shape
from icilens.intake.table import (
    Note,
    RawTable,
    finish_table,
    first_line,
)
from icilens.vocabulary import FindingCode


def read_parquet_table(data: bytes, name: str) -> RawTable:
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
            f"{name} could not be read as Parquet ({first_line(exc)}). Export it again or use CSV."
        ) from exc
    cells = parquet_text(arrow, aside)
    if cells.columns.empty:
        raise IntakeError(_nothing_readable(name, aside))
    table = finish_table(cells, name, "parquet", 1)
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
